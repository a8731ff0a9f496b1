/**
 * XLSX workbooks (ECMA-376 Office Open XML SpreadsheetML) read row by row through exceljs's
 * streaming reader, so memory stays bounded by a row (plus the workbook's shared strings) however
 * many rows there are.
 */
import { once } from "node:events";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { GovexValidatorError } from "../errors.js";
import type { Lang, ValidationIssue } from "../types.js";
import { renderIssue } from "../validator.js";
import { DEFAULT_MAX_RECORD_BYTES } from "./engine.js";
import { inputError } from "./input-error.js";
import { checkAborted } from "./validate-stream.js";
import {
  type CellLike,
  columnLetters,
  dateText,
  excelNumber,
  isMidnight,
  readCell,
  timeText,
  type XlsxCell,
} from "./xlsx-cells.js";
import { readZipDirectory } from "./zip-directory.js";

/** A ZIP local file header: every XLSX file starts with one. */
export const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE compound file: a password-protected (encrypted) workbook, or a legacy .xls. */
export const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** Default cap on the workbook's unzipped size, as declared by its ZIP directory: 1 GiB. */
export const DEFAULT_MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024;
/** Excel's last row (ECMA-376 Part 1 §18.3.1.73: row indexes are 1 … 1,048,576). */
const MAX_EXCEL_ROW = 1_048_576;

export interface ReadXlsxOptions {
  /** One sheet: its name, or its 1-based position among the workbook's tabs. Default: every sheet. */
  sheet?: string | number;
  /** Language of the issues' messages (default "zh-CN"). */
  lang?: Lang;
  /** Called with the count of (compressed) bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /** A row whose text is longer than this is skipped with `record_too_large`. Default 16 MiB. */
  maxRecordBytes?: number;
  /**
   * The workbook is refused (`xlsx_too_large`) when its parts would inflate to more than this,
   * as its ZIP directory declares; the shared strings, held in memory, get a quarter. Default 1 GiB.
   */
  maxUnzippedBytes?: number;
  signal?: AbortSignal;
}

/** A non-empty cell under a named header column. */
export interface XlsxNamedCell {
  /** The header's text as written (trimmed). */
  header: string;
  /** 1-based column number. */
  column: number;
  /** A1 address, e.g. "C5". */
  address: string;
  cell: Exclude<XlsxCell, { kind: "empty" }>;
}

/**
 * What the reader yields, in workbook order: a data row (record numbers count data rows across
 * the sheets read, from 1), or an issue — of the file or a sheet's header (`issue.record` 0), or
 * of a row that cannot be read (`issue.record` ≥ 1). `line` is the row number Excel shows: the
 * header is row 1, so the first data row is usually 2.
 */
export type XlsxEntry =
  | {
      sheet: string;
      line: number;
      record: number;
      cells: XlsxNamedCell[];
      issue?: undefined;
      header?: undefined;
    }
  | {
      sheet?: string;
      line?: number;
      record: number;
      issue: ValidationIssue;
      cells?: undefined;
      header?: undefined;
    }
  /** A sheet's header row: the names by column (index = column − 1), "" for a column left out. */
  | {
      sheet: string;
      line: number;
      record: 0;
      header: readonly string[];
      cells?: undefined;
      issue?: undefined;
    };

/** An async iterable of entries that also tells which sheets it read. */
export interface XlsxRowReader extends AsyncIterable<XlsxEntry> {
  /** Names of the sheets read so far, in the order read. */
  readonly sheets: readonly string[];
}

/**
 * Read the rows of an XLSX workbook, every sheet or one, each sheet's first non-empty row as its
 * header. Rows are streamed (exceljs's WorkbookReader); a path is checked first — an encrypted
 * workbook or legacy .xls (an OLE compound file), a file that is not a ZIP archive, a ZIP that is
 * not a workbook, or one that would inflate beyond `maxUnzippedBytes` is one file issue and
 * nothing is read. Empty and duplicated headers are issues and their columns are left out; cells
 * right of the header are counted in one warning per sheet; error values (#DIV/0!) and formulas
 * never computed are cells of kind "error" / "not_computed" for the caller to report.
 *
 * @throws GovexValidatorError `input_not_found`, `input_is_directory`, `input_unreadable`,
 *   `sheet_not_found` (before any row is read when the workbook's sheet list comes first), `aborted`
 * @example
 * for await (const e of readXlsxRows("人员.xlsx", { sheet: "人员" })) {
 *   if (e.issue) console.warn(e.sheet, e.line, e.issue.message);
 *   else console.log(e.line, e.cells.map((c) => `${c.header}=${c.address}`));
 * }
 */
export function readXlsxRows(
  input: string | AsyncIterable<Uint8Array>,
  opts: ReadXlsxOptions = {},
): XlsxRowReader {
  const sheets: string[] = [];
  return {
    get sheets() {
      return sheets;
    },
    [Symbol.asyncIterator]() {
      return readWorkbook(input, opts, sheets);
    },
  };
}

/** A file-level problem found before the workbook is opened, or undefined when it may be read. */
export async function checkXlsxFile(
  path: string,
  maxUnzippedBytes = DEFAULT_MAX_UNZIPPED_BYTES,
): Promise<{ code: string; params: Record<string, unknown> } | undefined> {
  let head: Buffer;
  try {
    const fh = await open(path, "r");
    try {
      head = Buffer.alloc(8);
      const { bytesRead } = await fh.read(head, 0, 8, 0);
      head = head.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (err) {
    throw inputError(path, err);
  }
  if (head.length === 8 && head.equals(CFB_MAGIC)) return { code: "xlsx_encrypted", params: {} };
  if (head.length < 4 || !head.subarray(0, 4).equals(ZIP_MAGIC))
    return { code: "xlsx_not_zip", params: {} };
  const entries = await readZipDirectory(path).catch(() => undefined);
  if (entries === undefined) return { code: "xlsx_damaged", params: {} };
  if (entries.some((e) => e.encrypted)) return { code: "xlsx_encrypted", params: {} };
  let total = 0;
  for (const e of entries) total += e.size;
  if (total > maxUnzippedBytes)
    return { code: "xlsx_too_large", params: { bytes: total, limit: maxUnzippedBytes } };
  const shared = entries.find((e) => e.name === "xl/sharedStrings.xml");
  const sharedLimit = Math.floor(maxUnzippedBytes / 4);
  if (shared !== undefined && shared.size > sharedLimit)
    return {
      code: "xlsx_too_large",
      params: { bytes: shared.size, limit: sharedLimit, part: shared.name },
    };
  if (!entries.some((e) => e.name === "xl/workbook.xml")) {
    const found = entries.some((e) => e.name === "word/document.xml")
      ? "docx"
      : entries.some((e) => e.name === "content.xml")
        ? "ods/odt"
        : "zip";
    return { code: "xlsx_not_workbook", params: { found } };
  }
  return undefined;
}

/** A header or cell as text: numbers as Excel shows them, dates as `YYYY-MM-DD[ HH:mm:ss]`. */
export function xlsxCellText(cell: XlsxCell): string {
  if (cell.kind !== "value") return "";
  const v = cell.value;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(excelNumber(v));
  if (typeof v === "boolean") return v ? "true" : "false";
  return isMidnight(v) ? dateText(v) : `${dateText(v)} ${timeText(v)}`;
}

interface SheetReader extends AsyncIterable<RowLike> {
  name: string;
  id: number | string;
}
interface RowLike {
  number: number;
  eachCell(opts: { includeEmpty: boolean }, fn: (cell: CellLike, column: number) => void): void;
}
interface BookReader extends AsyncIterable<SheetReader> {
  model?: { sheets?: { name: string }[] };
  properties?: { model?: { date1904?: boolean } };
}

async function* readWorkbook(
  input: string | AsyncIterable<Uint8Array>,
  opts: ReadXlsxOptions,
  sheetsRead: string[],
): AsyncGenerator<XlsxEntry> {
  const lang = opts.lang ?? "zh-CN";
  const fileIssue = (code: string, params: Record<string, unknown>, sheet?: string): XlsxEntry => {
    const issue = renderIssue(
      { path: "", code, severity: "error", params },
      lang,
      0,
      undefined,
      null,
    );
    if (sheet !== undefined) issue.sheet = sheet;
    return { record: 0, issue, ...(sheet === undefined ? {} : { sheet }) };
  };
  checkAborted(opts.signal);
  let source: AsyncIterable<Uint8Array>;
  if (typeof input === "string") {
    const st = await stat(input).catch((err) => {
      throw inputError(input, err);
    });
    if (st.isDirectory()) throw inputError(input, Object.assign(new Error(), { code: "EISDIR" }));
    if (st.size === 0) return;
    const problem = await checkXlsxFile(input, opts.maxUnzippedBytes);
    if (problem !== undefined) {
      yield fileIssue(problem.code, problem.params);
      return;
    }
    source = fileChunks(input);
  } else {
    // A stream cannot have its ZIP directory checked, but its first bytes tell a workbook.
    const it = input[Symbol.asyncIterator]();
    let first: Buffer | undefined;
    for (let n = await it.next(); !n.done; n = await it.next()) {
      if (n.value.length > 0) {
        first = Buffer.from(n.value);
        break;
      }
    }
    if (first === undefined) return; // empty
    if (first.length >= 8 && first.subarray(0, 8).equals(CFB_MAGIC)) {
      yield fileIssue("xlsx_encrypted", {});
      return;
    }
    if (first.length >= 4 && !first.subarray(0, 4).equals(ZIP_MAGIC)) {
      yield fileIssue("xlsx_not_zip", {});
      return;
    }
    const head = first;
    source = (async function* () {
      yield head;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })();
  }

  const ExcelJS = (await import("exceljs")).default;
  const into = new PassThrough();
  const stop = new AbortController();
  const fed: { error?: unknown } = {};
  const pumping = pump(source, into, stop.signal, fed, opts.onProgress);
  const book = new ExcelJS.stream.xlsx.WorkbookReader(into, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache", // number formats tell dates from numbers
    hyperlinks: "ignore",
    entries: "ignore",
  }) as unknown as BookReader;
  const maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const wanted = opts.sheet;
  let target: { name?: string; position?: number } | null | undefined;
  let record = 0;
  let sawSheet = false;
  let current: string | undefined;
  try {
    for await (const ws of book) {
      checkAborted(opts.signal);
      sawSheet = true;
      const tabs = book.model?.sheets?.map((s) => s.name);
      const position = tabs ? tabs.indexOf(ws.name) + 1 : Number(ws.id);
      if (wanted !== undefined) {
        target ??= resolveSheet(wanted, tabs);
        if (target === null) throw sheetNotFound(wanted, tabs ?? []);
        if (target.name !== undefined ? target.name !== ws.name : target.position !== position)
          continue; // exceljs drains the sheet's part
      }
      current = ws.name;
      sheetsRead.push(ws.name);
      const date1904 = book.properties?.model?.date1904 === true;
      const sheet = ws.name;
      let headers: (string | null)[] | null = null;
      let headerLine = 0;
      let lastLine = 0;
      let outside = 0;
      let firstOutside = "";
      for await (const row of ws) {
        checkAborted(opts.signal);
        const line = Number.isSafeInteger(row.number) && row.number > 0 ? row.number : lastLine + 1;
        lastLine = line;
        if (line > MAX_EXCEL_ROW) break;
        const cells: { column: number; cell: Exclude<XlsxCell, { kind: "empty" }> }[] = [];
        row.eachCell({ includeEmpty: false }, (c, column) => {
          const cell = readCell(c, date1904);
          if (cell.kind !== "empty") cells.push({ column, cell });
        });
        if (cells.length === 0) continue; // a blank row
        if (headers === null) {
          headerLine = line;
          headers = [];
          for (const { column, cell } of cells) headers[column - 1] = xlsxCellText(cell).trim();
          yield* headerIssues(headers, sheet, line, lang);
          yield { sheet, line, record: 0, header: headers.map((h) => h ?? "") };
          continue;
        }
        const named: XlsxNamedCell[] = [];
        let bytes = 0;
        for (const { column, cell } of cells) {
          const header = headers[column - 1];
          if (column > headers.length) {
            if (outside++ === 0) firstOutside = `${columnLetters(column)}${line}`;
            continue;
          }
          if (header === null || header === undefined || header === "") continue;
          if (cell.kind === "value" && typeof cell.value === "string")
            bytes += Buffer.byteLength(cell.value);
          named.push({ header, column, address: `${columnLetters(column)}${line}`, cell });
        }
        if (named.length === 0) continue;
        record++;
        if (bytes > maxRecordBytes) {
          const issue = renderIssue(
            {
              path: "",
              code: "record_too_large",
              severity: "error",
              params: { bytes, limit: maxRecordBytes },
            },
            lang,
            record,
            line,
            null,
          );
          issue.sheet = sheet;
          yield { sheet, line, record, issue };
          continue;
        }
        yield { sheet, line, record, cells: named };
      }
      if (outside > 0) {
        const params = { count: outside, cell: firstOutside, header: headerLine };
        const issue = renderIssue(
          { path: "", code: "xlsx_cells_outside_header", severity: "warning", params },
          lang,
          0,
          undefined,
          null,
        );
        issue.sheet = sheet;
        yield { sheet, record: 0, issue };
      }
      current = undefined;
    }
    if (fed.error !== undefined) throw fed.error;
    if (wanted !== undefined && sheetsRead.length === 0) {
      const tabs = book.model?.sheets?.map((s) => s.name) ?? [];
      throw sheetNotFound(wanted, tabs);
    }
    if (!sawSheet && typeof input !== "string") {
      // A stream was not checked up front: no worksheet at all means it was not a workbook.
      yield fileIssue("xlsx_not_workbook", { found: "zip" });
    }
  } catch (err) {
    if (err instanceof GovexValidatorError) throw err;
    if (fed.error !== undefined) throw fed.error;
    const reason = String((err as Error)?.message ?? err).slice(0, 200);
    yield fileIssue("xlsx_unreadable", { reason }, current);
  } finally {
    stop.abort();
    into.destroy();
    await pumping;
  }
}

/**
 * The sheet a `sheet` option names: a name first, else a 1-based tab position; null when none.
 * Without the workbook's sheet list (it comes after the sheets), digits are a position.
 */
function resolveSheet(
  wanted: string | number,
  tabs: string[] | undefined,
): { name?: string; position?: number } | null {
  const numeric = typeof wanted === "number" || /^[1-9]\d*$/.test(wanted);
  if (typeof wanted === "string" && (tabs === undefined ? !numeric : tabs.includes(wanted)))
    return { name: wanted };
  if (!numeric) return null;
  const position = Number(wanted);
  if (!Number.isSafeInteger(position) || position < 1) return null;
  if (tabs === undefined) return { position };
  const name = tabs[position - 1];
  return name === undefined ? null : { name };
}

function sheetNotFound(wanted: string | number, tabs: readonly string[]): GovexValidatorError {
  const list = tabs.length > 0 ? tabs.map((t, i) => `${i + 1} ${t}`).join(", ") : "-";
  const zhList = tabs.length > 0 ? tabs.map((t, i) => `${i + 1}「${t}」`).join("、") : "无";
  return new GovexValidatorError(
    "sheet_not_found",
    {
      "zh-CN": `工作簿中没有工作表「${wanted}」。现有工作表：${zhList}。请用 --sheet 给出其中一个的名称或序号。`,
      en: `the workbook has no sheet "${wanted}"; its sheets are: ${list}. Give one of their names or positions to --sheet.`,
    },
    { details: { sheet: wanted, sheets: [...tabs] } },
  );
}

function* headerIssues(
  headers: (string | null)[],
  sheet: string,
  line: number,
  lang: Lang,
): Generator<XlsxEntry> {
  const seen = new Set<string>();
  const issue = (code: string, params: Record<string, unknown>, severity: "error" | "warning") => {
    const i = renderIssue({ path: "", code, severity, params }, lang, 0, line, null);
    i.sheet = sheet;
    return { sheet, line, record: 0, issue: i } satisfies XlsxEntry;
  };
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i] ?? "";
    const column = i + 1;
    const cell = `${columnLetters(column)}${line}`;
    if (name === "") {
      headers[i] = null;
      yield issue("csv_empty_header", { column, cell }, "warning");
    } else if (seen.has(name)) {
      headers[i] = null;
      yield issue("csv_duplicate_header", { header: name, column, cell }, "error");
    } else seen.add(name);
  }
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      yield chunk as Buffer;
    }
  } catch (err) {
    throw inputError(path, err);
  }
}

/**
 * Feeds the source into the stream exceljs reads, with backpressure. A source error ends the
 * stream (exceljs then sees a truncated archive) and is kept for the caller: piping would leave
 * exceljs waiting forever for the end of a stream that failed.
 */
async function pump(
  source: AsyncIterable<Uint8Array>,
  into: PassThrough,
  signal: AbortSignal,
  fed: { error?: unknown },
  onProgress: ((bytesRead: number) => void) | undefined,
): Promise<void> {
  let bytes = 0;
  try {
    for await (const chunk of source) {
      if (signal.aborted) return;
      bytes += chunk.length;
      onProgress?.(bytes);
      if (!into.write(chunk)) await once(into, "drain", { signal });
    }
  } catch (err) {
    if (!signal.aborted) fed.error = err;
  } finally {
    if (!into.destroyed) into.end();
  }
}
