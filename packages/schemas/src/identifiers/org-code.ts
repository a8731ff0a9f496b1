/**
 * 组织机构代码 — GB 11714-1997 Organization code: 8 body characters and a check character,
 * often written "XXXXXXXX-X".
 * @see GB 11714-1997 §4 (structure), §5 (check character)
 * @module
 */
import { requireString } from "../errors.js";
import { type CheckResult, issue, result } from "../issues.js";
import { MAX_SCANNED_LENGTH, normalizeIdentifier } from "./normalize.js";

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

const CHECK_CHARS = "0123456789X0";

// GB 11714-1997 §5: C9 = 11 − (Σ Ci·Wi mod 11); the result 10 is written X and 11 is written 0.
function checkIndex(text: string, offset: number): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    sum += charValue(text.charCodeAt(offset + i)) * (WEIGHTS[i] as number);
  }
  return 11 - (sum % 11);
}

/**
 * The check character of an 8-character body (digits and A–Z): C9 = 11 − (Σ mod 11);
 * 10 → "X", 11 → "0" (GB 11714-1997 §5).
 *
 * @example
 * orgCodeCheckCharacter("M000100Y"); // "4"
 */
export function orgCodeCheckCharacter(body: string): string {
  return CHECK_CHARS[checkIndex(body, 0)] as string;
}

/**
 * Fast boolean check of the 9-character form (no separator) at `offset` of `text`: the
 * `cn-org-code` format, and the 主体标识码 inside a USCC (positions 9–17). No allocation.
 */
export function isOrgCode(text: string, offset = 0): boolean {
  if (typeof text !== "string" || text.length < offset + 9) return false;
  for (let i = offset; i < offset + 8; i++) if (charValue(text.charCodeAt(i)) < 0) return false;
  return text.charCodeAt(offset + 8) === CHECK_CHARS.charCodeAt(checkIndex(text, offset));
}

/**
 * Checks a 组织机构代码 (GB 11714-1997). Accepts the written form with a hyphen before the check
 * character ("M000100Y-4") and returns the exchange form without it; surrounding whitespace,
 * full-width characters and lowercase letters are normalized with a warning.
 *
 * @throws {GovexSchemasError} `invalid_argument` when `input` is not a string.
 * @example
 * checkOrgCode("M000100Y-4");              // { valid: true, value: "M000100Y4", info: { body: "M000100Y", check: "4" }, issues: [] }
 * checkOrgCode("M000100Y5").issues[0]?.code; // "invalid_check_character"
 */
export function checkOrgCode(input: string): CheckResult<OrgCodeInfo> {
  requireString(input, "checkOrgCode: input");
  if (input.length > MAX_SCANNED_LENGTH) {
    return result(input.slice(0, 32), [
      issue("invalid_length", { expected: 9, actual: input.length }),
    ]);
  }
  const normalized = normalizeIdentifier(input, true);
  const issues = normalized.warnings;
  const raw = normalized.value;
  // §4 written form: 8 body characters, "-", check character.
  const value = raw.length === 10 && raw[8] === "-" ? raw.slice(0, 8) + raw.slice(9) : raw;
  if (value.length !== 9) {
    issues.push(issue("invalid_length", { expected: 9, actual: value.length }));
    return result(value, issues);
  }
  for (let i = 0; i < 9; i++) {
    const c = value.charCodeAt(i);
    const ok = i < 8 ? charValue(c) >= 0 : c === 88 || (c >= 48 && c <= 57);
    if (!ok) {
      issues.push(issue("invalid_character", { position: i + 1, character: value[i] as string }));
      return result(value, issues);
    }
  }
  const body = value.slice(0, 8);
  const expected = orgCodeCheckCharacter(body);
  const check = value[8] as string;
  if (check !== expected) {
    issues.push(issue("invalid_check_character", { expected, actual: check, position: 9 }));
  }
  return result(value, issues, { body, check });
}
