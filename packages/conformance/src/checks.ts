import type { Localized } from "./types.js";

/**
 * Every check of the kit, in report order. The ids are stable: a report names them, an exchange
 * requires them, and the kit's own mutation test breaks each one on purpose. What each checks and
 * why is in the README.
 */
export const CHECKS = [
  {
    id: "describe-schema",
    title: { "zh-CN": "描述接口符合规范", en: "describe answers as the spec says" },
  },
  {
    id: "describe-consistent",
    title: {
      "zh-CN": "描述自洽:主键与记录模式对应目录信息项",
      en: "describe is consistent: key and record schema match the catalog items",
    },
  },
  {
    id: "masking-declared",
    title: {
      "zh-CN": "脱敏标注有效且指向已有信息项",
      en: "masking annotations are valid and name existing items",
    },
  },
  {
    id: "health-schema",
    title: { "zh-CN": "健康检查符合规范", en: "health check answers as the spec says" },
  },
  {
    id: "query-schema",
    title: { "zh-CN": "查询结果页符合规范", en: "query pages follow the spec" },
  },
  {
    id: "record-schema",
    title: {
      "zh-CN": "每条记录符合资源的记录模式",
      en: "every record matches the resource's record schema",
    },
  },
  {
    id: "pagination-complete",
    title: {
      "zh-CN": "分页完整:无重复、无遗漏",
      en: "pagination is complete: no duplicate, no missing record",
    },
  },
  {
    id: "pagination-stable",
    title: { "zh-CN": "分页稳定:重复遍历顺序一致", en: "pagination is stable across walks" },
  },
  {
    id: "fields-selection",
    title: { "zh-CN": "只返回 fields 所列字段", en: "query returns only the requested fields" },
  },
  {
    id: "filter-equality",
    title: { "zh-CN": "过滤条件按等值匹配", en: "filters match by equality" },
  },
  {
    id: "get-schema",
    title: { "zh-CN": "按主键读取符合规范", en: "get by key answers as the spec says" },
  },
  {
    id: "get-matches-query",
    title: {
      "zh-CN": "按主键读取与查询结果一致",
      en: "get by key returns the record the query returned",
    },
  },
  {
    id: "get-unknown-404",
    title: { "zh-CN": "不存在的主键返回 404", en: "an unknown key is 404" },
  },
  {
    id: "unknown-resource-404",
    title: { "zh-CN": "不存在的资源返回 404", en: "an unknown resource is 404" },
  },
  {
    id: "verify-schema",
    title: { "zh-CN": "核验结果符合规范", en: "verify answers as the spec says" },
  },
  {
    id: "verify-answers",
    title: {
      "zh-CN": "核验逐字段正确答复一致与否",
      en: "verify answers match / no match correctly",
    },
  },
  {
    id: "verify-discloses-nothing",
    title: { "zh-CN": "核验不泄露任何数据", en: "verify discloses nothing" },
  },
  {
    id: "changes-schema",
    title: { "zh-CN": "增量变更页符合规范", en: "changes pages follow the spec" },
  },
  {
    id: "changes-forward-only",
    title: { "zh-CN": "变更游标只进不退", en: "the changes cursor only moves forward" },
  },
  {
    id: "signature-response-valid",
    title: {
      "zh-CN": "响应签名与摘要有效并绑定请求",
      en: "response signatures and digests are valid and bound to the request",
    },
  },
  {
    id: "unsigned-request-refused",
    title: { "zh-CN": "拒绝未签名请求(401)", en: "unsigned requests are refused (401)" },
  },
  {
    id: "wrong-signature-refused",
    title: {
      "zh-CN": "拒绝签名错误的请求",
      en: "wrongly signed requests are refused",
    },
  },
  {
    id: "replayed-request-refused",
    title: { "zh-CN": "拒绝重放的请求", en: "replayed requests are refused" },
  },
  {
    id: "problem-json",
    title: {
      "zh-CN": "错误答复为 problem+json",
      en: "errors are application/problem+json",
    },
  },
  {
    id: "bad-input-4xx",
    title: {
      "zh-CN": "不合规范的参数答复 4xx",
      en: "malformed and oversized parameters get a 4xx",
    },
  },
  {
    id: "bad-body-4xx",
    title: { "zh-CN": "不合规范的核验请求体答复 4xx", en: "malformed verify bodies get a 4xx" },
  },
  {
    id: "injection-harmless",
    title: {
      "zh-CN": "注入字符串无害",
      en: "injection strings are harmless",
    },
  },
] as const satisfies readonly { id: string; title: Localized }[];

/** A check's stable id. */
export type CheckId = (typeof CHECKS)[number]["id"];

/** Every check id, in report order. */
export const CHECK_IDS: readonly CheckId[] = CHECKS.map((check) => check.id);

/** A check's titles, by id. */
export function checkTitle(id: CheckId): Localized {
  return (CHECKS.find((check) => check.id === id) as { title: Localized }).title;
}
