/**
 * 组织机构代码 — GB 11714-1997 Organization code: 8 body characters and a check character,
 * often written "XXXXXXXX-X".
 * @see GB 11714-1997 §4 (structure), §5 (check character)
 * @module
 */
import { type CheckResult, issue, result } from "../issues.js";

export interface OrgCodeInfo {
  body: string;
  check: string;
}

// GB 11714-1997 §5: weights of the 8 body characters; digits are their value, A–Z are 10–35.
const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

function charValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  return -1;
}

/** The check character of an 8-character body: C9 = 11 − (Σ mod 11); 10 → "X", 11 → "0". */
export function orgCodeCheckCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += charValue(body.charCodeAt(i)) * (WEIGHTS[i] as number);
  const c = 11 - (sum % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

/** Fast boolean check of the 9-character form (no separator) used inside a USCC and by the format. */
export function isOrgCode(value: string, offset = 0): boolean {
  if (value.length < offset + 9) return false;
  for (let i = offset; i < offset + 8; i++) if (charValue(value.charCodeAt(i)) < 0) return false;
  return value[offset + 8] === orgCodeCheckCharacter(value.slice(offset, offset + 8));
}

/**
 * Checks a 组织机构代码 (GB 11714-1997). Accepts the written form with a hyphen.
 *
 * @example
 * checkOrgCode("M000100Y-4").valid;  // true (the code inside the GB 32100 example)
 * checkOrgCode("M000100Y5").issues[0]?.code; // "invalid_check_character"
 */
export function checkOrgCode(input: string): CheckResult<OrgCodeInfo> {
  const raw = typeof input === "string" ? input.trim() : "";
  if (typeof input !== "string")
    return result(raw, [issue("invalid_type", { expected: "string" })]);
  const value = raw.length === 10 && raw[8] === "-" ? raw.slice(0, 8) + raw.slice(9) : raw;
  if (value.length !== 9) {
    return result(value.slice(0, 32), [
      issue("invalid_length", { expected: 9, actual: value.length }),
    ]);
  }
  for (let i = 0; i < 9; i++) {
    const ch = value[i] as string;
    const ok = i < 8 ? charValue(ch.charCodeAt(0)) >= 0 : ch === "X" || (ch >= "0" && ch <= "9");
    if (!ok) return result(value, [issue("invalid_character", { position: i + 1, character: ch })]);
  }
  const body = value.slice(0, 8);
  const expected = orgCodeCheckCharacter(body);
  const check = value[8] as string;
  const issues =
    check === expected
      ? []
      : [issue("invalid_check_character", { expected, actual: check, position: 9 })];
  return result(value, issues, { body, check });
}
