import type { Bilingual, CheckInfo, Level } from "./types.js";

/**
 * Why a change matters, independent of level: it narrows what is valid, widens it,
 * changes it both ways, may matter, only touches documentation, adds surface, or
 * takes surface away. Messages explain the level with it.
 */
export type Effect =
  | "narrow"
  | "widen"
  | "change"
  | "maybe"
  | "docs"
  | "add"
  | "remove"
  | "info"
  | "refer"
  | "dropped"
  | "surface";

/** The three places a schema can be compared in: a data standard (both ways), a request, a response. */
export type Scope = "schema" | "request" | "response";

/** A catalog entry with the effect used to explain it. */
export interface CheckSpec extends CheckInfo {
  effect: Effect;
  scope?: Scope;
}

type Levels = [schema: Level, request: Level, response: Level];

// Default levels per effect, by scope: a request breaks when it accepts less, a
// response when it may return more, a data standard (exchanged both ways) on both,
// with narrowing the worse (data valid before is now rejected).
const BY_EFFECT: Record<
  "narrow" | "widen" | "change" | "maybe" | "info" | "add" | "refer",
  Levels
> = {
  narrow: ["ERR", "ERR", "INFO"],
  widen: ["WARN", "INFO", "WARN"],
  change: ["ERR", "ERR", "ERR"],
  maybe: ["WARN", "WARN", "WARN"],
  info: ["INFO", "INFO", "INFO"],
  add: ["INFO", "INFO", "INFO"],
  // docs/decisions/0005-spec-diff-levels.md: over HTTP a $ref is transparent (the targets'
  // differences are reported by their own checks); in a data standard it names the data element.
  refer: ["WARN", "INFO", "INFO"],
};

interface SchemaCheck {
  sub: string;
  effect: keyof typeof BY_EFFECT;
  levels?: Levels;
  zh: string;
  en: string;
}

/** Checks on a schema, each reported once per scope (`schema-…`, `request-…`, `response-…`). */
const SCHEMA_CHECKS: readonly SchemaCheck[] = [
  { sub: "type-narrowed", effect: "narrow", zh: "类型收窄", en: "type narrowed" },
  {
    sub: "type-widened",
    effect: "widen",
    levels: ["WARN", "INFO", "ERR"],
    zh: "类型放宽",
    en: "type widened",
  },
  { sub: "type-changed", effect: "change", zh: "类型改变", en: "type changed" },
  {
    sub: "nullable-added",
    effect: "widen",
    levels: ["WARN", "INFO", "ERR"],
    zh: "允许为 null",
    en: "became nullable",
  },
  { sub: "nullable-removed", effect: "narrow", zh: "不再允许为 null", en: "no longer nullable" },
  {
    sub: "max-decreased",
    effect: "narrow",
    zh: "最大值（maximum）减小或新增",
    en: "maximum decreased or set",
  },
  {
    sub: "max-increased",
    effect: "widen",
    zh: "最大值（maximum）增大或取消",
    en: "maximum increased or removed",
  },
  {
    sub: "min-increased",
    effect: "narrow",
    zh: "最小值（minimum）增大或新增",
    en: "minimum increased or set",
  },
  {
    sub: "min-decreased",
    effect: "widen",
    zh: "最小值（minimum）减小或取消",
    en: "minimum decreased or removed",
  },
  {
    sub: "exclusive-max-decreased",
    effect: "narrow",
    zh: "开区间最大值（exclusiveMaximum）减小或新增",
    en: "exclusiveMaximum decreased or set",
  },
  {
    sub: "exclusive-max-increased",
    effect: "widen",
    zh: "开区间最大值（exclusiveMaximum）增大或取消",
    en: "exclusiveMaximum increased or removed",
  },
  {
    sub: "exclusive-min-increased",
    effect: "narrow",
    zh: "开区间最小值（exclusiveMinimum）增大或新增",
    en: "exclusiveMinimum increased or set",
  },
  {
    sub: "exclusive-min-decreased",
    effect: "widen",
    zh: "开区间最小值（exclusiveMinimum）减小或取消",
    en: "exclusiveMinimum decreased or removed",
  },
  {
    sub: "max-length-decreased",
    effect: "narrow",
    zh: "最大长度（maxLength）减小或新增",
    en: "maxLength decreased or set",
  },
  {
    sub: "max-length-increased",
    effect: "widen",
    zh: "最大长度（maxLength）增大或取消",
    en: "maxLength increased or removed",
  },
  {
    sub: "min-length-increased",
    effect: "narrow",
    zh: "最小长度（minLength）增大或新增",
    en: "minLength increased or set",
  },
  {
    sub: "min-length-decreased",
    effect: "widen",
    zh: "最小长度（minLength）减小或取消",
    en: "minLength decreased or removed",
  },
  {
    sub: "max-items-decreased",
    effect: "narrow",
    zh: "最多元素数（maxItems）减小或新增",
    en: "maxItems decreased or set",
  },
  {
    sub: "max-items-increased",
    effect: "widen",
    zh: "最多元素数（maxItems）增大或取消",
    en: "maxItems increased or removed",
  },
  {
    sub: "min-items-increased",
    effect: "narrow",
    zh: "最少元素数（minItems）增大或新增",
    en: "minItems increased or set",
  },
  {
    sub: "min-items-decreased",
    effect: "widen",
    zh: "最少元素数（minItems）减小或取消",
    en: "minItems decreased or removed",
  },
  {
    sub: "max-properties-decreased",
    effect: "narrow",
    zh: "最多属性数（maxProperties）减小或新增",
    en: "maxProperties decreased or set",
  },
  {
    sub: "max-properties-increased",
    effect: "widen",
    zh: "最多属性数（maxProperties）增大或取消",
    en: "maxProperties increased or removed",
  },
  {
    sub: "min-properties-increased",
    effect: "narrow",
    zh: "最少属性数（minProperties）增大或新增",
    en: "minProperties increased or set",
  },
  {
    sub: "min-properties-decreased",
    effect: "widen",
    zh: "最少属性数（minProperties）减小或取消",
    en: "minProperties decreased or removed",
  },
  { sub: "pattern-added", effect: "narrow", zh: "新增正则约束（pattern）", en: "pattern added" },
  { sub: "pattern-removed", effect: "widen", zh: "删除正则约束（pattern）", en: "pattern removed" },
  { sub: "pattern-changed", effect: "maybe", zh: "正则约束（pattern）改变", en: "pattern changed" },
  { sub: "format-added", effect: "narrow", zh: "新增格式（format）", en: "format added" },
  { sub: "format-removed", effect: "widen", zh: "删除格式（format）", en: "format removed" },
  { sub: "format-changed", effect: "change", zh: "格式（format）改变", en: "format changed" },
  {
    sub: "multiple-of-narrowed",
    effect: "narrow",
    zh: "倍数约束（multipleOf）收紧或新增",
    en: "multipleOf tightened or set",
  },
  {
    sub: "multiple-of-widened",
    effect: "widen",
    zh: "倍数约束（multipleOf）放宽或取消",
    en: "multipleOf loosened or removed",
  },
  {
    sub: "multiple-of-changed",
    effect: "change",
    zh: "倍数约束（multipleOf）改变",
    en: "multipleOf changed",
  },
  { sub: "const-added", effect: "narrow", zh: "新增固定值（const）", en: "const added" },
  { sub: "const-removed", effect: "widen", zh: "删除固定值（const）", en: "const removed" },
  { sub: "const-changed", effect: "change", zh: "固定值（const）改变", en: "const changed" },
  {
    sub: "unique-items-added",
    effect: "narrow",
    zh: "要求元素唯一（uniqueItems）",
    en: "uniqueItems required",
  },
  {
    sub: "unique-items-removed",
    effect: "widen",
    zh: "不再要求元素唯一（uniqueItems）",
    en: "uniqueItems no longer required",
  },
  { sub: "enum-value-removed", effect: "narrow", zh: "删除枚举值", en: "enum value removed" },
  { sub: "enum-value-added", effect: "widen", zh: "新增枚举值", en: "enum value added" },
  { sub: "enum-added", effect: "narrow", zh: "新增枚举约束（enum）", en: "enum constraint added" },
  {
    sub: "enum-removed",
    effect: "widen",
    zh: "删除枚举约束（enum）",
    en: "enum constraint removed",
  },
  {
    sub: "property-removed",
    effect: "change",
    zh: "删除必填属性",
    en: "required property removed",
  },
  {
    sub: "optional-property-removed",
    effect: "change",
    levels: ["ERR", "WARN", "WARN"],
    zh: "删除可选属性",
    en: "optional property removed",
  },
  { sub: "property-renamed", effect: "change", zh: "属性改名", en: "property renamed" },
  { sub: "property-added", effect: "add", zh: "新增可选属性", en: "optional property added" },
  {
    sub: "property-added-to-closed-object",
    effect: "widen",
    zh: "向不允许额外属性的对象新增可选属性",
    en: "optional property added to a closed object (additionalProperties: false)",
  },
  {
    sub: "required-property-added",
    effect: "narrow",
    zh: "新增必填属性",
    en: "required property added",
  },
  {
    sub: "property-became-required",
    effect: "narrow",
    zh: "属性变为必填",
    en: "property became required",
  },
  {
    sub: "property-became-optional",
    effect: "widen",
    zh: "属性变为可选",
    en: "property became optional",
  },
  {
    sub: "additional-properties-closed",
    effect: "narrow",
    zh: "不再允许额外属性（additionalProperties： false）",
    en: "additional properties closed (additionalProperties: false)",
  },
  {
    sub: "additional-properties-opened",
    effect: "widen",
    zh: "允许额外属性",
    en: "additional properties opened",
  },
  // JSON Schema 2020-12 Core §10.3.2.2: patternProperties take names from additionalProperties.
  {
    sub: "pattern-property-added",
    effect: "narrow",
    zh: "新增按名称模式约束的属性（patternProperties）",
    en: "patternProperties entry added",
  },
  {
    sub: "pattern-property-removed",
    effect: "widen",
    zh: "删除按名称模式约束的属性（patternProperties）",
    en: "patternProperties entry removed",
  },
  {
    sub: "pattern-property-added-to-closed-object",
    effect: "widen",
    zh: "向不允许额外属性的对象新增 patternProperties（匹配的名称变为允许）",
    en: "patternProperties entry added to a closed object (matching names now allowed)",
  },
  {
    sub: "pattern-property-removed-from-closed-object",
    effect: "narrow",
    zh: "从不允许额外属性的对象删除 patternProperties（匹配的名称不再允许）",
    en: "patternProperties entry removed from a closed object (matching names now rejected)",
  },
  // JSON Schema 2020-12 Core §10.3.1.1–§10.3.1.2: prefixItems, then items for the rest.
  {
    sub: "prefix-items-added",
    effect: "narrow",
    zh: "元组约束的位置增加（prefixItems 变长）",
    en: "more tuple positions constrained (prefixItems longer)",
  },
  {
    sub: "prefix-items-removed",
    effect: "widen",
    zh: "元组约束的位置减少（prefixItems 变短）",
    en: "fewer tuple positions constrained (prefixItems shorter)",
  },
  {
    sub: "tuple-extended",
    effect: "widen",
    zh: "封闭元组（items: false）允许更多元素",
    en: "closed tuple (items: false) allows more elements",
  },
  {
    sub: "tuple-shortened",
    effect: "narrow",
    zh: "封闭元组（items: false）允许的元素减少",
    en: "closed tuple (items: false) allows fewer elements",
  },
  {
    sub: "items-added",
    effect: "narrow",
    zh: "新增数组元素约束（items）",
    en: "items schema added",
  },
  {
    sub: "items-removed",
    effect: "widen",
    zh: "删除数组元素约束（items）",
    en: "items schema removed",
  },
  { sub: "one-of-added", effect: "narrow", zh: "新增 oneOf", en: "oneOf added" },
  { sub: "one-of-removed", effect: "widen", zh: "删除 oneOf", en: "oneOf removed" },
  { sub: "one-of-branch-added", effect: "widen", zh: "oneOf 新增分支", en: "oneOf branch added" },
  {
    sub: "one-of-branch-removed",
    effect: "narrow",
    zh: "oneOf 删除分支",
    en: "oneOf branch removed",
  },
  { sub: "any-of-added", effect: "narrow", zh: "新增 anyOf", en: "anyOf added" },
  { sub: "any-of-removed", effect: "widen", zh: "删除 anyOf", en: "anyOf removed" },
  { sub: "any-of-branch-added", effect: "widen", zh: "anyOf 新增分支", en: "anyOf branch added" },
  {
    sub: "any-of-branch-removed",
    effect: "narrow",
    zh: "anyOf 删除分支",
    en: "anyOf branch removed",
  },
  { sub: "all-of-branch-added", effect: "narrow", zh: "allOf 新增分支", en: "allOf branch added" },
  {
    sub: "all-of-branch-removed",
    effect: "widen",
    zh: "allOf 删除分支",
    en: "allOf branch removed",
  },
  // JSON Schema 2020-12 Core §10.2.2: then/else apply only where `if` is present.
  {
    sub: "conditional-added",
    effect: "narrow",
    zh: "新增条件约束（if/then/else）",
    en: "conditional (if/then/else) added",
  },
  {
    sub: "conditional-removed",
    effect: "widen",
    zh: "删除条件约束（if/then/else）",
    en: "conditional (if/then/else) removed",
  },
  { sub: "if-changed", effect: "maybe", zh: "条件（if）改变", en: "condition (if) changed" },
  { sub: "then-added", effect: "narrow", zh: "新增条件成立分支（then）", en: "then branch added" },
  {
    sub: "then-removed",
    effect: "widen",
    zh: "删除条件成立分支（then）",
    en: "then branch removed",
  },
  {
    sub: "else-added",
    effect: "narrow",
    zh: "新增条件不成立分支（else）",
    en: "else branch added",
  },
  {
    sub: "else-removed",
    effect: "widen",
    zh: "删除条件不成立分支（else）",
    en: "else branch removed",
  },
  { sub: "not-changed", effect: "maybe", zh: "否定约束（not）改变", en: "not schema changed" },
  {
    sub: "discriminator-changed",
    effect: "change",
    levels: ["WARN", "ERR", "ERR"],
    zh: "判别字段（discriminator）改变",
    en: "discriminator changed",
  },
  {
    sub: "ref-target-changed",
    effect: "refer",
    zh: "$ref 引用目标改变",
    en: "$ref target changed",
  },
  { sub: "default-added", effect: "info", zh: "新增默认值", en: "default added" },
  { sub: "default-removed", effect: "maybe", zh: "删除默认值", en: "default removed" },
  { sub: "default-changed", effect: "maybe", zh: "默认值改变", en: "default changed" },
  { sub: "deprecated-added", effect: "info", zh: "标记为已废弃", en: "marked deprecated" },
  { sub: "deprecated-removed", effect: "info", zh: "取消废弃标记", en: "no longer deprecated" },
  {
    sub: "read-only-added",
    effect: "maybe",
    levels: ["WARN", "ERR", "INFO"],
    zh: "变为只读（readOnly）",
    en: "became readOnly",
  },
  { sub: "read-only-removed", effect: "info", zh: "不再只读", en: "no longer readOnly" },
  {
    sub: "write-only-added",
    effect: "maybe",
    levels: ["WARN", "INFO", "ERR"],
    zh: "变为只写（writeOnly）",
    en: "became writeOnly",
  },
  { sub: "write-only-removed", effect: "info", zh: "不再只写", en: "no longer writeOnly" },
  {
    sub: "dependent-required-added",
    effect: "narrow",
    zh: "新增依赖必填（dependentRequired）",
    en: "dependentRequired added",
  },
  {
    sub: "dependent-required-removed",
    effect: "widen",
    zh: "删除依赖必填（dependentRequired）",
    en: "dependentRequired removed",
  },
  {
    sub: "govex-rule-added",
    effect: "narrow",
    zh: "新增跨字段规则（x-govex-rules）",
    en: "cross-field rule added (x-govex-rules)",
  },
  {
    sub: "govex-rule-removed",
    effect: "widen",
    zh: "删除跨字段规则（x-govex-rules）",
    en: "cross-field rule removed (x-govex-rules)",
  },
];

const SCOPE_TITLE: Record<Scope, Bilingual> = {
  schema: { "zh-CN": "数据标准：", en: "Schema: " },
  request: { "zh-CN": "请求：", en: "Request: " },
  response: { "zh-CN": "响应：", en: "Response: " },
};

const SCOPES: readonly Scope[] = ["schema", "request", "response"];

interface OtherCheck {
  id: string;
  level: Level;
  kind: CheckInfo["kind"];
  effect: Effect;
  zh: string;
  en: string;
}

const o = (
  id: string,
  level: Level,
  kind: CheckInfo["kind"],
  effect: Effect,
  zh: string,
  en: string,
): OtherCheck => ({
  id,
  level,
  kind,
  effect,
  zh,
  en,
});

/** Checks that are not repeated per scope. */
const OTHER_CHECKS: readonly OtherCheck[] = [
  // Documentation only.
  o("title-changed", "INFO", "both", "docs", "标题改变", "title changed"),
  o("description-changed", "INFO", "both", "docs", "说明改变", "description changed"),
  o("examples-changed", "INFO", "both", "docs", "示例改变", "examples changed"),
  o("comment-changed", "INFO", "both", "docs", "注释（$comment）改变", "$comment changed"),
  o(
    "standard-reference-changed",
    "INFO",
    "both",
    "docs",
    "引用标准（x-standard）改变",
    "cited standard (x-standard) changed",
  ),
  o(
    "code-table-label-changed",
    "INFO",
    "both",
    "docs",
    "代码表标签（x-enum-labels）改变",
    "code table label (x-enum-labels) changed",
  ),
  o(
    "operation-summary-changed",
    "INFO",
    "openapi",
    "docs",
    "操作摘要改变",
    "operation summary changed",
  ),
  o("operation-tags-changed", "INFO", "openapi", "docs", "操作标签改变", "operation tags changed"),
  // National code tables (x-enum-labels): a code in use never disappears.
  o(
    "code-table-value-removed",
    "ERR",
    "both",
    "remove",
    "删除代码表中的代码",
    "code removed from a code table",
  ),
  // Schema sets.
  o("schema-added", "INFO", "schema", "add", "新增数据标准文件", "schema file added"),
  o("schema-removed", "ERR", "schema", "remove", "删除数据标准文件", "schema file removed"),
  o("schema-id-changed", "ERR", "schema", "change", "$id 改变", "$id changed"),
  o(
    "schema-dialect-changed",
    "WARN",
    "schema",
    "maybe",
    "$schema 方言改变",
    "$schema dialect changed",
  ),
  o("def-added", "INFO", "both", "add", "新增定义（$defs）", "definition ($defs) added"),
  o("def-removed", "ERR", "both", "remove", "删除定义（$defs）", "definition ($defs) removed"),
  // OpenAPI: paths and operations.
  o("path-added", "INFO", "openapi", "add", "新增路径", "path added"),
  o("path-removed", "ERR", "openapi", "remove", "删除路径", "path removed"),
  o(
    "path-parameter-renamed",
    "INFO",
    "openapi",
    "info",
    "路径模板中的参数改名",
    "path template parameter renamed",
  ),
  o("operation-added", "INFO", "openapi", "add", "新增操作", "operation added"),
  o("operation-removed", "ERR", "openapi", "remove", "删除操作", "operation removed"),
  o(
    "operation-moved",
    "ERR",
    "openapi",
    "remove",
    "操作移到其他路径（operationId 相同）",
    "operation moved to another path (same operationId)",
  ),
  o("operation-id-changed", "WARN", "openapi", "maybe", "operationId 改变", "operationId changed"),
  o("operation-deprecated", "INFO", "openapi", "info", "操作标记为已废弃", "operation deprecated"),
  o(
    "operation-undeprecated",
    "INFO",
    "openapi",
    "info",
    "操作取消废弃标记",
    "operation no longer deprecated",
  ),
  o("webhook-added", "INFO", "openapi", "add", "新增 webhook", "webhook added"),
  o("webhook-removed", "ERR", "openapi", "remove", "删除 webhook", "webhook removed"),
  // Callbacks (OpenAPI 3.1.0 §4.8.18): requests the API sends to the consumer, read like webhooks.
  o("callback-added", "INFO", "openapi", "add", "新增回调", "callback added"),
  o("callback-removed", "ERR", "openapi", "remove", "删除回调", "callback removed"),
  // Parameters.
  o(
    "request-parameter-added",
    "INFO",
    "openapi",
    "add",
    "新增可选参数",
    "optional parameter added",
  ),
  o(
    "new-required-request-parameter",
    "ERR",
    "openapi",
    "narrow",
    "新增必填参数",
    "required parameter added",
  ),
  o(
    "new-required-request-header",
    "ERR",
    "openapi",
    "narrow",
    "新增必填请求头",
    "required request header added",
  ),
  // docs/decisions/0005-spec-diff-levels.md: unknown parameters are ignored, not refused.
  o("request-parameter-removed", "WARN", "openapi", "dropped", "删除参数", "parameter removed"),
  o(
    "request-parameter-became-required",
    "ERR",
    "openapi",
    "narrow",
    "参数变为必填",
    "parameter became required",
  ),
  o(
    "request-parameter-became-optional",
    "INFO",
    "openapi",
    "widen",
    "参数变为可选",
    "parameter became optional",
  ),
  o(
    "request-parameter-deprecated",
    "INFO",
    "openapi",
    "info",
    "参数标记为已废弃",
    "parameter deprecated",
  ),
  o(
    "request-parameter-style-changed",
    "WARN",
    "openapi",
    "change",
    "参数序列化方式（style/explode）改变",
    "parameter serialization (style/explode) changed",
  ),
  // Request bodies.
  o(
    "request-body-added",
    "INFO",
    "openapi",
    "add",
    "新增可选请求体",
    "optional request body added",
  ),
  o(
    "new-required-request-body",
    "ERR",
    "openapi",
    "narrow",
    "新增必填请求体",
    "required request body added",
  ),
  o("request-body-removed", "ERR", "openapi", "remove", "删除请求体", "request body removed"),
  o(
    "request-body-became-required",
    "ERR",
    "openapi",
    "narrow",
    "请求体变为必填",
    "request body became required",
  ),
  o(
    "request-body-became-optional",
    "INFO",
    "openapi",
    "widen",
    "请求体变为可选",
    "request body became optional",
  ),
  o(
    "request-media-type-added",
    "INFO",
    "openapi",
    "add",
    "请求新增媒体类型",
    "request media type added",
  ),
  o(
    "request-media-type-removed",
    "ERR",
    "openapi",
    "remove",
    "请求删除媒体类型",
    "request media type removed",
  ),
  // Responses.
  o("response-status-added", "INFO", "openapi", "add", "新增响应状态码", "response status added"),
  o(
    "response-success-status-removed",
    "ERR",
    "openapi",
    "remove",
    "删除成功响应状态码",
    "success response status removed",
  ),
  o(
    "response-non-success-status-removed",
    "WARN",
    "openapi",
    "remove",
    "删除非成功响应状态码",
    "non-success response status removed",
  ),
  o(
    "response-media-type-added",
    "INFO",
    "openapi",
    "add",
    "响应新增媒体类型",
    "response media type added",
  ),
  o(
    "response-media-type-removed",
    "ERR",
    "openapi",
    "remove",
    "响应删除媒体类型",
    "response media type removed",
  ),
  o("response-header-added", "INFO", "openapi", "add", "新增响应头", "response header added"),
  o(
    "response-header-removed",
    "WARN",
    "openapi",
    "remove",
    "删除可选响应头",
    "optional response header removed",
  ),
  o(
    "response-required-header-removed",
    "ERR",
    "openapi",
    "remove",
    "删除必有响应头",
    "required response header removed",
  ),
  o(
    "response-header-became-optional",
    "WARN",
    "openapi",
    "widen",
    "响应头变为可选",
    "response header became optional",
  ),
  o(
    "response-header-became-required",
    "INFO",
    "openapi",
    "info",
    "响应头变为必有",
    "response header became required",
  ),
  // Security.
  o(
    "security-requirement-added",
    "ERR",
    "openapi",
    "narrow",
    "原本无需认证的操作新增安全要求",
    "security requirement added to an open operation",
  ),
  o(
    "security-requirement-removed",
    "INFO",
    "openapi",
    "widen",
    "操作不再需要认证",
    "operation no longer requires security",
  ),
  o(
    "security-alternative-added",
    "INFO",
    "openapi",
    "widen",
    "新增可选的认证方式",
    "alternative security requirement added",
  ),
  o(
    "security-alternative-removed",
    "ERR",
    "openapi",
    "remove",
    "删除一种认证方式",
    "alternative security requirement removed",
  ),
  o(
    "security-scope-added",
    "ERR",
    "openapi",
    "narrow",
    "认证要求新增权限范围（scope）",
    "security scope added",
  ),
  o(
    "security-scope-removed",
    "INFO",
    "openapi",
    "widen",
    "认证要求删除权限范围（scope）",
    "security scope removed",
  ),
  o("security-scheme-added", "INFO", "openapi", "add", "新增安全方案", "security scheme added"),
  o(
    "security-scheme-removed",
    "ERR",
    "openapi",
    "remove",
    "删除安全方案",
    "security scheme removed",
  ),
  o(
    "security-scheme-changed",
    "WARN",
    "openapi",
    "change",
    "安全方案改变",
    "security scheme changed",
  ),
  // Servers, components, document.
  o("server-added", "INFO", "openapi", "info", "新增服务器地址", "server added"),
  o("server-removed", "WARN", "openapi", "remove", "删除服务器地址", "server removed"),
  o("server-url-changed", "WARN", "openapi", "change", "服务器地址改变", "server URL changed"),
  // Path Item and Operation `servers` (OpenAPI 3.1.0 §4.8.9, §4.8.10) override the document's.
  o(
    "path-server-added",
    "INFO",
    "openapi",
    "info",
    "路径或操作新增服务器地址",
    "path server added",
  ),
  o(
    "path-server-removed",
    "WARN",
    "openapi",
    "remove",
    "路径或操作删除服务器地址",
    "path server removed",
  ),
  o(
    "path-server-url-changed",
    "WARN",
    "openapi",
    "change",
    "路径或操作的服务器地址改变",
    "path server URL changed",
  ),
  o("component-schema-added", "INFO", "openapi", "add", "新增组件模式", "component schema added"),
  // docs/decisions/0005-spec-diff-levels.md: a component is a type in the generated client.
  o(
    "component-schema-removed",
    "WARN",
    "openapi",
    "surface",
    "删除组件模式",
    "component schema removed",
  ),
  o(
    "openapi-version-changed",
    "INFO",
    "openapi",
    "info",
    "OpenAPI 版本改变",
    "OpenAPI version changed",
  ),
];

function build(): CheckSpec[] {
  const out: CheckSpec[] = [];
  for (const scope of SCOPES) {
    const index = SCOPES.indexOf(scope);
    for (const c of SCHEMA_CHECKS) {
      const levels = c.levels ?? BY_EFFECT[c.effect];
      const level = levels[index] as Level;
      const spec: CheckSpec = {
        id: `${scope}-${c.sub}`,
        level,
        kind: scope === "schema" ? "schema" : "openapi",
        title: {
          "zh-CN": `${SCOPE_TITLE[scope]["zh-CN"]}${c.zh}`,
          en: `${SCOPE_TITLE[scope].en}${c.en}`,
        },
        effect: c.effect,
        scope,
      };
      if (c.effect === "add" || c.sub === "required-property-added") spec.additive = true;
      out.push(spec);
    }
  }
  for (const c of OTHER_CHECKS) {
    const en = `${c.en.charAt(0).toUpperCase()}${c.en.slice(1)}`;
    const spec: CheckSpec = {
      id: c.id,
      level: c.level,
      kind: c.kind,
      title: { "zh-CN": c.zh, en },
      effect: c.effect,
    };
    if (c.effect === "docs") spec.docsOnly = true;
    if (c.effect === "add") spec.additive = true;
    out.push(spec);
  }
  return out;
}

const SPECS: readonly CheckSpec[] = build();

/** Every check id with its default level, kind, title and release flags (`docsOnly`, `additive`). */
export const CHECKS: readonly CheckInfo[] = SPECS.map(({ effect: _e, scope: _s, ...info }) =>
  Object.freeze(info),
);

const BY_ID: ReadonlyMap<string, CheckSpec> = new Map(SPECS.map((c) => [c.id, c]));

/** The catalog entry of a check id (internal: includes the effect used in messages). */
export function checkSpec(id: string): CheckSpec {
  const spec = BY_ID.get(id);
  if (!spec) throw new Error(`unknown check id ${id}`);
  return spec;
}

/** Whether `id` names a check in the catalog. */
export function isCheckId(id: string): boolean {
  return BY_ID.has(id);
}
