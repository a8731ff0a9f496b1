/**
 * The formats of specs/data, one implementation each, shared by the precompiled ajv
 * validators (@govex/validator) and the generated zod schemas, so the two cannot disagree.
 * `validate` is the hot path (allocation-free on valid input); `explain` says why a value fails.
 * @module
 */
import { checkDivision, divisionExists } from "./divisions/lookup.js";
import { checkMobile, isMobile } from "./identifiers/mobile.js";
import { checkOrgCode, isOrgCode } from "./identifiers/org-code.js";
import { checkResidentId, isRealDate, isResidentId } from "./identifiers/resident-id.js";
import { checkUscc, isUscc } from "./identifiers/uscc.js";
import { type CheckIssue, issue } from "./issues.js";

export type GovexFormatName =
  | "cn-resident-id"
  | "cn-uscc"
  | "cn-org-code"
  | "cn-admin-division"
  | "cn-mobile"
  | "date"
  | "date-time"
  | "email"
  | "uri";

export interface GovexFormat {
  name: GovexFormatName;
  /** The standard and clause the format encodes. */
  standard: string;
  validate(value: string): boolean;
  explain(value: string): CheckIssue[];
}

// RFC 5321 §4.1.2 Mailbox, a pragmatic subset: a dot-atom local part (no quoted strings, no
// comments) of at most 64 octets (§4.5.3.1.1), "@", a domain of LDH labels (RFC 5321 §4.1.2
// Domain; no address literals) whose last label is letters or an IDNA A-label ("xn--…"), and at
// most 254 characters in all. Internationalized addresses (RFC 6531) are not accepted.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})$/;

function isEmail(value: string): boolean {
  if (typeof value !== "string" || value.length > 254) return false;
  const at = value.indexOf("@");
  return at > 0 && at <= 64 && EMAIL.test(value);
}

// RFC 3986 §3 absolute URI, pragmatically: scheme ":" then any URI characters (§2: unreserved,
// reserved and "%" HEX HEX). Characters outside that set — spaces, controls, "<>\"{}|\\^`" and
// every non-ASCII character (an IRI must be percent-encoded first, RFC 3987 §3.1) — fail, as does
// a "%" not followed by two hex digits. The hier-part's finer grammar is not checked.
const URI_CHARS = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%") {
  URI_CHARS[c.charCodeAt(0)] = 1;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isUri(value: string): boolean {
  if (typeof value !== "string") return false;
  // §3.1 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  const first = value.charCodeAt(0) | 32;
  if (!(first >= 97 && first <= 122)) return false;
  let i = 1;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const lower = c | 32;
    if ((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      continue;
    }
    break;
  }
  if (value.charCodeAt(i) !== 58) return false;
  for (i++; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || URI_CHARS[c] !== 1) return false;
    if (c === 37 && !(isHex(value.charCodeAt(i + 1)) && isHex(value.charCodeAt(i + 2)))) {
      return false;
    }
  }
  return true;
}

/** The number written by the decimal digits value[from..to), or -1 if one is not a digit. */
function num(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** RFC 3339 §5.6 full-date at the start of `value` (real calendar, leap years included). */
function isFullDate(value: string): boolean {
  if (value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false;
  const y = num(value, 0, 4);
  const m = num(value, 5, 7);
  const d = num(value, 8, 10);
  return y >= 0 && m >= 0 && d >= 0 && isRealDate(y, m, d);
}

// RFC 3339 §5.6 full-date, parsed in place (this is on the hot path of every dated record).
function isDate(value: string): boolean {
  return typeof value === "string" && value.length === 10 && isFullDate(value);
}

/**
 * RFC 3339 §5.6 date-time = full-date "T" full-time, time-offset "Z" or ±hh:mm (required);
 * "t" and "z" are accepted as §5.6's NOTE allows, the space separator of the NOTE is not;
 * time-secfrac is any number of digits. A leap second (second 60) is accepted only at 23:59:60
 * UTC once the offset is applied (§5.7), on any date, as ajv-formats does: which days had
 * one is IERS history, not syntax. Parsed in place, without a regular expression.
 */
function isDateTime(value: string): boolean {
  if (typeof value !== "string" || value.length < 20 || !isFullDate(value)) return false;
  const t = value.charCodeAt(10) | 32;
  if (t !== 116 || value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58) return false;
  const h = num(value, 11, 13);
  const min = num(value, 14, 16);
  const s = num(value, 17, 19);
  if (h < 0 || h > 23 || min < 0 || min > 59 || s < 0 || s > 60) return false;
  let i = 19;
  if (value.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < value.length && num(value, i, i + 1) >= 0) i++;
    if (i === start) return false;
  }
  let offset = 0;
  const sign = value.charCodeAt(i);
  if ((sign | 32) === 122) {
    if (i + 1 !== value.length) return false;
  } else if (sign === 43 || sign === 45) {
    if (i + 6 !== value.length || value.charCodeAt(i + 3) !== 58) return false;
    const oh = num(value, i + 1, i + 3);
    const om = num(value, i + 4, i + 6);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return false;
    offset = (sign === 43 ? 1 : -1) * (oh * 60 + om);
  } else {
    return false;
  }
  if (s === 60) {
    const utcMinutes = (((h * 60 + min - offset) % 1440) + 1440) % 1440;
    if (utcMinutes !== 23 * 60 + 59) return false;
  }
  return true;
}

function one(ok: boolean, code: string, value: string): CheckIssue[] {
  return ok ? [] : [issue(code, { value: value.slice(0, 64) })];
}

/**
 * A format whose `explain` is the identifier check's issues. The check accepts more than the
 * format: it normalizes how a value is written (whitespace, full-width characters, case, prefixes,
 * separators) with a warning. The format is the exchange form and takes none of that, so when it
 * rejects a value every such warning is a reason, and `explain` returns it as an error.
 * `explain(v)` has an error exactly when `validate(v)` is false.
 */
function fromCheck(
  name: GovexFormatName,
  standard: string,
  validate: (value: string) => boolean,
  check: (value: string) => CheckIssue[],
): GovexFormat {
  const explain = (value: string): CheckIssue[] => {
    if (typeof value !== "string") return [issue("invalid_type", { expected: "string" })];
    if (validate(value)) return [];
    const issues = check(value);
    if (issues.length === 0) return [issue("invalid_format", { format: name })];
    return issues.map((i) => (i.severity === "error" ? i : { ...i, severity: "error" as const }));
  };
  return Object.freeze({ name, standard, validate, explain });
}

function define(
  name: GovexFormatName,
  standard: string,
  validate: (value: string) => boolean,
  code: string,
): GovexFormat {
  const explain = (value: string): CheckIssue[] =>
    typeof value !== "string"
      ? [issue("invalid_type", { expected: "string" })]
      : one(validate(value), code, value);
  return Object.freeze({ name, standard, validate, explain });
}

/** Every govex format by name. */
export const govexFormats: Readonly<Record<GovexFormatName, GovexFormat>> = Object.freeze({
  "cn-resident-id": fromCheck(
    "cn-resident-id",
    "GB 11643-1999 §4–§6 (MOD 11-2 check character; address code that ever existed in GB/T 2260)",
    isResidentId,
    (v) => checkResidentId(v).issues,
  ),
  "cn-uscc": fromCheck(
    "cn-uscc",
    "GB 32100-2015 §4 and Annex B (MOD 31 check character)",
    isUscc,
    (v) => checkUscc(v).issues,
  ),
  "cn-org-code": fromCheck(
    "cn-org-code",
    "GB 11714-1997 §4–§5 (9 characters, exchanged without the hyphen)",
    (v) => typeof v === "string" && v.length === 9 && isOrgCode(v),
    (v) => {
      const r = checkOrgCode(v);
      // The written form "XXXXXXXX-X" is valid for the check but not the exchange form.
      return r.valid && v.includes("-")
        ? [...r.issues, issue("org_code_hyphen", { value: r.value }, "warning")]
        : r.issues;
    },
  ),
  "cn-admin-division": fromCheck(
    "cn-admin-division",
    "GB/T 2260 (codes that ever existed, 1980 onwards)",
    (v) => typeof v === "string" && v.length === 6 && divisionExists(v),
    (v) => checkDivision(v).issues,
  ),
  "cn-mobile": fromCheck(
    "cn-mobile",
    "MIIT telecommunications numbering plan, mobile segments 13x–19x [I]",
    isMobile,
    (v) => checkMobile(v).issues,
  ),
  date: define("date", "RFC 3339 §5.6 full-date", isDate, "invalid_date"),
  "date-time": define("date-time", "RFC 3339 §5.6 date-time", isDateTime, "invalid_date_time"),
  email: define("email", "RFC 5321 §4.1.2 Mailbox (dot-atom subset)", isEmail, "invalid_email"),
  uri: define("uri", "RFC 3986 §4.3 absolute-URI", isUri, "invalid_uri"),
});
