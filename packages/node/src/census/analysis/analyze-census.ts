/**
 * The census analysis (普查分析) of 国办发〔2017〕39号《政务信息系统整合共享实施方案》: from the
 * system-inventory records, the catalog and the audited usage, the 僵尸 (zombie) systems — 使用与
 * 实际业务流程长期脱节、功能可被其他系统替代、所占用资源长期处于空闲状态、运行维护停止更新服务、
 * 使用范围小、频度低 — and the 影子 (shadow) systems — 设置重复、功能相近 — as a clean-up list
 * (清理清单) and an integration plan, each item with its rules, evidence and confidence.
 *
 * A pure function over plain inputs: the node gathers them from its database, the CLI from a file.
 * Method and thresholds: docs/decisions/0004-census-text-similarity.md.
 */
import {
  addTerms,
  bigrams,
  cosine,
  normalizeText,
  type SparseVector,
  similarPairs,
  tfidf,
  type WeightedTerms,
} from "./text-similarity.js";
import type {
  CensusAnalysis,
  CensusAnalysisOptions,
  CensusFinding,
  CensusInputs,
  CensusRuleHit,
  CensusSystemInput,
  CensusSystemRef,
  IntegrationSuggestion,
  InventoryRecord,
  LocalizedText,
} from "./types.js";

export const DEFAULT_IDLE_MONTHS = 6;
export const DEFAULT_SIMILARITY = 0.65;
/** Pairs below this cosine of name and function together are never compared further. */
const CANDIDATE_SIMILARITY = 0.3;
export const DEFAULT_ZOMBIE_THRESHOLD = 0.5;
/** From this confidence on, the suggested action is 清理 / 整合 rather than 核实 (verify). */
const FIRM = 0.7;

/** Statuses out of scope: the system is gone or merged already. */
const DONE = new Set(["已清理", "已整合"]);

/** 使用频度, most frequent first; absent counts as 每季度 (unknown, middling). */
const FREQUENCY_RANK: Record<string, number> = {
  每日: 6,
  每周: 5,
  每月: 4,
  每季度: 3,
  不定期: 2,
  每年: 1,
  长期未使用: 0,
};
const LOW_FREQUENCY = new Set(["每季度", "不定期", "每年", "长期未使用"]);
const STOPPED_WORDS = /停止(?:维护|运维|更新|服务)|无人维护|无运维|不再维护|运维合同(?:已)?到期/;

interface Subject {
  input: CensusSystemInput;
  record: InventoryRecord;
  ref: CensusSystemRef;
  resources: Set<string>;
  recentCalls: number;
  calls: number;
  consumers: number;
  lastCall: string | undefined;
  /** Usage is known from the audit log: the system serves resources and usage was gathered. */
  usageKnown: boolean;
  strength: number;
}

/** Noisy-OR: 1 − Π(1 − wᵢ), rounded to 3 places. */
export function confidenceOf(hits: readonly { weight: number }[]): number {
  const miss = hits.reduce((p, h) => p * (1 - h.weight), 1);
  return Math.round((1 - miss) * 1000) / 1000;
}

const round = (n: number, places = 3) => Math.round(n * 10 ** places) / 10 ** places;

function refOf(input: CensusSystemInput): CensusSystemRef {
  const r = input.record;
  return {
    recordId: input.id,
    name: r.name,
    ownerDepartment: r.ownerDepartment,
    ownerDepartmentCode: r.ownerDepartmentCode,
    ...(r.systemCode === undefined ? {} : { systemCode: r.systemCode }),
    status: r.status,
  };
}

/** The newest record of each (department, system): a census is a series of snapshots. */
function latestRecords(systems: readonly CensusSystemInput[]): CensusSystemInput[] {
  const byKey = new Map<string, CensusSystemInput>();
  for (const s of systems) {
    const key = `${s.record.ownerDepartmentCode}\n${s.record.systemCode ?? `name:${s.record.name}`}`;
    const seen = byKey.get(key);
    if (
      !seen ||
      (s.submittedAt ?? "") > (seen.submittedAt ?? "") ||
      ((s.submittedAt ?? "") === (seen.submittedAt ?? "") && s.id > seen.id)
    )
      byKey.set(key, s);
  }
  return [...byKey.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function monthsBefore(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

const dateText = (iso: string | undefined) => (iso === undefined ? undefined : iso.slice(0, 10));

/**
 * Analyse a census.
 *
 * @example
 * const result = analyzeCensus({ systems, catalog, usage }, { now: new Date() });
 * for (const item of result.cleanupList) console.log(item.system.name, item.kind, item.confidence);
 */
export function analyzeCensus(
  inputs: CensusInputs,
  options: CensusAnalysisOptions,
): CensusAnalysis {
  const idleMonths = options.idleMonths ?? DEFAULT_IDLE_MONTHS;
  const threshold = options.similarityThreshold ?? DEFAULT_SIMILARITY;
  const zombieThreshold = options.zombieThreshold ?? DEFAULT_ZOMBIE_THRESHOLD;
  const now = options.now;
  const windowStart = monthsBefore(now, idleMonths);
  const notes: LocalizedText[] = [];

  const usageByResource = new Map((inputs.usage ?? []).map((u) => [u.resourceCode, u]));
  const catalog = new Map((inputs.catalog ?? []).map((c) => [c.resourceCode, c]));
  const registered = inputs.registered ?? [];
  const auditCoversWindow =
    inputs.auditSince !== undefined && new Date(inputs.auditSince) <= windowStart;
  if (inputs.usage === undefined)
    notes.push({
      zh: "没有审计数据:使用情况只按普查记录自报的使用频度、用户数和状态判断。",
      en: "No audit data: usage is judged only from the census records' own frequency of use, users and status.",
    });
  else if (!auditCoversWindow)
    notes.push({
      zh: `审计日志短于 ${idleMonths} 个月:“近期无调用”的证据较弱,权重已降低。`,
      en: `The audit log covers less than ${idleMonths} months: "no recent call" is weaker evidence and weighs less.`,
    });

  const all = latestRecords(inputs.systems);
  const subjects: Subject[] = all
    .filter((s) => !DONE.has(s.record.status))
    .map((input) => {
      const r = input.record;
      const resources = new Set(r.linkedCatalogResources ?? []);
      for (const sys of registered)
        if (
          sys.memberCode === r.ownerDepartmentCode &&
          ((r.systemCode !== undefined && sys.code === r.systemCode) ||
            sys.inventoryName === r.name)
        )
          for (const code of sys.resources) resources.add(code);
      let recentCalls = 0;
      let calls = 0;
      let consumers = 0;
      let lastCall: string | undefined;
      for (const code of resources) {
        const u = usageByResource.get(code);
        if (!u) continue;
        recentCalls += u.recentCalls;
        calls += u.calls;
        consumers = Math.max(consumers, u.consumers);
        if (u.lastCall !== undefined && (lastCall === undefined || u.lastCall > lastCall))
          lastCall = u.lastCall;
      }
      const usageKnown = inputs.usage !== undefined && resources.size > 0;
      const strength =
        (recentCalls > 0 ? 10 : 0) +
        Math.log10(1 + recentCalls) +
        (FREQUENCY_RANK[r.frequencyOfUse ?? ""] ?? 3) +
        Math.log10(1 + (r.userCount ?? 0)) / 2 +
        (r.scopeOfUse?.length ?? 1) / 2 +
        (r.status === "运行" ? 2 : 0) +
        (r.connectedToExchange ? 1 : 0);
      return {
        input,
        record: r,
        ref: refOf(input),
        resources,
        recentCalls,
        calls,
        consumers,
        lastCall,
        usageKnown,
        strength,
      };
    });

  // --- Similar systems (影子: 功能相近) -------------------------------------------------------
  // Name and function compared apart, then combined by the geometric mean: two systems must be
  // alike in both (same object and same work), not just share the object of their names.
  const documentsOf = (parts: ("name" | "function")[]) =>
    tfidf(
      subjects.map((s) => {
        const doc: WeightedTerms = new Map();
        for (const part of parts)
          addTerms(doc, bigrams(normalizeText(s.record[part], [s.record.ownerDepartment])), 1);
        return doc;
      }),
    );
  const names = documentsOf(["name"]);
  const functions = documentsOf(["function"]);
  const overlap = new Map<string, number>();
  const pairKey = (i: number, j: number) => (i < j ? `${i},${j}` : `${j},${i}`);
  // Candidates share enough of name and function together; the geometric mean decides.
  for (const [i, j] of similarPairs(documentsOf(["name", "function"]), CANDIDATE_SIMILARITY)) {
    const sim = Math.sqrt(
      cosine(names[i] as SparseVector, names[j] as SparseVector) *
        cosine(functions[i] as SparseVector, functions[j] as SparseVector),
    );
    if (sim >= threshold) overlap.set(pairKey(i, j), sim);
  }

  // Systems listing mostly the same resources (Jaccard ≥ 0.5, at least one in common).
  const byResource = new Map<string, number[]>();
  subjects.forEach((s, i) => {
    for (const code of s.record.linkedCatalogResources ?? []) {
      let list = byResource.get(code);
      if (!list) {
        list = [];
        byResource.set(code, list);
      }
      list.push(i);
    }
  });
  const sharedPairs = new Map<string, string[]>();
  for (const [code, list] of byResource)
    if (list.length > 1 && list.length <= 50)
      for (let a = 0; a < list.length; a++)
        for (let b = a + 1; b < list.length; b++) {
          const key = pairKey(list[a] as number, list[b] as number);
          const shared = sharedPairs.get(key) ?? [];
          shared.push(code);
          sharedPairs.set(key, shared);
        }
  const sharedResources = new Map<string, { codes: string[]; jaccard: number }>();
  for (const [key, codes] of sharedPairs) {
    const [i, j] = key.split(",").map(Number) as [number, number];
    const a = new Set((subjects[i] as Subject).record.linkedCatalogResources);
    const b = new Set((subjects[j] as Subject).record.linkedCatalogResources);
    const jaccard = codes.length / (a.size + b.size - codes.length);
    if (jaccard >= 0.5) sharedResources.set(key, { codes: codes.sort(), jaccard: round(jaccard) });
  }

  // --- 一数一源: one data element produced by more than one system ----------------------------
  const producersOf = new Map<string, Set<number>>();
  subjects.forEach((s, i) => {
    for (const code of s.resources) {
      const resource = catalog.get(code);
      if (resource?.status !== "published") continue;
      if (resource.providerCode !== s.record.ownerDepartmentCode) continue;
      for (const element of new Set(resource.elements)) {
        let set = producersOf.get(element);
        if (!set) {
          set = new Set();
          producersOf.set(element, set);
        }
        set.add(i);
      }
    }
  });
  const oneSource = new Map<number, { element: string; others: number[] }[]>();
  let oneSourceViolations = 0;
  for (const [element, set] of [...producersOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (set.size < 2) continue;
    oneSourceViolations++;
    for (const i of set) {
      const list = oneSource.get(i) ?? [];
      list.push({ element, others: [...set].filter((j) => j !== i) });
      oneSource.set(i, list);
    }
  }

  // --- Groups (union-find over overlap and shared-resource pairs) ---------------------------
  const parent = subjects.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  const edges = new Set([...overlap.keys(), ...sharedResources.keys()]);
  const neighbours = new Map<number, Set<number>>();
  for (const key of edges) {
    const [i, j] = key.split(",").map(Number) as [number, number];
    parent[find(i)] = find(j);
    for (const [a, b] of [
      [i, j],
      [j, i],
    ] as const) {
      let set = neighbours.get(a);
      if (!set) {
        set = new Set();
        neighbours.set(a, set);
      }
      set.add(b);
    }
  }
  const groups = new Map<number, number[]>();
  subjects.forEach((_, i) => {
    if (!neighbours.has(i)) return;
    const root = find(i);
    const list = groups.get(root) ?? [];
    list.push(i);
    groups.set(root, list);
  });

  const byStrength = (a: number, b: number) => {
    const sa = subjects[a] as Subject;
    const sb = subjects[b] as Subject;
    return sb.strength - sa.strength || (sa.ref.recordId < sb.ref.recordId ? -1 : 1);
  };

  const findings: CensusFinding[] = [];
  const plan: IntegrationSuggestion[] = [];
  const keepOf = new Map<number, number>();

  // Shadow hits of system i against system j.
  const pairHits = (i: number, j: number): CensusRuleHit[] => {
    const key = pairKey(i, j);
    const a = subjects[i] as Subject;
    const b = subjects[j] as Subject;
    const hits: CensusRuleHit[] = [];
    const sim = overlap.get(key);
    if (sim !== undefined)
      hits.push({
        rule: "function_overlap",
        kind: "shadow",
        weight: round(0.5 + (0.45 * (sim - threshold)) / Math.max(1e-9, 1 - threshold)),
        evidence: {
          zh: `名称和主要功能与「${b.record.name}」(${b.record.ownerDepartment})相近,相似度 ${sim.toFixed(2)}。`,
          en: `Name and function close to "${b.record.name}" (${b.record.ownerDepartment}): similarity ${sim.toFixed(2)}.`,
        },
        facts: { similarity: round(sim), other: b.ref.recordId, name: a.record.name },
      });
    const shared = sharedResources.get(key);
    if (shared)
      hits.push({
        rule: "shared_resources",
        kind: "shadow",
        weight: round(0.3 + 0.3 * shared.jaccard),
        evidence: {
          zh: `与「${b.record.name}」关联同样的目录资源 ${shared.codes.slice(0, 5).join("、")}${shared.codes.length > 5 ? " 等" : ""}(重合度 ${shared.jaccard})。`,
          en: `Lists the same catalog resources as "${b.record.name}": ${shared.codes.slice(0, 5).join(", ")}${shared.codes.length > 5 ? " …" : ""} (Jaccard ${shared.jaccard}).`,
        },
        facts: { resources: shared.codes, jaccard: shared.jaccard, other: b.ref.recordId },
      });
    return hits;
  };

  let groupNumber = 0;
  for (const members of [...groups.values()].sort((x, y) => byStrength(x[0] ?? 0, y[0] ?? 0))) {
    members.sort(byStrength);
    const keep = members[0] as number;
    const merged = members.slice(1);
    groupNumber++;
    const groupRules = new Map<string, CensusRuleHit>();
    const confidences: number[] = [];
    for (const i of merged) {
      keepOf.set(i, keep);
      // The evidence against the strongest neighbour in the group (the kept system if adjacent).
      const near = [...(neighbours.get(i) ?? [])].filter((j) => members.includes(j));
      const best = near
        .map((j) => ({ j, hits: pairHits(i, j) }))
        .sort((x, y) => confidenceOf(y.hits) - confidenceOf(x.hits) || (x.j === keep ? -1 : 1))[0];
      const hits = best?.hits ?? [];
      for (const source of oneSource.get(i) ?? [])
        hits.push(
          oneSourceHit(
            source.element,
            source.others.map((j) => subjects[j] as Subject),
          ),
        );
      const confidence = confidenceOf(hits);
      confidences.push(confidence);
      for (const h of hits) if (!groupRules.has(h.rule)) groupRules.set(h.rule, h);
      findings.push({
        system: (subjects[i] as Subject).ref,
        kind: "shadow",
        action: confidence >= FIRM ? "整合" : "核实",
        confidence,
        rules: hits,
        related: [(subjects[keep] as Subject).ref],
      });
    }
    const keptName = (subjects[keep] as Subject).record.name;
    plan.push({
      group: `g-${String(groupNumber).padStart(4, "0")}`,
      keep: (subjects[keep] as Subject).ref,
      systems: merged.map((i) => (subjects[i] as Subject).ref),
      confidence: round(Math.max(...confidences)),
      rules: [...groupRules.values()],
      rationale: {
        zh: `${members.length} 个系统设置重复或功能相近;建议以使用最多的「${keptName}」为基础整合,其余系统的功能和数据并入后停用。`,
        en: `${members.length} systems duplicate each other or do similar work: integrate them into "${keptName}", the most used, and retire the others once their functions and data are merged.`,
      },
    });
  }

  // 一数一源 violations of systems outside any group: listed for verification.
  for (const [i, sources] of oneSource) {
    if (keepOf.has(i) || groups.has(find(i))) continue;
    const hits = sources.map((s) =>
      oneSourceHit(
        s.element,
        s.others.map((j) => subjects[j] as Subject),
      ),
    );
    findings.push({
      system: (subjects[i] as Subject).ref,
      kind: "shadow",
      action: "核实",
      confidence: confidenceOf(hits),
      rules: hits,
      related: [...new Set(sources.flatMap((s) => s.others))].map(
        (j) => (subjects[j] as Subject).ref,
      ),
    });
  }

  // --- Zombies -------------------------------------------------------------------------------
  subjects.forEach((s, i) => {
    if (s.record.status === "在建") return;
    const hits = zombieHits(s, {
      idleMonths,
      windowStart,
      auditCoversWindow,
      catalog,
      replacement: replacementOf(i),
    });
    const confidence = confidenceOf(hits);
    if (confidence < zombieThreshold) return;
    const replacement = replacementOf(i);
    findings.push({
      system: s.ref,
      kind: "zombie",
      action: confidence >= FIRM ? "清理" : "核实",
      confidence,
      rules: hits,
      ...(replacement ? { related: [replacement.ref] } : {}),
    });
  });

  function replacementOf(i: number): Subject | undefined {
    // A stronger system doing the same work: the kept system of its group, or its strongest
    // overlapping neighbour.
    const s = subjects[i] as Subject;
    const candidates = [...(neighbours.get(i) ?? [])].filter((j) => overlap.has(pairKey(i, j)));
    const keep = keepOf.get(i);
    if (keep !== undefined) candidates.push(keep);
    const best = candidates.sort(byStrength)[0];
    if (best === undefined) return undefined;
    const b = subjects[best] as Subject;
    return b.strength > s.strength + 1 ? b : undefined;
  }

  findings.sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === "zombie" ? -1 : 1) ||
      b.confidence - a.confidence ||
      (a.system.recordId < b.system.recordId ? -1 : 1),
  );
  return {
    generatedAt: now.toISOString(),
    parameters: {
      idleMonths,
      similarityThreshold: threshold,
      zombieThreshold,
      ...(inputs.auditSince === undefined ? {} : { auditSince: inputs.auditSince }),
    },
    summary: {
      systems: all.length,
      zombies: findings.filter((f) => f.kind === "zombie").length,
      shadows: findings.filter((f) => f.kind === "shadow").length,
      integrationGroups: plan.length,
      oneSourceViolations,
    },
    cleanupList: findings,
    integrationPlan: plan,
    ...(notes.length > 0 ? { notes } : {}),
  };
}

function oneSourceHit(element: string, others: readonly Subject[]): CensusRuleHit {
  const names = others.map((o) => `「${o.record.name}」`).join("、");
  const short = element.replace(/^.*#\/\$defs\//, "");
  return {
    rule: "one_source_violation",
    kind: "shadow",
    weight: 0.3,
    evidence: {
      zh: `数据元 ${short} 也由 ${names} 采集提供,违反“一数一源”。`,
      en: `Data element ${short} is also collected by ${others.map((o) => `"${o.record.name}"`).join(", ")}: one source per data element (一数一源) is broken.`,
    },
    facts: { element, others: others.map((o) => o.ref.recordId) },
  };
}

interface ZombieContext {
  idleMonths: number;
  windowStart: Date;
  auditCoversWindow: boolean;
  catalog: Map<string, { status: string }>;
  replacement: Subject | undefined;
}

/** The five 僵尸 criteria of 国办发〔2017〕39号, each a rule with its evidence. */
function zombieHits(s: Subject, c: ZombieContext): CensusRuleHit[] {
  const r = s.record;
  const hits: CensusRuleHit[] = [];
  // 1. 系统使用与实际业务流程长期脱节.
  const selfReported = r.frequencyOfUse === "长期未使用";
  const noRecentCall = s.usageKnown && s.recentCalls === 0;
  if (selfReported || noRecentCall) {
    const last = dateText(s.lastCall);
    const zh: string[] = [];
    const en: string[] = [];
    if (selfReported) {
      zh.push("普查自报使用频度为“长期未使用”");
      en.push('the census record reports "not used for a long time"');
    }
    if (noRecentCall) {
      zh.push(
        `关联的 ${s.resources.size} 个资源近 ${c.idleMonths} 个月无审计到的调用(${last ? `最近一次 ${last}` : "从未被调用"})`,
      );
      en.push(
        `no audited call to its ${s.resources.size} resource(s) in ${c.idleMonths} months (${last ? `last ${last}` : "never called"})`,
      );
    }
    const weight =
      selfReported && noRecentCall ? 0.55 : noRecentCall && !c.auditCoversWindow ? 0.25 : 0.4;
    hits.push({
      rule: "usage_detached",
      kind: "zombie",
      weight,
      evidence: { zh: `${zh.join(";")}。`, en: `${en.join("; ")}.` },
      facts: {
        frequencyOfUse: r.frequencyOfUse ?? null,
        recentCalls: s.usageKnown ? s.recentCalls : null,
        lastCall: s.lastCall ?? null,
        idleMonths: c.idleMonths,
      },
    });
  }
  // 2. 功能可被其他系统替代.
  if (c.replacement || r.status === "拟整合") {
    const other = c.replacement;
    hits.push({
      rule: "function_replaceable",
      kind: "zombie",
      weight: other ? 0.35 : 0.3,
      evidence: other
        ? {
            zh: `功能与使用更多的「${other.record.name}」(${other.record.ownerDepartment})相近,可由其替代。`,
            en: `Its functions are close to "${other.record.name}" (${other.record.ownerDepartment}), which is used more and can take them over.`,
          }
        : {
            zh: "普查自报状态为“拟整合”。",
            en: 'The census record reports the status "to be integrated".',
          },
      facts: { replacement: other?.ref.recordId ?? null, status: r.status },
    });
  }
  // 3. 所占用资源长期处于空闲状态.
  const idle: LocalizedText[] = [];
  if (r.userCount === 0) idle.push({ zh: "注册用户数为 0", en: "it has no registered user" });
  const linked = [...s.resources];
  if (
    c.catalog.size > 0 &&
    linked.length > 0 &&
    linked.every((code) => c.catalog.get(code)?.status !== "published")
  )
    idle.push({
      zh: `关联的 ${linked.length} 个目录资源均已撤销或未发布`,
      en: `its ${linked.length} catalog resource(s) are all withdrawn or unpublished`,
    });
  if (s.usageKnown && s.calls === 0)
    idle.push({ zh: "其资源从未被调用", en: "its resources were never called" });
  if (idle.length > 0)
    hits.push({
      rule: "resources_idle",
      kind: "zombie",
      weight: idle.length > 1 ? 0.35 : 0.25,
      evidence: {
        zh: `${idle.map((x) => x.zh).join(";")}。`,
        en: `${idle.map((x) => x.en).join("; ")}.`,
      },
      facts: {
        userCount: r.userCount ?? null,
        resources: linked,
        calls: s.usageKnown ? s.calls : null,
      },
    });
  // 4. 运行维护停止更新服务.
  const stopped: LocalizedText[] = [];
  let stopWeight = 0;
  if (r.status === "停用" || r.status === "拟清理") {
    stopped.push({ zh: `状态为“${r.status}”`, en: `its status is ${r.status}` });
    stopWeight = 0.45;
  }
  if (r.remarks !== undefined && STOPPED_WORDS.test(r.remarks)) {
    stopped.push({
      zh: `备注称“${r.remarks.slice(0, 60)}”`,
      en: `its remarks say "${r.remarks.slice(0, 60)}"`,
    });
    stopWeight = Math.max(stopWeight, 0.35);
  }
  if (r.maintainer === undefined && r.onlineDate !== undefined) {
    const years = (c.windowStart.getTime() - Date.parse(r.onlineDate)) / (365.25 * 86_400_000);
    if (years >= 8) {
      stopped.push({
        zh: `上线于 ${r.onlineDate},未填运维单位`,
        en: `live since ${r.onlineDate} with no maintainer named`,
      });
      stopWeight = Math.max(stopWeight, 0.2);
    }
  }
  if (stopped.length > 0)
    hits.push({
      rule: "maintenance_stopped",
      kind: "zombie",
      weight: round(Math.min(0.6, stopWeight + 0.05 * (stopped.length - 1))),
      evidence: {
        zh: `${stopped.map((x) => x.zh).join(";")}。`,
        en: `${stopped.map((x) => x.en).join("; ")}.`,
      },
      facts: {
        status: r.status,
        maintainer: r.maintainer?.name ?? null,
        onlineDate: r.onlineDate ?? null,
      },
    });
  // 5. 使用范围小、频度低.
  const narrow = r.scopeOfUse?.every((x) => x === "本部门");
  const rare = r.frequencyOfUse !== undefined && LOW_FREQUENCY.has(r.frequencyOfUse);
  const few = r.userCount !== undefined && r.userCount <= 10;
  if (narrow && (rare || few))
    hits.push({
      rule: "narrow_low_frequency",
      kind: "zombie",
      weight: rare && few ? 0.3 : 0.2,
      evidence: {
        zh: `只在本部门使用${rare ? `,使用频度“${r.frequencyOfUse}”` : ""}${few ? `,用户 ${r.userCount} 个` : ""}。`,
        en: `Used only within the department${rare ? `, ${r.frequencyOfUse}` : ""}${few ? `, ${r.userCount} users` : ""}.`,
      },
      facts: {
        scopeOfUse: r.scopeOfUse,
        frequencyOfUse: r.frequencyOfUse ?? null,
        userCount: r.userCount ?? null,
      },
    });
  return hits;
}
