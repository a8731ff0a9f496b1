/**
 * XLSX cells (ECMA-376 Part 1 §18.3.1.4 `c`) as plain values: text, numbers, booleans and dates
 * as a department's export means them. Rich text and hyperlinks give their text; a formula gives
 * its cached result; error values (#DIV/0!, #N/A …) and formulas without a result are problems,
 * not values.
 */

/** A cell's value: a date-formatted number is a Date whose UTC fields are the wall-clock time written in the sheet. */
export type XlsxValue = string | number | boolean | Date;

export type XlsxCell =
  | { kind: "empty" }
  | { kind: "value"; value: XlsxValue }
  /** An error value (`#DIV/0!`); `error` is "" for a formula whose cached result is an error of unknown kind. */
  | { kind: "error"; error: string }
  /** A formula whose result was never computed (written by a program, never opened in Excel/WPS). */
  | { kind: "not_computed" };

const EMPTY: XlsxCell = { kind: "empty" };
/** exceljs ValueType.Formula. */
const FORMULA = 6;

/** The subset of an exceljs cell read here (its streaming reader's cells). */
export interface CellLike {
  readonly type: number;
  readonly value: unknown;
  readonly result?: unknown;
  readonly numFmt?: string | undefined;
}

/** One cell as an {@link XlsxCell}; `date1904` is the workbook's date system (ECMA-376 §18.17.4.1). */
export function readCell(cell: CellLike, date1904: boolean): XlsxCell {
  if (cell.type === FORMULA) return formulaResult(cell.result, cell.numFmt, date1904);
  return plain(cell.value, cell.numFmt, date1904);
}

function plain(value: unknown, numFmt: string | undefined, date1904: boolean): XlsxCell {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === "string") return value === "" ? EMPTY : { kind: "value", value };
  if (typeof value === "number") return number(value, numFmt, date1904);
  if (typeof value === "boolean") return { kind: "value", value };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { kind: "error", error: "#DATE!" }
      : { kind: "value", value };
  }
  if (typeof value !== "object") return { kind: "value", value: String(value) };
  const v = value as Record<string, unknown>;
  if (typeof v.error === "string") return { kind: "error", error: v.error };
  if (Array.isArray(v.richText)) {
    const text = v.richText.map((run) => String((run as { text?: unknown })?.text ?? "")).join("");
    return text === "" ? EMPTY : { kind: "value", value: text };
  }
  // A shared formula's dependent cells (`<f t="shared" si="0"/>`) carry an empty formula text.
  if (Object.hasOwn(v, "formula") || Object.hasOwn(v, "sharedFormula"))
    return formulaResult(v.result, numFmt, date1904);
  if (Object.hasOwn(v, "text")) return plain(v.text, numFmt, date1904);
  return { kind: "error", error: "#UNSUPPORTED" };
}

function formulaResult(result: unknown, numFmt: string | undefined, date1904: boolean): XlsxCell {
  if (result === undefined || result === null) return { kind: "not_computed" };
  // exceljs's streaming reader parses an error result (t="e") as a number: NaN.
  if (typeof result === "number" && Number.isNaN(result)) return { kind: "error", error: "" };
  return plain(result, numFmt, date1904);
}

function number(n: number, numFmt: string | undefined, date1904: boolean): XlsxCell {
  if (!Number.isFinite(n)) return { kind: "error", error: "#NUM!" };
  if (isDateFormat(numFmt)) {
    const d = serialToDate(n, date1904);
    return Number.isNaN(d.getTime())
      ? { kind: "error", error: "#DATE!" }
      : { kind: "value", value: d };
  }
  return { kind: "value", value: n };
}

/** A number format that shows a date or time (quoted text and [bracketed] parts aside), as Excel decides. */
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  const bare = fmt.replace(/\[[^\]]*]/g, "").replace(/"[^"]*"/g, "");
  return /[ymdhsb]/i.test(bare.replace(/General/gi, ""));
}

/**
 * A serial date as a Date with the serial's wall-clock time in its UTC fields: days since
 * 1899-12-30 (the 1900 system, whose fictitious 1900-02-29 only shifts serials before March 1900)
 * or since 1904-01-01 (ECMA-376 Part 1 §18.17.4.1).
 */
export function serialToDate(serial: number, date1904: boolean): Date {
  const days = serial - 25569 + (date1904 ? 1462 : 0);
  return new Date(Math.round(days * 86400) * 1000);
}

/** A number as Excel shows it in the General format: 15 significant digits, without floating-point noise. */
export function excelNumber(n: number): number {
  const rounded = Number(n.toPrecision(15));
  return Object.is(rounded, -0) ? 0 : rounded;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `YYYY-MM-DD` of a cell date (RFC 3339 full-date). */
export function dateText(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `HH:mm:ss` of a cell date (RFC 3339 partial-time). */
export function timeText(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** True when the date has no time of day. */
export function isMidnight(d: Date): boolean {
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0;
}

/** Column number (1-based) → letters: 1 → A, 28 → AB (ECMA-376 Part 1 §18.18.62 ST_Ref). */
export function columnLetters(column: number): string {
  let out = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    out = String.fromCharCode(65 + ((n - 1) % 26)) + out;
  return out;
}
