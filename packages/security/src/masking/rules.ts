/**
 * Masking rules: the field kinds, grades and strategies, the limits, and how a
 * {@link MaskRule} is checked and resolved against a policy's default grade.
 *
 * @module masking/rules
 */

import { MaskingError } from "./masking-error.js";

/** The field kinds a rule knows how to mask. */
export const MASK_KINDS = [
  "resident-id",
  "uscc",
  "mobile",
  "name",
  "address",
  "email",
  "bank-card",
  "plate",
  "date",
  "generic",
] as const;

/**
 * A field kind: `resident-id` 公民身份号码 (GB 11643-1999), `uscc` 统一社会信用代码
 * (GB 32100-2015), `mobile` 手机号码, `name` 姓名, `address` 地址, `email`, `bank-card`
 * 银行卡号, `plate` 机动车号牌, `date` 日期/时间, `generic` (keep first m and last n).
 */
export type MaskKind = (typeof MASK_KINDS)[number];

/** The sensitivity grades, lowest first. */
export const MASK_GRADES = [1, 2, 3, 4] as const;

/**
 * Sensitivity grade of a field (govex-defined scale; the 1–4 split of GB/T 43697-2024's
 * 一般数据 is common practice [M]). The higher the grade, the less is shown:
 * - 1 低敏感: light masking, shows the structure (division code, BIN, year and month).
 * - 2 中敏感 (default): the common conventions of cn-standards.md §3.
 * - 3 高敏感: shows at most what tells the kind apart; the length stays.
 * - 4 极敏感 (treat 重要/核心 data as 4): redacted whole by default, or a keyed hash.
 */
export type MaskGrade = (typeof MASK_GRADES)[number];

/** The grade of a rule that names none, and of a policy without `defaultGrade`. */
export const DEFAULT_MASK_GRADE: MaskGrade = 2;

/**
 * How a value is hidden: `mask` replaces hidden code points one by one (the length
 * stays), `redact` replaces the whole value by a fixed placeholder, `hash` replaces it by
 * a keyed hash so that equal values can be linked without being disclosed.
 */
export type MaskStrategy = "mask" | "redact" | "hash";

/** A masking rule for one field. */
export interface MaskRule {
  kind: MaskKind;
  /** Sensitivity grade; the policy's `defaultGrade`, else {@link DEFAULT_MASK_GRADE}. */
  grade?: MaskGrade;
  /**
   * Code points shown at the start, overriding the kind's default for the grade. For
   * `email` it counts in the local part; for kinds with separators (`resident-id`,
   * `uscc`, `mobile`, `bank-card`, `plate`, `date`, `name`) it counts non-separators.
   */
  keepStart?: number;
  /** Code points shown at the end; counted as `keepStart` is. */
  keepEnd?: number;
  /** One code point that replaces each hidden one (default `*`). */
  maskChar?: string;
  /** Default: `redact` at grade 4, else `mask`. */
  strategy?: MaskStrategy;
}

/** Options of {@link maskValue}. */
export interface MaskOptions {
  /** HMAC-SHA256 key for the `hash` strategy, at least {@link MASK_HMAC_KEY_MIN_BYTES} bytes. */
  hmacKey?: Uint8Array;
}

/** Options of {@link maskRecord}. */
export interface MaskRecordOptions extends MaskOptions {
  /** Deepest nesting copied (default {@link MASKING_MAX_DEPTH}); deeper throws `masking_too_deep`. */
  maxDepth?: number;
}

/** Which fields of a record to mask, and how. */
export interface MaskingPolicy {
  /**
   * Rules by path: a JSON Pointer (RFC 6901, `/people/0/mobile`) or a dotted path
   * (`people.0.mobile`, `people[0].mobile`). A `*` segment matches every element of an
   * array and every own property of an object; `""` is the whole record.
   */
  fields: Record<string, MaskRule>;
  defaultGrade?: MaskGrade;
}

/** Deepest object/array nesting {@link maskRecord} copies by default. */
export const MASKING_MAX_DEPTH = 64;
/** Code points of the `redact` placeholder (the mask character repeated). */
export const MASK_REDACTED_WIDTH = 6;
/** Bytes of HMAC-SHA256 output kept by the `hash` strategy (printed as hex). */
export const MASK_HASH_BYTES = 16;
/** Shortest accepted HMAC key, as for hmac-sha256 signatures in this package. */
export const MASK_HMAC_KEY_MIN_BYTES = 32;

export interface ResolvedRule {
  kind: MaskKind;
  grade: MaskGrade;
  strategy: MaskStrategy;
  keepStart: number | undefined;
  keepEnd: number | undefined;
  maskChar: string;
}

// One code point, and not a lone surrogate (the output must stay well-formed UTF-16).
export const ONE_CODE_POINT = /^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])$/;

export function invalidRule(reason: string, path?: string): MaskingError {
  return new MaskingError("masking_invalid_rule", { reason }, path);
}

export function checkCount(value: unknown, name: string, path?: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw invalidRule(`${name} must be a non-negative integer, got ${String(value)}`, path);
  return value;
}

export function resolveRule(rule: MaskRule, defaultGrade: MaskGrade, path?: string): ResolvedRule {
  if (typeof rule !== "object" || rule === null)
    throw invalidRule("a rule must be an object", path);
  if (!(MASK_KINDS as readonly unknown[]).includes(rule.kind))
    throw invalidRule(`unknown kind ${String(rule.kind)} (one of ${MASK_KINDS.join(", ")})`, path);
  const grade = rule.grade ?? defaultGrade;
  if (!(MASK_GRADES as readonly unknown[]).includes(grade))
    throw invalidRule(`grade must be 1, 2, 3 or 4, got ${String(grade)}`, path);
  const strategy = rule.strategy ?? (grade === 4 ? "redact" : "mask");
  if (strategy !== "mask" && strategy !== "redact" && strategy !== "hash")
    throw invalidRule(`strategy must be mask, redact or hash, got ${String(strategy)}`, path);
  const maskChar = rule.maskChar ?? "*";
  if (typeof maskChar !== "string" || !ONE_CODE_POINT.test(maskChar))
    throw invalidRule("maskChar must be exactly one Unicode code point", path);
  return {
    kind: rule.kind,
    grade,
    strategy,
    keepStart: checkCount(rule.keepStart, "keepStart", path),
    keepEnd: checkCount(rule.keepEnd, "keepEnd", path),
    maskChar,
  };
}

export function checkKey(key: Uint8Array | undefined, path?: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < MASK_HMAC_KEY_MIN_BYTES)
    throw new MaskingError(
      "masking_key_required",
      { length: key instanceof Uint8Array ? key.length : 0 },
      path,
    );
  return key;
}
