import type { SchemaNode } from "../schema-walk.js";
import { escapePointer } from "../schema-walk.js";
import type { StreamOptions, ValidationIssue, Validator } from "../types.js";
import { type Column, coerce, resolveHeader, setPath } from "./csv.js";
import { readXlsxRows } from "./read-xlsx.js";
import { RecordChecker, type RecordSink } from "./record-checker.js";
import { dateText, excelNumber, isMidnight, timeText, type XlsxValue } from "./xlsx-cells.js";

/** Numbers from 10^15 up have more digits than Excel keeps (15 significant digits). */
const PRECISION_LIMIT = 1e15;

interface SheetColumn extends Column {
  pointer: string;
}

/**
 * Validate the rows of an XLSX workbook: each sheet's header names schema properties (by name or
 * title, dots nest, as in CSV); cells are typed by the schema. Issues carry the sheet and, for a
 * property, the cell's A1 address; `line` is the row number Excel shows.
 */
export async function validateXlsx(
  input: string | AsyncIterable<Uint8Array>,
  validator: Validator,
  opts: StreamOptions,
  sink: RecordSink,
): Promise<{ sheets: string[] }> {
  const sheets: string[] = [];
  for await (const r of xlsxResults(input, validator, opts, sheets))
    sink(r.record, r.line, r.issues);
  return { sheets };
}

/** The records of a workbook as they are validated, and its file-level issues (`record` 0). */
export async function* xlsxResults(
  input: string | AsyncIterable<Uint8Array>,
  validator: Validator,
  opts: StreamOptions,
  sheetsRead: string[] = [],
): AsyncGenerator<{ record: number; line: number | undefined; issues: ValidationIssue[] }> {
  const out: { record: number; line: number | undefined; issues: ValidationIssue[] }[] = [];
  const sink: RecordSink = (record, line, issues) => {
    out.push({ record, line, issues });
  };
  const checker = new RecordChecker(validator, opts);
  const offset = normalOffset(opts.utcOffset);
  const reader = readXlsxRows(input, {
    ...(opts.sheet === undefined ? {} : { sheet: opts.sheet }),
    lang: opts.lang ?? "zh-CN",
    ...(opts.maxRecordBytes === undefined ? {} : { maxRecordBytes: opts.maxRecordBytes }),
    ...(opts.maxUnzippedBytes === undefined ? {} : { maxUnzippedBytes: opts.maxUnzippedBytes }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
  });
  let columns: (SheetColumn | null)[] = [];
  for await (const entry of reader) {
    if (out.length > 0) yield* out.splice(0);
    if (entry.issue !== undefined) {
      sink(entry.record, entry.issue.line, [entry.issue]);
      continue;
    }
    const { sheet, line } = entry;
    if (entry.header !== undefined) {
      columns = mapHeader(entry.header, sheet, line, checker, sink);
      continue;
    }
    const record = entry.record;
    const obj: Record<string, unknown> = {};
    const extra: ValidationIssue[] = [];
    const unusable = new Set<string>();
    const addresses = new Map<string, string>();
    for (const { column, address, cell } of entry.cells) {
      const col = columns[column - 1];
      if (!col) continue;
      addresses.set(col.pointer, address);
      if (cell.kind !== "value") {
        unusable.add(col.pointer);
        const [code, params] =
          cell.kind === "error"
            ? ["xlsx_cell_error", { error: cell.error, cell: address }]
            : ["xlsx_formula_not_computed", { cell: address }];
        extra.push(...checker.input(code, params, record, line, "error", col.pointer));
        continue;
      }
      const value = schemaValue(cell.value, col.node, checker.maxDepth, offset);
      if (
        typeof cell.value === "number" &&
        typeof value === "string" &&
        Number.isInteger(cell.value) &&
        Math.abs(cell.value) >= PRECISION_LIMIT
      ) {
        const params = { cell: address, shown: value };
        extra.push(
          ...checker.input("xlsx_number_precision", params, record, line, "warning", col.pointer),
        );
      }
      setPath(obj, col.path, value);
    }
    const found = checker.value(obj, record, line);
    const issues: ValidationIssue[] = [];
    for (const i of extra) issues.push(place(i, sheet, addresses));
    for (const i of found) {
      // A cell whose value is an error is reported once, not again as a missing property.
      if (i.code === "required" && unusable.has(i.path)) continue;
      issues.push(place(i, sheet, addresses));
    }
    sink(record, line, issues);
  }
  yield* out.splice(0);
  sheetsRead.push(...reader.sheets);
}

/** The issue with its sheet and, when it is about a column's property, the cell's address. */
function place(
  issue: ValidationIssue,
  sheet: string,
  addresses: ReadonlyMap<string, string>,
): ValidationIssue {
  const out: ValidationIssue = { ...issue, sheet };
  for (let p = issue.path; p !== ""; p = p.slice(0, p.lastIndexOf("/"))) {
    const address = addresses.get(p);
    if (address !== undefined) {
      out.cell = address;
      break;
    }
  }
  return out;
}

/** Header names → schema columns; unknown and duplicate (after resolving titles) columns are issues. */
function mapHeader(
  header: readonly string[],
  sheet: string,
  line: number,
  checker: RecordChecker,
  sink: RecordSink,
): (SheetColumn | null)[] {
  const seen = new Set<string>();
  const issue = (code: string, params: Record<string, unknown>, severity: "error" | "warning") => {
    const [i] = checker.input(code, params, 0, line, severity);
    sink(0, line, [{ ...(i as ValidationIssue), sheet }]);
  };
  const root = checker.root;
  return header.map((name, index) => {
    if (name === "") return null; // reported by the reader
    const column = index + 1;
    const col = resolveHeader(name, root);
    const key = col.path.join("\u0000");
    if (seen.has(key)) {
      issue("csv_duplicate_header", { header: name, column }, "error");
      return null;
    }
    seen.add(key);
    // An open schema that declares no properties accepts any column: no warning then.
    if (root !== null && col.node === null && root.propertyNames().length > 0)
      issue("csv_unknown_header", { header: name, column }, "warning");
    return { ...col, pointer: `/${col.path.map(escapePointer).join("/")}` };
  });
}

/**
 * A cell's value as the schema types it: numbers stay numbers where a number is wanted and become
 * their text (as Excel shows it) where a string is; 1/0 are booleans where a boolean is; dates
 * become the RFC 3339 text the format asks for (`date` → YYYY-MM-DD, `date-time` →
 * YYYY-MM-DDTHH:mm:ss with the offset, `time` → HH:mm:ss with the offset); text is coerced as a
 * CSV cell is.
 */
export function schemaValue(
  value: XlsxValue,
  node: SchemaNode | null,
  maxDepth: number,
  offset: string,
): unknown {
  const types = node?.types ?? null;
  if (value instanceof Date) return dateValue(value, node?.format, offset);
  if (typeof value === "string") return coerce(value, node, maxDepth);
  if (typeof value === "number") {
    const n = excelNumber(value);
    if (types === null || types.has("number") || types.has("integer")) return n;
    if (types.has("string")) return String(n);
    if (types.has("boolean") && (n === 0 || n === 1)) return n === 1;
    return n;
  }
  if (types === null || types.has("boolean")) return value;
  if (types.has("string")) return value ? "true" : "false";
  return value;
}

function dateValue(d: Date, format: string | undefined, offset: string): string {
  if (format === "date-time") return `${dateText(d)}T${timeText(d)}${offset}`;
  if (format === "time") return `${timeText(d)}${offset}`;
  return isMidnight(d) ? dateText(d) : `${dateText(d)} ${timeText(d)}`;
}

/** "+08:00" (default), "Z", or ±HH:MM; anything else falls back to "+08:00". */
function normalOffset(offset: string | undefined): string {
  if (offset === undefined) return "+08:00";
  return /^(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/.test(offset) ? offset : "+08:00";
}
