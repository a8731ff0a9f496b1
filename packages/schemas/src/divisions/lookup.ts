/**
 * GB/T 2260 行政区划代码 lookups over the table shipped in this package (1980–2025, with
 * history). The authority is the Ministry of Civil Affairs' year-end list; see
 * data-src/README.md for provenance and the caveats (2025 is provisional).
 * @module
 */
import { GovexSchemasError, requireString } from "../errors.js";
import { normalizeIdentifier } from "../identifiers/normalize.js";
import { type CheckResult, issue, result } from "../issues.js";
import { DIVISION_TABLE } from "./table.generated.js";

/** One historical meaning of a code: the name it had from `from` to `to` (null = still). */
export interface DivisionMeaning {
  name: string;
  from: number;
  to: number | null;
}

/** What the table knows about a division code. */
export interface DivisionInfo {
  code: string;
  /** The name in force in the year asked for (or the latest name). */
  name: string;
  /** GB/T 2260 §4: xx0000 province, xxxx00 prefecture, else county level. */
  level: "province" | "prefecture" | "county";
  /** First year-end list the code appears in. */
  from: number;
  /** Year the code was abolished (in force for part of that year), or null when still in force. */
  to: number | null;
  /** In force in the year asked for (any part of it), or in the latest list when no year is given. */
  inForce: boolean;
  /** Name of the province (first two digits + 0000), when known. */
  province: string | null;
  /** Name of the prefecture (first four digits + 00) for county-level codes, when known. */
  prefecture: string | null;
  /** Earlier meanings or gaps, oldest first; empty when the code only ever had one. */
  history: DivisionMeaning[];
  /** Other spellings seen in sources (e.g. 荷泽市 for 菏泽市). */
  alternateNames: string[];
  /** Provenance: "mca" curated lists, "mca-raw", "gb" (GB/T 2260 editions only) or "summary" (市辖区 …). */
  source: "mca" | "mca-raw" | "gb" | "summary";
}

interface Row {
  name: string;
  from: number;
  to: number | null;
  flag: string;
  history: DivisionMeaning[];
  alternates: string[];
}

const SOURCES: Record<string, DivisionInfo["source"]> = {
  "": "mca",
  m: "mca-raw",
  g: "gb",
  s: "summary",
};

let table: Map<string, Row> | undefined;

function year(text: string | undefined): number | null {
  return text ? Number(text) : null;
}

// Parsed on first use: importing the package must stay cheap (CLI start-up).
function rows(): Map<string, Row> {
  if (table) return table;
  table = new Map();
  for (const line of DIVISION_TABLE.split("\n")) {
    const [code = "", name = "", from = "", to, flag = "", hist = "", alt = ""] = line.split("|");
    table.set(code, {
      name,
      from: Number(from),
      to: year(to),
      flag,
      history: hist
        ? hist.split(";").map((h) => {
            const [n = "", f, t] = h.split(",");
            return { name: n, from: Number(f), to: year(t) };
          })
        : [],
      alternates: alt ? alt.split(",") : [],
    });
  }
  return table;
}

// `from` is the first year-end list with the code, `to` the year it was abolished (the last list
// + 1), so a code is in force for at least part of every year from..to, both included.
function inForceIn(from: number, to: number | null, y: number): boolean {
  return from <= y && (to === null || y <= to);
}

/** The name in force in year `y`: in a year of renaming, the newer name (the year-end list's). */
function nameIn(row: Row, y: number | undefined): { name: string; inForce: boolean } {
  if (y === undefined) return { name: row.name, inForce: row.to === null };
  if (row.history.length === 0) return { name: row.name, inForce: inForceIn(row.from, row.to, y) };
  for (let i = row.history.length - 1; i >= 0; i--) {
    const h = row.history[i] as DivisionMeaning;
    if (inForceIn(h.from, h.to, y)) return { name: h.name, inForce: true };
  }
  return { name: row.name, inForce: false };
}

/** The names a code is known by: its name, earlier names and other spellings. */
export interface DivisionNames {
  readonly names: ReadonlySet<string>;
  /** First name, for messages. */
  readonly name: string;
  /** A summary code (市辖区, 县, 省直辖县级行政区划 …), not a real prefecture. */
  readonly summary: boolean;
}

/** What a county- or prefecture-level code's address must say: province, prefecture and own names. */
export interface DivisionPlace {
  readonly province: DivisionNames | null;
  readonly prefecture: DivisionNames | null;
  readonly self: DivisionNames | null;
}

const places = new Map<string, DivisionPlace>();

function names(code: string): DivisionNames | null {
  const row = rows().get(code);
  if (!row) return null;
  const all = new Set([row.name, ...row.alternates, ...row.history.map((h) => h.name)]);
  return { names: all, name: row.name, summary: row.flag === "s" };
}

/**
 * @internal The names an address with this division code may give, cached per code (there are a
 * few thousand codes): the hot path of the address-division rule allocates nothing.
 */
export function divisionPlace(code: string): DivisionPlace {
  let place = places.get(code);
  if (place === undefined) {
    place = {
      province: names(`${code.slice(0, 2)}0000`),
      prefecture: code.endsWith("0000") ? null : names(`${code.slice(0, 4)}00`),
      self: names(code),
    };
    if (divisionExists(code)) places.set(code, place);
  }
  return place;
}

/**
 * True when the six-digit code ever existed in GB/T 2260 (1980 onwards). Hot path: no allocation.
 *
 * @example
 * divisionExists("440524"); // true: 潮阳县, abolished 1993
 * divisionExists("130171"); // false: an NBS statistical code
 */
export function divisionExists(code: string): boolean {
  return typeof code === "string" && code.length === 6 && divisionExistsAt(code, 0);
}

/**
 * @internal Like {@link divisionExists} for the six characters of `text` from `offset`: how
 * identifiers test their embedded code without slicing it out.
 */
export function divisionExistsAt(text: string, offset: number): boolean {
  if (text.length < offset + 6) return false;
  let n = 0;
  for (let i = offset; i < offset + 6; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    n = n * 10 + c;
  }
  const bits = existing ?? buildExisting();
  return ((bits[n >>> 3] as number) & (1 << (n & 7))) !== 0;
}

// One bit per six-digit number (125 KB): the format check of every identifier in a record
// tests a bit instead of hashing a freshly sliced string.
let existing: Uint8Array | undefined;

function buildExisting(): Uint8Array {
  const bits = new Uint8Array(1_000_000 / 8);
  for (const code of rows().keys()) {
    const n = Number(code);
    bits[n >>> 3] = (bits[n >>> 3] as number) | (1 << (n & 7));
  }
  existing = bits;
  return bits;
}

/**
 * Looks a GB/T 2260 code up, optionally as of a year: the name in force that year (in a year of
 * renaming, the new one), whether the code was in force for part of it, and the province and
 * prefecture names of the code's prefixes as of that year. Codes that never were in GB/T 2260
 * (NBS statistical codes, 830000, anything not six digits) give null.
 *
 * @throws {GovexSchemasError} `invalid_argument` for a non-string code; `invalid_option` for a
 *   year that is not an integer.
 * @example
 * lookupDivision("110101")?.name            // "东城区"
 * lookupDivision("110103", { year: 2005 })  // 崇文区, inForce: true (abolished 2010)
 * lookupDivision("130171")                  // null: an NBS statistical code, not GB/T 2260
 */
export function lookupDivision(code: string, opts: { year?: number } = {}): DivisionInfo | null {
  requireString(code, "lookupDivision: code");
  const y = requireYear(opts.year);
  if (code.length !== 6) return null;
  const row = rows().get(code);
  if (!row) return null;
  const { name, inForce } = nameIn(row, y);
  const level = code.endsWith("0000") ? "province" : code.endsWith("00") ? "prefecture" : "county";
  const provinceRow = level === "province" ? row : rows().get(`${code.slice(0, 2)}0000`);
  const prefectureRow = level === "county" ? rows().get(`${code.slice(0, 4)}00`) : undefined;
  return {
    code,
    name,
    level,
    from: row.from,
    to: row.to,
    inForce,
    province: provinceRow ? nameIn(provinceRow, y).name : null,
    prefecture: prefectureRow ? nameIn(prefectureRow, y).name : null,
    history: row.history,
    alternateNames: row.alternates,
    source: SOURCES[row.flag] ?? "mca",
  };
}

function requireYear(year: unknown): number | undefined {
  if (year === undefined || Number.isSafeInteger(year)) return year as number | undefined;
  throw new GovexSchemasError("invalid_option", `year must be an integer, got ${String(year)}`);
}

/**
 * Checks a GB/T 2260 code: six digits that exist in the table (historical codes included); with
 * `year`, in force for at least part of that year. Surrounding whitespace and full-width digits
 * are normalized with a warning.
 *
 * @example
 * checkDivision("110101").valid                            // true
 * checkDivision("110103", { year: 2015 }).issues[0]?.code  // "division_not_in_force"
 * checkDivision("130171").issues[0]?.code                  // "unknown_division_code"
 */
export function checkDivision(
  code: string,
  opts: { year?: number } = {},
): CheckResult<DivisionInfo> {
  requireString(code, "checkDivision: code");
  const year = requireYear(opts.year);
  if (code.length > 64) {
    return result(code.slice(0, 32), [
      issue("invalid_length", { expected: 6, actual: code.length }),
    ]);
  }
  const { value, warnings: issues } = normalizeIdentifier(code, false);
  if (value.length !== 6) {
    issues.push(issue("invalid_length", { expected: 6, actual: value.length }));
    return result(value, issues);
  }
  for (let i = 0; i < 6; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) {
      issues.push(issue("invalid_character", { position: i + 1, character: value[i] as string }));
      return result(value, issues);
    }
  }
  const info = lookupDivision(value, { ...(year === undefined ? {} : { year }) });
  if (!info) {
    issues.push(issue("unknown_division_code", { code: value }));
    return result(value, issues);
  }
  if (year !== undefined && !info.inForce) {
    // Not in force: before the code's first list, after its abolition, or in a gap between two
    // meanings. `to` is left out while the code is in force today (a message says "from … on").
    issues.push(
      issue("division_not_in_force", {
        code: value,
        year,
        from: info.from,
        ...(info.to === null ? {} : { to: info.to }),
      }),
    );
  }
  return result(value, issues, info);
}

export {
  DIVISION_TABLE_LATEST_YEAR,
  DIVISION_TABLE_SIZE,
  DIVISION_TABLE_SOURCES,
} from "./table.generated.js";
