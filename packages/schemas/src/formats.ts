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

// RFC 3339 §5.6: full-date "T" full-time; "t"/"z" allowed (§5.6 NOTE); the space form is not.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
// A pragmatic RFC 5321 subset: dot-atom local part, LDH domain labels, a final label of letters.
const EMAIL =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// RFC 3986 §3 absolute URI: scheme ":" hier-part, no whitespace or control characters.
const URI_START = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const URI_EXCLUDED = '"<>\\^`{|}';

function isUri(value: string): boolean {
  if (!URI_START.test(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || URI_EXCLUDED.includes(value[i] as string)) return false;
  }
  return true;
}

function num(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

// RFC 3339 §5.6 full-date, parsed in place (this is on the hot path of every dated record).
function isDate(value: string): boolean {
  if (value.length !== 10 || value[4] !== "-" || value[7] !== "-") return false;
  const y = num(value, 0, 4);
  const m = num(value, 5, 7);
  const d = num(value, 8, 10);
  return y >= 0 && m >= 0 && d >= 0 && isRealDate(y, m, d);
}

function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || min > 59 || s > 60) return false;
  // RFC 3339 §5.7: a leap second is only ever 23:59:60 UTC; check it in UTC.
  if (s === 60) {
    const offset = m[7] ? (m[7] === "+" ? 1 : -1) * (Number(m[8]) * 60 + Number(m[9])) : 0;
    const utcMinutes = (((h * 60 + min - offset) % 1440) + 1440) % 1440;
    if (utcMinutes !== 23 * 60 + 59) return false;
  }
  return !m[7] || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}

function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value) && value.indexOf("@") <= 64;
}

function one(ok: boolean, code: string, value: string): CheckIssue[] {
  return ok ? [] : [issue(code, { value: value.slice(0, 64) })];
}

function define(
  name: GovexFormatName,
  standard: string,
  validate: (value: string) => boolean,
  explain: (value: string) => CheckIssue[],
): GovexFormat {
  return Object.freeze({ name, standard, validate, explain });
}

/** Every govex format by name. */
export const govexFormats: Readonly<Record<GovexFormatName, GovexFormat>> = Object.freeze({
  "cn-resident-id": define(
    "cn-resident-id",
    "GB 11643-1999",
    isResidentId,
    (v) => checkResidentId(v).issues,
  ),
  "cn-uscc": define("cn-uscc", "GB 32100-2015", isUscc, (v) => checkUscc(v).issues),
  "cn-org-code": define(
    "cn-org-code",
    "GB 11714-1997",
    (v) => v.length === 9 && isOrgCode(v),
    (v) =>
      v.includes("-")
        ? [issue("invalid_character", { position: v.indexOf("-") + 1, character: "-" })]
        : checkOrgCode(v).issues,
  ),
  "cn-admin-division": define(
    "cn-admin-division",
    "GB/T 2260",
    (v) => v.length === 6 && divisionExists(v),
    (v) => checkDivision(v).issues,
  ),
  "cn-mobile": define(
    "cn-mobile",
    "MIIT numbering plan (mobile segments 13x–19x)",
    isMobile,
    (v) => checkMobile(v).issues,
  ),
  date: define("date", "RFC 3339 §5.6 full-date", isDate, (v) => one(isDate(v), "invalid_date", v)),
  "date-time": define("date-time", "RFC 3339 §5.6 date-time", isDateTime, (v) =>
    one(isDateTime(v), "invalid_date_time", v),
  ),
  email: define("email", "RFC 5321 §4.1.2 (dot-atom subset)", isEmail, (v) =>
    one(isEmail(v), "invalid_email", v),
  ),
  uri: define("uri", "RFC 3986 §4.3 absolute-URI", isUri, (v) => one(isUri(v), "invalid_uri", v)),
});
