import { type CheckSpec, checkSpec, type Effect } from "./checks.js";
import { globToRegExp, show } from "./json.js";
import type { Bilingual, Change, DiffOptions, DiffResult, Level } from "./types.js";

/** A change as the walkers find it, before levels, messages, overrides and ignores. */
export interface RawChange {
  id: string;
  location: string;
  pointer: string;
  direction?: "request" | "response";
  old?: unknown;
  new?: unknown;
  /** Where a shared component was first reached from (OpenAPI). */
  via?: string;
}

const REASON: Record<Effect, Record<"schema" | "request" | "response" | "other", Bilingual>> = {
  narrow: {
    schema: {
      "zh-CN": "按旧版有效的数据现在会被拒绝（收窄）",
      en: "data valid under the old version is now rejected (narrowing)",
    },
    request: {
      "zh-CN": "按旧版有效的请求现在会被拒绝",
      en: "requests valid under the old version are now rejected",
    },
    response: {
      "zh-CN": "响应只会更严格，客户端不受影响",
      en: "responses only get stricter, which clients accept",
    },
    other: {
      "zh-CN": "按旧版有效的调用现在会被拒绝",
      en: "calls valid under the old version are now rejected",
    },
  },
  widen: {
    schema: {
      "zh-CN": "新版接受的数据可能被按旧版实现的系统拒绝（放宽）",
      en: "data the new version accepts may be rejected by systems built on the old one (widening)",
    },
    request: {
      "zh-CN": "请求只会更宽松，旧客户端不受影响",
      en: "requests only get looser, which old clients do not notice",
    },
    response: {
      "zh-CN": "响应可能返回旧版客户端未预期的值",
      en: "responses may carry values that clients built on the old version do not expect",
    },
    other: {
      "zh-CN": "约束放宽，旧的调用方不受影响",
      en: "a constraint is relaxed, which old callers do not notice",
    },
  },
  change: {
    schema: {
      "zh-CN": "数据的形式或含义改变，新旧数据互不兼容",
      en: "the form or meaning of the data changes, so old and new data do not interoperate",
    },
    request: {
      "zh-CN": "旧客户端发送的请求不再符合接口",
      en: "requests that old clients send no longer conform",
    },
    response: {
      "zh-CN": "旧客户端无法正确读取新的响应",
      en: "old clients cannot read the new responses correctly",
    },
    other: {
      "zh-CN": "按旧版实现的系统行为会改变",
      en: "systems built on the old version behave differently",
    },
  },
  maybe: {
    schema: {
      "zh-CN": "可能影响按旧版实现的系统",
      en: "this may affect systems built on the old version",
    },
    request: {
      "zh-CN": "可能影响旧客户端发送的请求",
      en: "this may affect the requests old clients send",
    },
    response: {
      "zh-CN": "可能影响旧客户端对响应的处理",
      en: "this may affect how old clients read responses",
    },
    other: {
      "zh-CN": "可能影响按旧版实现的系统",
      en: "this may affect systems built on the old version",
    },
  },
  docs: {
    schema: { "zh-CN": "仅文档变化", en: "only documentation changes" },
    request: { "zh-CN": "仅文档变化", en: "only documentation changes" },
    response: { "zh-CN": "仅文档变化", en: "only documentation changes" },
    other: { "zh-CN": "仅文档变化", en: "only documentation changes" },
  },
  add: {
    schema: { "zh-CN": "新增内容，旧系统可以忽略", en: "new surface that old systems can ignore" },
    request: {
      "zh-CN": "新增内容，旧客户端可以不使用",
      en: "new surface that old clients need not use",
    },
    response: {
      "zh-CN": "新增内容，客户端应忽略未知内容",
      en: "new surface that clients should ignore when unknown",
    },
    other: {
      "zh-CN": "新增内容，旧系统不受影响",
      en: "new surface that does not affect old systems",
    },
  },
  remove: {
    schema: {
      "zh-CN": "使用它的数据和系统将失效",
      en: "data and systems that use it stop working",
    },
    request: { "zh-CN": "使用它的客户端将失败", en: "clients that use it fail" },
    response: { "zh-CN": "依赖它的客户端将失败", en: "clients that rely on it fail" },
    other: { "zh-CN": "使用它的系统将失败", en: "systems that use it fail" },
  },
  refer: {
    schema: {
      "zh-CN": "字段改为引用另一个定义（数据元），其含义可能随之改变；两者结构上的差异另行报告",
      en: "the field now refers to another definition (data element), which may change its meaning; structural differences are reported separately",
    },
    request: {
      "zh-CN": "改为引用另一个组件；两者的差异另行报告",
      en: "another component is referenced; the differences between the two are reported separately",
    },
    response: {
      "zh-CN": "改为引用另一个组件；两者的差异另行报告",
      en: "another component is referenced; the differences between the two are reported separately",
    },
    other: {
      "zh-CN": "改为引用另一个定义；两者的差异另行报告",
      en: "another definition is referenced; the differences are reported separately",
    },
  },
  dropped: {
    schema: { "zh-CN": "旧调用方仍会发送它", en: "old callers may still send it" },
    request: { "zh-CN": "旧调用方仍会发送它", en: "old callers may still send it" },
    response: { "zh-CN": "旧调用方仍会发送它", en: "old callers may still send it" },
    other: {
      "zh-CN":
        "仍发送该参数的旧客户端不会被拒绝（未知参数被忽略），但它原有的作用（如筛选）不再生效",
      en: "old clients that still send it are not refused (unknown parameters are ignored), but what it did (a filter, say) no longer happens",
    },
  },
  surface: {
    schema: { "zh-CN": "引用它的代码将失效", en: "code that names it breaks" },
    request: { "zh-CN": "引用它的代码将失效", en: "code that names it breaks" },
    response: { "zh-CN": "引用它的代码将失效", en: "code that names it breaks" },
    other: {
      "zh-CN":
        "报文格式不受影响（使用它的操作另行比较），但生成的客户端类型中少了它，引用该类型的代码无法编译",
      en: "the wire format is unaffected (operations that used it are compared on their own), but the generated client loses its type, so code that names it no longer compiles",
    },
  },
  info: {
    schema: { "zh-CN": "兼容变化", en: "a compatible change" },
    request: { "zh-CN": "兼容变化", en: "a compatible change" },
    response: { "zh-CN": "兼容变化", en: "a compatible change" },
    other: { "zh-CN": "兼容变化", en: "a compatible change" },
  },
};

const NEXT_STEP: Record<Level, Bilingual> = {
  ERR: {
    "zh-CN": "请发布新的主版本，或撤销该变更。",
    en: "release a new major version or revert the change.",
  },
  WARN: { "zh-CN": "请确认使用方不受影响。", en: "check that the consumers are not affected." },
  INFO: { "zh-CN": "无需处理。", en: "no action needed." },
};

function message(spec: CheckSpec, raw: RawChange, level: Level): Bilingual {
  const reason = REASON[spec.effect][spec.scope ?? "other"];
  const hasValues = raw.old !== undefined || raw.new !== undefined;
  const zhValues = hasValues
    ? `（${raw.old === undefined ? "无" : show(raw.old)} → ${raw.new === undefined ? "无" : show(raw.new)}）`
    : "";
  const enValues = hasValues
    ? ` (${raw.old === undefined ? "none" : show(raw.old)} → ${raw.new === undefined ? "none" : show(raw.new)})`
    : "";
  const zhVia = raw.via ? `（经由 ${raw.via}）` : "";
  const enVia = raw.via ? ` (reached from ${raw.via})` : "";
  return {
    "zh-CN": `${spec.title["zh-CN"]}${zhValues}${zhVia}，${reason["zh-CN"]}；${NEXT_STEP[level]["zh-CN"]}`,
    en: `${spec.title.en}${enValues}${enVia}: ${reason.en}; ${NEXT_STEP[level].en}`,
  };
}

/** Apply the catalog levels, severity overrides and ignore rules, and write the messages. */
export function finish(raws: readonly RawChange[], options: DiffOptions = {}): DiffResult {
  const rules = (options.ignore ?? []).map((rule) => ({
    rule,
    id: globToRegExp(rule.id),
    location: rule.location === undefined ? undefined : globToRegExp(rule.location),
  }));
  const severity = options.severity ?? {};
  const result: DiffResult = { changes: [], ignored: [], counts: { ERR: 0, WARN: 0, INFO: 0 } };
  for (const raw of raws) {
    const spec = checkSpec(raw.id);
    const override = Object.hasOwn(severity, raw.id) ? severity[raw.id] : undefined;
    if (override === "off") continue;
    const level: Level = override ?? spec.level;
    const change: Change = {
      id: raw.id,
      level,
      location: raw.location,
      pointer: raw.pointer,
      message: message(spec, raw, level),
    };
    if (raw.direction) change.direction = raw.direction;
    if (raw.old !== undefined) change.old = raw.old;
    if (raw.new !== undefined) change.new = raw.new;
    const hit = rules.find(
      (r) => r.id.test(raw.id) && (!r.location || r.location.test(raw.location)),
    );
    if (hit) {
      result.ignored.push({ change, reason: hit.rule.reason });
      continue;
    }
    result.changes.push(change);
    result.counts[level]++;
  }
  return result;
}
