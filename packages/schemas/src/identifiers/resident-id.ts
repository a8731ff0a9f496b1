/**
 * 公民身份号码 — GB 11643-1999 Citizen identification number.
 * @see GB 11643-1999 §4 (structure), §5 (address, birth date, sequence codes), §6 (check character)
 * @module
 */
import { type DivisionInfo, divisionExists, lookupDivision } from "../divisions/lookup.js";
import { GovexSchemasError } from "../errors.js";
import { type CheckIssue, type CheckResult, issue, result } from "../issues.js";

/** Facts parsed from a resident ID. */
export interface ResidentIdInfo {
  /** The address code's table entry (null when the code is unknown). */
  division: DivisionInfo | null;
  divisionCode: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** GB/T 2261.1 sex code from the sequence parity (§5.3): odd "1" male, even "2" female. */
  sex: "1" | "2";
  sequence: string;
  /** True when the input was a legacy 15-digit number. */
  legacy15: boolean;
}

export interface ResidentIdOptions {
  /** Accept legacy 15-digit numbers (two-digit year 19xx, no check character). Default false. */
  allowLegacy15?: boolean;
  /**
   * Require the address code to have been in force at some time from the holder's birth year
   * (and no earlier than 1984, when numbers were first issued) on. By default a code that ever
   * existed is enough: real numbers keep codes abolished later, and the code is the one in force
   * at issuance, not at birth (GB 11643-1999 §5.1; see data-src/README.md "Caveats").
   */
  strictDivisionYear?: boolean;
  /** "Today" for the not-in-the-future check; defaults to the current date. */
  today?: Date;
}

// GB 11643-1999 §6.2: ISO 7064:1983 MOD 11-2 weights W_i = 2^(i-1) mod 11, from the left.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = "10X98765432";

/** The MOD 11-2 check character of the first 17 digits (GB 11643-1999 §6.2). */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] as number);
  return CHECK_CHARS[sum % 11] as string;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function digitsValue(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return n;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** @internal A real calendar date (proleptic Gregorian). */
export function isRealDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (DAYS[m - 1] as number);
}

function birthParts(digits8: string): [number, number, number] {
  return [Number(digits8.slice(0, 4)), Number(digits8.slice(4, 6)), Number(digits8.slice(6, 8))];
}

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

let today = 0;
let todayCheckedAt = 0;
let callsSinceCheck = 0;

// The hot path compares YYYYMMDD numbers. Reading the clock costs more than the rest of the
// check, so it is read every 4096 calls and "today" recomputed at most once a minute.
function todayNumber(): number {
  if (callsSinceCheck-- > 0) return today;
  callsSinceCheck = 4096;
  const now = Date.now();
  if (now - todayCheckedAt > 60_000) {
    const [y, m, d] = todayParts(new Date(now));
    today = y * 10000 + m * 100 + d;
    todayCheckedAt = now;
  }
  return today;
}

function todayParts(today: Date): [number, number, number] {
  return [today.getFullYear(), today.getMonth() + 1, today.getDate()];
}

function notAfter(a: [number, number, number], b: [number, number, number]): boolean {
  return a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] <= b[2];
}

/**
 * Fast boolean check of an 18-digit resident ID with the default options (the `cn-resident-id`
 * format). Allocation-free on valid input; use {@link checkResidentId} to learn why a value fails.
 */
export function isResidentId(value: string): boolean {
  if (value.length !== 18 || !isDigits(value, 0, 17)) return false;
  const last = value[17];
  if (last !== residentIdCheckCharacter(value)) return false;
  // Characters 7–14 are digits (checked above): read the birth date in place.
  const y = digitsValue(value, 6, 10);
  const m = digitsValue(value, 10, 12);
  const d = digitsValue(value, 12, 14);
  if (!isRealDate(y, m, d) || y * 10000 + m * 100 + d > todayNumber()) return false;
  return divisionExists(value.slice(0, 6));
}

/**
 * Checks a 公民身份号码 (GB 11643-1999) and returns what it encodes.
 *
 * @example
 * const r = checkResidentId("11010519491231002X");
 * r.valid;            // true
 * r.info?.birthDate;  // "1949-12-31"
 * r.info?.sex;        // "2"
 * checkResidentId("110105194912310021").issues[0];
 * // { code: "invalid_check_character", params: { expected: "X", actual: "1", position: 18 }, … }
 */
export function checkResidentId(
  input: string,
  opts: ResidentIdOptions = {},
): CheckResult<ResidentIdInfo> {
  const value = typeof input === "string" ? input.trim() : "";
  if (typeof input !== "string")
    return result(value, [issue("invalid_type", { expected: "string" })]);
  const legacy = value.length === 15;
  if (legacy && !opts.allowLegacy15) {
    return result(value, [issue("legacy_id_not_allowed", { length: 15 })]);
  }
  if (value.length !== 18 && !legacy) {
    return result(value.slice(0, 32), [
      issue("invalid_length", { expected: 18, actual: value.length }),
    ]);
  }
  const bodyLength = legacy ? 15 : 17;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    const ok = i < bodyLength ? ch >= "0" && ch <= "9" : ch === "X" || (ch >= "0" && ch <= "9");
    if (!ok) {
      return result(value, [
        issue(i === 17 && ch === "x" ? "lowercase_check_character" : "invalid_character", {
          position: i + 1,
          character: ch,
        }),
      ]);
    }
  }
  const issues: CheckIssue[] = [];
  const divisionCode = value.slice(0, 6);
  const birth = legacy ? `19${value.slice(6, 12)}` : value.slice(6, 14);
  const sequence = legacy ? value.slice(12, 15) : value.slice(14, 17);
  if (!legacy) {
    const expected = residentIdCheckCharacter(value);
    if (value[17] !== expected) {
      issues.push(
        issue("invalid_check_character", { expected, actual: value[17] as string, position: 18 }),
      );
    }
  }
  const [y, m, d] = birthParts(birth);
  const birthOk = isRealDate(y, m, d);
  if (!birthOk) {
    issues.push(issue("invalid_birth_date", { value: birth }));
  } else if (!notAfter([y, m, d], todayParts(opts.today ?? new Date()))) {
    issues.push(issue("birth_date_in_future", { value: isoDate(y, m, d) }));
  }
  const division = lookupDivision(divisionCode);
  if (!division) {
    issues.push(issue("unknown_division_code", { code: divisionCode }));
  } else if (opts.strictDivisionYear && birthOk) {
    const earliest = Math.max(y, 1984);
    if (division.to !== null && division.to < earliest) {
      issues.push(
        issue("division_not_in_force", {
          code: divisionCode,
          year: earliest,
          from: division.from,
          to: division.to,
        }),
      );
    }
  }
  const info: ResidentIdInfo = {
    division,
    divisionCode,
    birthDate: birthOk ? isoDate(y, m, d) : birth,
    sex: Number(sequence) % 2 === 1 ? "1" : "2",
    sequence,
    legacy15: legacy,
  };
  return result(value, issues, info);
}

/**
 * Converts a legacy 15-digit number to 18 digits: inserts the century "19" before the
 * two-digit year and appends the check character (GB 11643-1999 §4, §6.2).
 *
 * @example
 * residentId15To18("110105491231002"); // "11010519491231002X"
 */
export function residentId15To18(id15: string): string {
  const value = typeof id15 === "string" ? id15.trim() : "";
  if (value.length !== 15 || !isDigits(value, 0, 15)) {
    throw new GovexSchemasError(
      "invalid_argument",
      `residentId15To18: expected 15 digits, got ${JSON.stringify(value.slice(0, 32))}`,
    );
  }
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
  return first17 + residentIdCheckCharacter(first17);
}
