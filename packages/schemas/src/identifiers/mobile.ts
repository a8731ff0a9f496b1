/**
 * Mainland China mobile numbers: 11 digits, "1" then 3–9 — the mobile segments 13x–19x of the
 * MIIT telecommunications numbering plan (电信网码号资源, 《电信网编号计划》) [I]. Which
 * segments are allocated to which carrier changes over time, so only the shape is checked.
 * @module
 */
import { requireString } from "../errors.js";
import { type CheckResult, issue, result, warning } from "../issues.js";
import { MAX_SCANNED_LENGTH, normalizeIdentifier } from "./normalize.js";

/** What a mobile number tells: its first three digits (the network segment, 号段). */
export interface MobileInfo {
  carrierPrefix: string;
}

/** Fast boolean check: the `cn-mobile` format (11 digits, no prefix or separator). No allocation. */
export function isMobile(value: string): boolean {
  if (typeof value !== "string" || value.length !== 11 || value.charCodeAt(0) !== 49) return false;
  const second = value.charCodeAt(1);
  if (second < 51 || second > 57) return false;
  for (let i = 2; i < 11; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

// ITU-T E.164 country code 86, written +86, 0086 or 86 before the national number.
const COUNTRY_PREFIX = /^(?:\+86|0086|86)/;
// Digit-group separators people type: spaces and hyphens ("138 0013 8000", "138-0013-8000").
const SEPARATORS = /[\s-]/g;

/**
 * Checks a mainland mobile number. A country prefix (+86, 0086, 86) and digit-group separators
 * (spaces, hyphens) are removed with a warning, as are surrounding whitespace and full-width
 * digits: the number stays valid and `value` is the 11 digits, which is the only form the
 * `cn-mobile` format accepts.
 *
 * @throws {GovexSchemasError} `invalid_argument` when `input` is not a string.
 * @example
 * checkMobile("13800138000").valid;           // true
 * checkMobile("+86 138 0013 8000");          // valid, value "13800138000", warnings mobile_country_prefix and mobile_separators
 * checkMobile("12345678901").issues[0]?.code; // "invalid_mobile"
 */
export function checkMobile(input: string): CheckResult<MobileInfo> {
  requireString(input, "checkMobile: input");
  if (input.length > MAX_SCANNED_LENGTH) {
    return result(input.slice(0, 32), [issue("invalid_mobile", { value: input.slice(0, 32) })]);
  }
  const normalized = normalizeIdentifier(input, false);
  const issues = normalized.warnings;
  let value = normalized.value;
  if (!isMobile(value)) {
    const digits = value.replace(SEPARATORS, "");
    // A mobile number starts with 1, so a leading +86, 0086 or 86 is always a prefix.
    const prefix = COUNTRY_PREFIX.exec(digits)?.[0] ?? "";
    const national = digits.slice(prefix.length);
    if (isMobile(national)) {
      if (prefix) issues.push(warning("mobile_country_prefix", { prefix, national }));
      if (digits.length !== value.length) issues.push(warning("mobile_separators", { national }));
      value = national;
    }
  }
  if (!isMobile(value)) {
    issues.push(issue("invalid_mobile", { value: value.slice(0, 32) }));
    return result(value.slice(0, 32), issues);
  }
  return result(value, issues, { carrierPrefix: value.slice(0, 3) });
}
