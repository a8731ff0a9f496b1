/**
 * The sharing evaluation (共享评价): per department and for the whole exchange, each indicator of
 * ./indicators.ts with its score (0–100), its numbers and its formula with the numbers filled in.
 * A pure function over plain inputs; ./gather.ts reads them from the node's database.
 */
import { INDICATORS, type IndicatorCode, type IndicatorDefinition } from "./indicators.js";

export interface EvaluationResource {
  resourceCode: string;
  providerCode: string;
  status: "published" | "withdrawn";
  /** The specs/data/v1 catalog entry. */
  entry: Record<string, unknown>;
}

export interface EvaluationShareRequest {
  providerCode: string;
  status: string;
  /** RFC 3339, when answered (approved or refused). */
  decidedAt?: string;
  /** YYYY-MM-DD, the 10th working day (packages/node/src/calendar). */
  answerDeadline: string;
}

export interface EvaluationInputs {
  members: { code: string; name: string }[];
  resources: EvaluationResource[];
  shareRequests: EvaluationShareRequest[];
  /** The last change the node saw per resource (an event delivered, a batch pushed). */
  lastChanges: { resourceCode: string; at: string }[];
  /** Bulk pushes: records received and rejected by the standard's checks, per provider. */
  batches: { providerCode: string; received: number; rejected: number }[];
  /** Successful data calls in the period, per resource and consumer. */
  calls: { resourceCode: string; consumer: string; calls: number }[];
}

export interface EvaluationOptions {
  now: Date;
  /** Today in China (YYYY-MM-DD): requests pending past their deadline are late. */
  today: string;
  /** Restrict the departments to these members. */
  members?: readonly string[];
}

export interface IndicatorScore {
  code: IndicatorCode;
  available: boolean;
  score?: number;
  value?: number;
  numerator?: number;
  denominator?: number;
  formula?: string;
  reason?: { zh: string; en: string };
}

export interface EvaluationSubject {
  memberCode?: string;
  name?: string;
  score?: number;
  indicators: IndicatorScore[];
}

/** specs/exchange v1 `Evaluation`. */
export interface Evaluation {
  generatedAt: string;
  indicators: IndicatorDefinition[];
  exchange: EvaluationSubject;
  departments: EvaluationSubject[];
  notes?: { zh: string; en: string }[];
}

const DAY = 86_400_000;
/** 更新周期 in days (发改高技〔2017〕1272号); 其他 and 不定期 have no period to check. */
const CYCLE_DAYS: Record<string, number> = {
  实时: 1,
  每日: 1,
  每周: 7,
  每月: 31,
  每季度: 92,
  每半年: 183,
  每年: 366,
};
/** A legal basis named in a 不予共享 condition: a law's title, an article, a document number. */
const LEGAL_BASIS =
  /《[^》]{2,}》|法律|法规|条例|第[一二三四五六七八九十百零\d]+条|〔\d{4}〕|国发|国办发|中办发/;

const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;

function ratio(
  code: IndicatorCode,
  numerator: number,
  denominator: number,
  unavailable: { zh: string; en: string },
): IndicatorScore {
  if (denominator === 0) return { code, available: false, reason: unavailable };
  const value = numerator / denominator;
  const score = round(value * 100);
  return {
    code,
    available: true,
    score,
    value: round(value, 4),
    numerator,
    denominator,
    formula: `${numerator} / ${denominator} × 100 = ${score}`,
  };
}

const text = (v: unknown) => typeof v === "string" && v.trim() !== "";
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" ? (v as Record<string, unknown>) : {};

/** How many of the 12 required core elements (发改高技〔2017〕1272号) an entry fills. */
export function filledCoreElements(entry: Record<string, unknown>): number {
  const classification = obj(entry.classification);
  const format = obj(entry.format);
  const sharing = obj(entry.sharing);
  const items = Array.isArray(entry.items) ? entry.items.map(obj) : [];
  const type = sharing.type;
  const checks = [
    text(classification.category) && text(classification.item),
    text(entry.name),
    text(entry.resourceCode),
    text(entry.provider),
    text(entry.providerCode),
    text(entry.abstract),
    text(format.class) && text(format.type),
    items.length > 0 && items.every((i) => text(i.name) && text(i.dataType)),
    text(type) &&
      (type === "无条件共享" || text(sharing.condition)) &&
      (type === "不予共享" || sharing.method !== undefined),
    typeof obj(entry.openness).open === "boolean",
    text(entry.updateCycle),
    text(entry.publishDate),
  ];
  return checks.filter(Boolean).length;
}

function scoresOf(
  inputs: EvaluationInputs,
  options: EvaluationOptions,
  provider: string | undefined,
  otherMembers: number,
): IndicatorScore[] {
  const mine = <T extends { providerCode: string }>(rows: readonly T[]) =>
    provider === undefined ? rows : rows.filter((r) => r.providerCode === provider);
  const published = mine(inputs.resources).filter((r) => r.status === "published");
  const noResources = {
    zh: "没有已发布的目录资源。",
    en: "No published catalog resource.",
  };
  const filled = published.reduce((n, r) => n + filledCoreElements(r.entry), 0);
  const items = published.flatMap((r) =>
    Array.isArray(r.entry.items) ? r.entry.items.map(obj) : [],
  );
  const shareType = (r: EvaluationResource) => obj(r.entry.sharing).type;
  const shareable = published.filter((r) => shareType(r) !== "不予共享");
  const refused = published.filter((r) => shareType(r) === "不予共享");
  const withBasis = refused.filter((r) => {
    const condition = obj(r.entry.sharing).condition;
    return typeof condition === "string" && LEGAL_BASIS.test(condition);
  });

  const requests = mine(inputs.shareRequests);
  const answeredOnTime = requests.filter(
    (r) => r.decidedAt !== undefined && chinaDate(r.decidedAt) <= r.answerDeadline,
  ).length;
  const due = requests.filter(
    (r) =>
      r.decidedAt !== undefined || (r.status === "pending" && r.answerDeadline < options.today),
  ).length;

  const lastChange = new Map(inputs.lastChanges.map((c) => [c.resourceCode, c.at]));
  let checked = 0;
  let fresh = 0;
  for (const r of published) {
    const days = CYCLE_DAYS[String(r.entry.updateCycle)];
    const at = lastChange.get(r.resourceCode);
    if (days === undefined || at === undefined) continue;
    checked++;
    const grace = Math.max(1, days * 0.1);
    if (options.now.getTime() - Date.parse(at) <= (days + grace) * DAY) fresh++;
  }

  const batches = mine(inputs.batches);
  const received = batches.reduce((n, b) => n + b.received, 0);
  const rejected = batches.reduce((n, b) => n + b.rejected, 0);

  const shareableCodes = new Set(shareable.map((r) => r.resourceCode));
  const calls = inputs.calls.filter((c) => shareableCodes.has(c.resourceCode) && c.calls > 0);
  const called = new Set(calls.map((c) => c.resourceCode)).size;
  const consumers = new Set(calls.map((c) => c.consumer).filter((c) => c !== provider)).size;

  const quality = ratio("data_quality", received - rejected, received, {
    zh: "没有批量推送记录;提供方运行时的 govex_adapter_records_withheld_total 指标在提供方自己的 /metrics 上,节点不抓取(提供方网关只转发签名的数据请求)。",
    en: "No bulk push recorded; the provider runtime's govex_adapter_records_withheld_total counter is on the provider's own /metrics, which the node does not scrape (its provider gateway forwards signed data requests only).",
  });
  if (quality.available && quality.formula !== undefined)
    quality.formula = `(1 − ${rejected} / ${received}) × 100 = ${quality.score}`;

  return [
    (() => {
      const s = ratio("catalog_elements", filled, 12 * published.length, noResources);
      return s;
    })(),
    ratio(
      "item_standardization",
      items.filter((i) => text(i.dataElement)).length,
      items.length,
      noResources,
    ),
    ratio("share_ratio", shareable.length, published.length, noResources),
    ratio("refusal_basis", withBasis.length, refused.length, {
      zh: "没有不予共享的资源。",
      en: "No resource is marked 不予共享 (not shared).",
    }),
    ratio("request_timeliness", answeredOnTime, due, {
      zh: "没有已答复或已超期的共享申请。",
      en: "No share request answered or past its deadline.",
    }),
    ratio("data_freshness", fresh, checked, {
      zh: "节点没有这些资源的变更记录(事件投递或批量推送),或其更新周期为“其他/不定期”。",
      en: "The node saw no change of these resources (no event delivered, no batch pushed), or their update cycle is 其他/不定期.",
    }),
    quality,
    ratio("resource_use", called, shareable.length, {
      zh: "没有可共享的资源。",
      en: "No shareable resource.",
    }),
    provider === undefined
      ? ratio(
          "consumer_reach",
          new Set(inputs.calls.filter((c) => c.calls > 0).map((c) => c.consumer)).size,
          otherMembers,
          { zh: "没有成员。", en: "No member." },
        )
      : ratio("consumer_reach", consumers, otherMembers, {
          zh: "没有其他成员。",
          en: "No other member.",
        }),
  ];
}

/** Weighted mean of the available indicators' scores. */
function overall(scores: readonly IndicatorScore[]): number | undefined {
  let sum = 0;
  let weights = 0;
  for (const s of scores) {
    const w = INDICATORS.find((d) => d.code === s.code)?.weight ?? 0;
    if (s.available && s.score !== undefined) {
      sum += w * s.score;
      weights += w;
    }
  }
  return weights === 0 ? undefined : round(sum / weights);
}

function chinaDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * Evaluate the exchange and its departments.
 *
 * @example
 * const evaluation = evaluateSharing(inputs, { now, today: "2026-06-01" });
 * console.log(evaluation.exchange.score);
 */
export function evaluateSharing(inputs: EvaluationInputs, options: EvaluationOptions): Evaluation {
  const members = inputs.members;
  const exchangeScores = scoresOf(inputs, options, undefined, members.length);
  const departments = members
    .filter((m) => options.members === undefined || options.members.includes(m.code))
    .filter(
      (m) =>
        inputs.resources.some((r) => r.providerCode === m.code) ||
        inputs.shareRequests.some((r) => r.providerCode === m.code),
    )
    .map((m): EvaluationSubject => {
      const indicators = scoresOf(inputs, options, m.code, Math.max(0, members.length - 1));
      const score = overall(indicators);
      return {
        memberCode: m.code,
        name: m.name,
        ...(score === undefined ? {} : { score }),
        indicators,
      };
    });
  const score = overall(exchangeScores);
  return {
    generatedAt: options.now.toISOString(),
    indicators: INDICATORS.map((d) => ({ ...d })),
    exchange: { ...(score === undefined ? {} : { score }), indicators: exchangeScores },
    departments,
    notes: [
      {
        zh: "GB/T 38664.4 的条文未能核对:全部指标为 govex 自定(own: true),权重可按本地考核办法调整。",
        en: "The text of GB/T 38664.4 could not be checked: every indicator is govex's own (own: true); adjust the weights to the local assessment rules.",
      },
      {
        zh: "部门只列出发布了目录资源或收到过共享申请的成员。",
        en: "Departments are the members that published a catalog resource or received a share request.",
      },
    ],
  };
}
