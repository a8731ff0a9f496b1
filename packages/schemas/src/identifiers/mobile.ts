/**
 * Mainland China mobile numbers: 11 digits, "1" then 3–9 (the MIIT numbering plan's 13x–19x
 * mobile segments [I]). A "+86"/"0086" prefix is reported, not silently dropped.
 * @module
 */
import { type CheckResult, issue, result } from "../issues.js";

/** Fast boolean check: the `cn-mobile` format. */
export function isMobile(value: string): boolean {
  if (value.length !== 11 || value.charCodeAt(0) !== 49) return false;
  const second = value.charCodeAt(1);
  if (second < 51 || second > 57) return false;
  for (let i = 2; i < 11; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Checks a mainland mobile number.
 *
 * @example
 * checkMobile("13800138000").valid;               // true
 * checkMobile("+8613800138000").issues[0]?.code; // "mobile_country_prefix"
 */
export function checkMobile(input: string): CheckResult<{ carrierPrefix: string }> {
  const value = typeof input === "string" ? input.trim() : "";
  if (typeof input !== "string")
    return result(value, [issue("invalid_type", { expected: "string" })]);
  if (isMobile(value)) return result(value, [], { carrierPrefix: value.slice(0, 3) });
  const prefixed = /^(?:\+86|0086|86)(1[3-9]\d{9})$/.exec(value);
  if (prefixed) {
    return result(value, [issue("mobile_country_prefix", { national: prefixed[1] as string })]);
  }
  return result(value.slice(0, 32), [issue("invalid_mobile", { value: value.slice(0, 32) })]);
}
