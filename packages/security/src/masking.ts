/**
 * Data masking (脱敏) per field kind and sensitivity grade.
 *
 * There is no single national masking rule (shared/standards/cn-standards.md §3). The
 * grade-2 rules below are the common conventions listed there [V as conventions]:
 * name keeps the first character, resident ID keeps the first 1 and last 2 (or first 6
 * and last 4), mobile keeps the first 3 and last 4, address hides the last 8
 * characters, e-mail keeps the first character of the local part, bank card keeps the
 * first 4 and last 4. Everything else, and the 1–4 scale itself, is govex-defined and
 * configurable: GB/T 43697-2024 defines 核心 / 重要 / 一般 data [V]; splitting 一般 into
 * sensitivity levels 1–4 is common practice [M] (GB/T 35273-2020, GB/T 37988-2019 [M]).
 *
 * Masking works on Unicode code points, never on UTF-16 code units, so a surrogate
 * pair is kept or hidden whole. A masked value keeps its length in code points.
 *
 * @module masking
 */

export { maskRecord, maskValue } from "./masking/engine.js";
export { explainMask, type MaskLocale } from "./masking/explain.js";
export { COMPOUND_SURNAMES } from "./masking/kinds.js";
export { MaskingError, type MaskingErrorCode } from "./masking/masking-error.js";
export {
  DEFAULT_MASK_GRADE,
  MASK_GRADES,
  MASK_HASH_BYTES,
  MASK_HMAC_KEY_MIN_BYTES,
  MASK_KINDS,
  MASK_REDACTED_WIDTH,
  MASKING_MAX_DEPTH,
  type MaskGrade,
  type MaskingPolicy,
  type MaskKind,
  type MaskOptions,
  type MaskRecordOptions,
  type MaskRule,
  type MaskStrategy,
} from "./masking/rules.js";
