/**
 * Human-readable explanations of a rule, in zh-CN and English ({@link explainMask}).
 *
 * @module masking/explain
 */

import { EMAIL_LOCAL, SEPARATORS, WINDOWS, type Window, windowFor } from "./kinds.js";
import {
  DEFAULT_MASK_GRADE,
  MASK_HASH_BYTES,
  MASK_REDACTED_WIDTH,
  type MaskRule,
  type ResolvedRule,
  resolveRule,
} from "./rules.js";

/** The locales of {@link explainMask}. */
export type MaskLocale = "zh-CN" | "en";

export function countText(start: number, end: number, zh: boolean): string {
  if (start === 0 && end === 0) return zh ? "无（仅保留长度）" : "nothing but the length";
  const unit = (count: number) => (count === 1 ? "character" : "characters");
  if (end === 0) return zh ? `前 ${start} 位` : `the first ${start} ${unit(start)}`;
  if (start === 0) return zh ? `后 ${end} 位` : `the last ${end} ${unit(end)}`;
  return zh ? `前 ${start} 位和后 ${end} 位` : `the first ${start} and last ${end} ${unit(end)}`;
}

export function shownText(rule: ResolvedRule, zh: boolean): string {
  const { kind, grade } = rule;
  const overridden = rule.keepStart !== undefined || rule.keepEnd !== undefined;
  if (grade === 4 && !overridden) return zh ? "无（仅保留长度）" : "nothing but the length";
  if (kind === "name" && !overridden) {
    if (grade === 1)
      return zh
        ? "姓氏（含欧阳、司马等复姓）和名字的最后一个字；分词书写的姓名显示每个词的首字母"
        : "the surname (compound ones such as 欧阳 included) and the given name's last character; for names in words, each word's first letter";
    if (grade === 2)
      return zh
        ? "姓氏（含欧阳、司马等复姓）；分词书写的姓名只显示第一个词的首字母"
        : "the surname (compound ones such as 欧阳 included); for names in words, the first word's first letter";
    return zh ? "无（仅保留长度）" : "nothing but the length";
  }
  if (kind === "address" && !overridden) {
    const level = [
      ["省、市、县（区）和乡镇（街道）级区划名称", "the province, city, county and township names"],
      [
        "省、市、县（区）级区划名称，且至少隐藏最后 8 个字",
        "the province, city and county names, hiding at least the last 8 characters",
      ],
      [
        "省、市级区划名称，且至少隐藏最后 8 个字",
        "the province and city names, hiding at least the last 8 characters",
      ],
    ][grade - 1] as [string, string];
    return zh ? level[0] : level[1];
  }
  if (kind === "email") {
    const [s, e] = windowFor(rule, EMAIL_LOCAL[grade - 1] ?? [0, 0]);
    const local = countText(s, e, zh);
    const domain =
      grade <= 2
        ? zh
          ? "完整域名"
          : "the whole domain"
        : zh
          ? "顶级域名"
          : "the top-level domain";
    return zh ? `用户名的${local}，以及${domain}` : `${local} of the local part, and ${domain}`;
  }
  const defaults =
    kind === "name" || kind === "address"
      ? ([0, 0] as Window)
      : ((WINDOWS[kind] as readonly Window[])[grade - 1] ?? [0, 0]);
  const [s, e] = windowFor(rule, grade === 4 ? [0, 0] : defaults);
  const unit = kind === "date" ? (zh ? "（按数字计）" : " (counting digits)") : "";
  const separators =
    SEPARATORS[kind].size > 0 && kind !== "name"
      ? zh
        ? "；分隔符照原样保留"
        : "; separators stay as they are"
      : "";
  return `${countText(s, e, zh)}${unit}${separators}`;
}

/**
 * What a rule shows and hides, in zh-CN (default) or English, for documentation and UI.
 *
 * @example
 * explainMask({ kind: "mobile" }, "en");
 * // { shown: "the first 3 and last 4 characters; separators stay as they are",
 * //   hidden: 'every other character, each replaced by "*"; the length is kept' }
 */
export function explainMask(
  rule: MaskRule,
  locale: MaskLocale = "zh-CN",
): { shown: string; hidden: string } {
  const r = resolveRule(rule, DEFAULT_MASK_GRADE);
  const zh = locale === "zh-CN";
  if (r.strategy === "redact")
    return zh
      ? {
          shown: "无",
          hidden: `整个值，以固定的“${r.maskChar.repeat(MASK_REDACTED_WIDTH)}”代替，不保留长度`,
        }
      : {
          shown: "nothing",
          hidden: `the whole value, replaced by a fixed "${r.maskChar.repeat(MASK_REDACTED_WIDTH)}"; the length is not kept`,
        };
  if (r.strategy === "hash")
    return zh
      ? {
          shown: `带密钥的哈希（HMAC-SHA256 前 ${MASK_HASH_BYTES} 字节，十六进制）：同一密钥下相同的值结果相同，可用于关联比对`,
          hidden: "原值本身",
        }
      : {
          shown: `a keyed hash (HMAC-SHA256, first ${MASK_HASH_BYTES} bytes, hex): equal values give equal results under one key, for linkage`,
          hidden: "the value itself",
        };
  return {
    shown: shownText(r, zh),
    hidden: zh
      ? `其余字符，每个以“${r.maskChar}”代替，保留长度；短于规则的值最多显示前三分之一`
      : `every other character, each replaced by "${r.maskChar}"; the length is kept, and a value shorter than the rule shows at most its first third`,
  };
}
