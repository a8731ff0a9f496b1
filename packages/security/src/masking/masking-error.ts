/**
 * The one error class of masking, with zh-CN and English messages.
 *
 * @module masking/masking-error
 */
import { MASK_HMAC_KEY_MIN_BYTES } from "./rules.js";

/** Why masking refused to run. */
export type MaskingErrorCode =
  | "masking_invalid_rule"
  | "masking_invalid_value"
  | "masking_key_required"
  | "masking_invalid_path"
  | "masking_too_deep";

export type Messages = { "zh-CN": string; en: string };

export const MESSAGES: Record<MaskingErrorCode, (p: Record<string, unknown>) => Messages> = {
  masking_invalid_rule: (p) => ({
    "zh-CN": `脱敏规则无效：${String(p.reason)}。请按 MaskRule 的说明修正规则。`,
    en: `The masking rule is invalid: ${String(p.reason)}. Fix the rule as MaskRule documents.`,
  }),
  masking_invalid_value: (p) => ({
    "zh-CN": `待脱敏的值必须是字符串，实为 ${String(p.type)}。请先转换为字符串。`,
    en: `The value to mask must be a string, got ${String(p.type)}. Convert it to a string first.`,
  }),
  masking_key_required: (p) => ({
    "zh-CN": `哈希脱敏需要至少 ${MASK_HMAC_KEY_MIN_BYTES} 字节的 HMAC 密钥，实为 ${String(p.length)} 字节。请在 options.hmacKey 中提供密钥。`,
    en: `The hash strategy needs an HMAC key of at least ${MASK_HMAC_KEY_MIN_BYTES} bytes, got ${String(p.length)}. Pass one as options.hmacKey.`,
  }),
  masking_invalid_path: (p) => ({
    "zh-CN": `脱敏策略中的字段路径“${String(p.field)}”无效：${String(p.reason)}。请使用 JSON Pointer（/a/0/b）或点分路径（a.0.b）。`,
    en: `The policy field path "${String(p.field)}" is invalid: ${String(p.reason)}. Use a JSON Pointer (/a/0/b) or a dotted path (a.0.b).`,
  }),
  masking_too_deep: (p) => ({
    "zh-CN": `记录嵌套超过 ${String(p.maxDepth)} 层（或含循环引用），已停止脱敏。请检查数据，或调大 maxDepth。`,
    en: `The record nests deeper than ${String(p.maxDepth)} levels (or is cyclic); masking stopped. Check the data, or raise maxDepth.`,
  }),
};

/**
 * A masking failure: `code`, the JSON Pointer `path` where it happened (`""` when not in
 * a record), `params`, and zh-CN/English `messages` (what is wrong, then what to do).
 */
export class MaskingError extends Error {
  override name = "MaskingError";
  readonly messages: Messages;
  constructor(
    readonly code: MaskingErrorCode,
    readonly params: Record<string, unknown> = {},
    readonly path = "",
  ) {
    const messages = MESSAGES[code](params);
    super(`${messages["zh-CN"]} / ${messages.en}`);
    this.messages = messages;
  }
}
