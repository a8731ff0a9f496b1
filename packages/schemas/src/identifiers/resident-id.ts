/**
 * 公民身份号码 — GB 11643-1999 Citizen identification number.
 * @see GB 11643-1999 §4 (structure), §5 (address, birth date, sequence codes), §6 (check character)
 * @module
 */
import { type DivisionInfo, divisionExistsAt, lookupDivision } from "../divisions/lookup.js";
import { GovexSchemasError, requireString } from "../errors.js";
import { type CheckResult, issue, result } from "../issues.js";
import { MAX_SCANNED_LENGTH, normalizeIdentifier } from "./normalize.js";

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
  /** Accept legacy 15-digit numbers (two-digit year read as 19xx, no check character). Default false. */
  allowLegacy15?: boolean;
  /**
   * Also require the address code to have been in force in some year Y with
   * max(birth year, 1984) ≤ Y ≤ this year — that is, at a time when this number could have been
   * issued (numbers were first issued in 1984 [I], never before the holder's birth). Precisely:
   * the code's last meaning was abolished no earlier than max(birth year, 1984) (`to` ≥ that
   * year, `to` being the year of abolition) or is still in force.
   *
   * By default a code that ever existed in GB/T 2260 is enough: the address code is the one in
   * force at issuance, not at birth (GB 11643-1999 §5.1; the appendix example 440524188001010014
   * has a birth year of 1880 and a code of 1983–1993), and real numbers keep codes abolished
   * later, Chongqing 50xxxx codes from before 1997, 市辖区 codes and GB-only codes
   * (data-src/README.md "Caveats"). Turn this on only for data known to follow the rule.
   */
  strictDivisionYear?: boolean;
  /**
   * "Today" for the not-in-the-future check; defaults to now. Its calendar date is taken in
   * China Standard Time (UTC+8), the time zone of the birth dates in the numbers.
   */
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

function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

const CST_OFFSET_MS = 8 * 3600_000;

/** @internal The calendar date of an instant in China Standard Time (UTC+8), as YYYYMMDD. */
export function chinaDateNumber(ms: number): number {
  const t = new Date(ms + CST_OFFSET_MS);
  return t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
}

// The latest "today" seen. Today only moves forward, so a birth date up to it is never in the
// future and the clock is read only for a birth date after it (born today, or a bad number):
// the format's hot path neither reads the clock nor allocates, and is never stale.
let todayCache = 0;

function notInFuture(birth: number): boolean {
  if (birth <= todayCache) return true;
  todayCache = chinaDateNumber(Date.now());
  return birth <= todayCache;
}

function requireToday(today: unknown): number | undefined {
  if (today === undefined) return undefined;
  if (today instanceof Date && !Number.isNaN(today.getTime()))
    return chinaDateNumber(today.getTime());
  throw new GovexSchemasError("invalid_option", "today must be a valid Date");
}

// [I] Resident identity cards, and with them these numbers, were first issued in 1984.
const FIRST_ISSUE_YEAR = 1984;

/**
 * Fast boolean check of an 18-digit resident ID with the default options (the `cn-resident-id`
 * format). Allocation-free on valid input; use {@link checkResidentId} to learn why a value fails.
 */
export function isResidentId(value: string): boolean {
  if (typeof value !== "string" || value.length !== 18 || !isDigits(value, 0, 17)) return false;
  const last = value[17];
  if (last !== residentIdCheckCharacter(value)) return false;
  // Characters 7–14 are digits (checked above): read the birth date in place.
  const y = digitsValue(value, 6, 10);
  const m = digitsValue(value, 10, 12);
  const d = digitsValue(value, 12, 14);
  if (!isRealDate(y, m, d) || !notInFuture(y * 10000 + m * 100 + d)) return false;
  return divisionExistsAt(value, 0);
}

/**
 * Checks a 公民身份号码 (GB 11643-1999) and returns what it encodes.
 *
 * Surrounding whitespace, full-width digits and a lowercase check character x are normalized
 * with a warning (`surrounding_whitespace`, `full_width_characters`, `lowercase_letters`): the
 * number is still valid and `value` is its canonical form, but the `cn-resident-id` format, the
 * exchange form, accepts only the canonical form (GB 11643-1999 §6.2 writes the check
 * character as the Roman numeral X).
 *
 * @throws {GovexSchemasError} `invalid_argument` when `input` is not a string;
 *   `invalid_option` when `opts.today` is not a valid Date.
 * @example
 * const r = checkResidentId("11010519491231002X");
 * r.valid;            // true
 * r.info?.birthDate;  // "1949-12-31"
 * r.info?.sex;        // "2"
 * checkResidentId("110105194912310021").issues[0];
 * // { code: "invalid_check_character", severity: "error", params: { expected: "X", actual: "1", position: 18 } }
 */
export function checkResidentId(
  input: string,
  opts: ResidentIdOptions = {},
): CheckResult<ResidentIdInfo> {
  requireString(input, "checkResidentId: input");
  const todayOption = requireToday(opts.today);
  if (input.length > MAX_SCANNED_LENGTH) {
    return result(input.slice(0, 32), [
      issue("invalid_length", { expected: 18, actual: input.length }),
    ]);
  }
  const { value, warnings: issues } = normalizeIdentifier(input, true);
  const legacy = value.length === 15;
  if (legacy && !opts.allowLegacy15) {
    issues.push(issue("legacy_id_not_allowed", { length: 15 }));
    return result(value, issues);
  }
  if (value.length !== 18 && !legacy) {
    issues.push(issue("invalid_length", { expected: 18, actual: value.length }));
    return result(value, issues);
  }
  // §4: 17 (legacy: 15) digits, then a check character that is a digit or X.
  const bodyLength = legacy ? 15 : 17;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (i >= bodyLength && c === 88);
    if (!ok) {
      issues.push(issue("invalid_character", { position: i + 1, character: value[i] as string }));
      return result(value, issues);
    }
  }
  const divisionCode = value.slice(0, 6);
  // §5.2 birth date YYYYMMDD (legacy: YYMMDD in the 20th century); §5.3 sequence code.
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
  const y = digitsValue(birth, 0, 4);
  const m = digitsValue(birth, 4, 6);
  const d = digitsValue(birth, 6, 8);
  const birthOk = isRealDate(y, m, d);
  if (!birthOk) {
    issues.push(issue("invalid_birth_date", { value: birth }));
  } else if (y * 10000 + m * 100 + d > (todayOption ?? chinaDateNumber(Date.now()))) {
    issues.push(issue("birth_date_in_future", { value: isoDate(y, m, d) }));
  }
  const division = lookupDivision(divisionCode);
  if (!division) {
    issues.push(issue("unknown_division_code", { code: divisionCode }));
  } else if (opts.strictDivisionYear && birthOk) {
    const earliest = Math.max(y, FIRST_ISSUE_YEAR);
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
    // §5.3: odd sequence = male, even = female; GB/T 2261.1 codes 1 and 2.
    sex: (sequence.charCodeAt(2) - 48) % 2 === 1 ? "1" : "2",
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
  const value = requireString(id15, "residentId15To18: id15").trim();
  if (value.length !== 15 || !isDigits(value, 0, 15)) {
    throw new GovexSchemasError(
      "invalid_argument",
      `residentId15To18: expected 15 digits, got ${JSON.stringify(value.slice(0, 32))}`,
    );
  }
  const first17 = `${value.slice(0, 6)}19${value.slice(6)}`;
  return first17 + residentIdCheckCharacter(first17);
}
