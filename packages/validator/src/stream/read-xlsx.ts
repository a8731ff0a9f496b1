/**
 * XLSX workbooks (ECMA-376 Office Open XML SpreadsheetML) read row by row through exceljs's
 * streaming reader, so memory stays bounded by a row (plus the workbook's shared strings) however
 * many rows there are.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { finished } from "node:stream/promises";
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
import { readZipDirectory, readZipEntryText, type ZipEntry } from "./zip-directory.js";

/** A ZIP local file header: every XLSX file starts with one. */
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE compound file: a password-protected (encrypted) workbook, or a legacy .xls. */
const CFB_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/**
 * What a file's first bytes say of it as a workbook: an OLE compound file ("cfb": an encrypted
 * workbook or a legacy .xls), a ZIP archive ("zip"), or neither ("other"); undefined while too
 * few bytes are known to tell and more may follow (`complete` false).
 */
export function workbookMagic(
  head: Uint8Array,
  complete: boolean,
): "cfb" | "zip" | "other" | undefined {
  const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(CFB_MAGIC)) return "cfb";
  if (bytes.length >= 4) return bytes.subarray(0, 4).equals(ZIP_MAGIC) ? "zip" : "other";
  return complete ? "other" : undefined;
}

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
 * header, sheets in tab order. The archive is read through its ZIP directory (a stream is kept in
 * a temporary file first) and each sheet's rows are streamed, parsed by exceljs. The file is
 * checked first — an encrypted workbook or legacy .xls (an OLE compound file), a file that is not
 * a ZIP archive, a ZIP that is not a workbook, or one that would inflate beyond
 * `maxUnzippedBytes` is one file issue and nothing is read. Empty and duplicated headers are issues and their columns are left out; cells
 * right of the header are counted in one warning per sheet; error values (#DIV/0!) and formulas
 * never computed are cells of kind "error" / "not_computed" for the caller to report.
 *
 * @throws GovexValidatorError `input_not_found`, `input_is_directory`, `input_unreadable`,
 *   `sheet_not_found` (before any row is read), `aborted`
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

/** A file-level problem found before the workbook is opened (an issue code and its params). */
export interface XlsxFileProblem {
  code: string;
  params: Record<string, unknown>;
}

/**
 * Checks a file before the workbook is opened: its parts (from the ZIP directory), or the
 * problem that keeps it from being read.
 */
export async function checkXlsxFile(
  path: string,
  maxUnzippedBytes = DEFAULT_MAX_UNZIPPED_BYTES,
): Promise<{ problem: XlsxFileProblem } | { parts: Map<string, ZipEntry> }> {
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
  const problem = (code: string, params: Record<string, unknown> = {}) => ({
    problem: { code, params },
  });
  const magic = workbookMagic(head, true);
  if (magic === "cfb") return problem("xlsx_encrypted");
  if (magic !== "zip") return problem("xlsx_not_zip");
  const entries = await readZipDirectory(path).catch(() => undefined);
  if (entries === undefined) return problem("xlsx_damaged");
  if (entries.some((e) => e.encrypted)) return problem("xlsx_encrypted");
  let total = 0;
  for (const e of entries) total += e.size;
  if (total > maxUnzippedBytes)
    return problem("xlsx_too_large", { bytes: total, limit: maxUnzippedBytes });
  const parts = new Map(entries.map((e) => [e.name, e]));
  const shared = parts.get(SHARED_STRINGS);
  const sharedLimit = Math.floor(maxUnzippedBytes / 4);
  if (shared !== undefined && shared.size > sharedLimit)
    return problem("xlsx_too_large", { bytes: shared.size, limit: sharedLimit, part: shared.name });
  if (!parts.has(WORKBOOK)) {
    const found = parts.has("word/document.xml")
      ? "docx"
      : parts.has("content.xml")
        ? "ods/odt"
        : "zip";
    return problem("xlsx_not_workbook", { found });
  }
  return { parts };
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
  state?: string;
}
interface RowLike {
  number: number;
  eachCell(opts: { includeEmpty: boolean }, fn: (cell: CellLike, column: number) => void): void;
}
/**
 * The parts of exceljs 4.4.0's WorkbookReader used here (its parsers of each part, which its own
 * ZIP streaming would call): exceljs reads the archive with unzipper, which under load sometimes
 * ends before the last entries — the workbook part, written last by exceljs itself — and decodes
 * each chunk apart, breaking a character split between chunks. The archive is read here through
 * its central directory instead, the parts in the order the parsers need.
 */
interface BookReader {
  model?: { sheets?: { name: string; id: number; rId: string; state?: string }[] };
  workbookRels?: { Id: string; Type?: string; Target: string }[];
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<string>,
    sheetNo: string,
  ): Generator<{ eventType: string; value: SheetReader }>;
}

const WORKBOOK = "xl/workbook.xml";
const WORKBOOK_RELS = "xl/_rels/workbook.xml.rels";
const SHARED_STRINGS = "xl/sharedStrings.xml";
const STYLES = "xl/styles.xml";
/** A worksheet's relationship type (ECMA-376 Part 1 §12.3.24). */
const WORKSHEET_REL = /\/worksheet$/;

/** A worksheet of the workbook, with its part. */
interface SheetPart {
  name: string;
  id: number | string;
  state?: string;
  part: ZipEntry;
}

/** The workbook's parts read before any sheet, and its sheets in tab order. */
async function openBook(
  path: string,
  parts: Map<string, ZipEntry>,
  onRead: (compressedBytes: number) => void,
): Promise<{ book: BookReader; tabs: string[]; sheets: SheetPart[] }> {
  const ExcelJS = (await import("exceljs")).default;
  const book = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache", // number formats tell dates from numbers
    hyperlinks: "ignore",
    entries: "ignore",
  }) as unknown as BookReader;
  // The parts before the sheets are read whole: their sizes were checked against the limits, and
  // exceljs keeps the shared strings in memory anyway.
  const whole = async (name: string): Promise<Readable | undefined> => {
    const entry = parts.get(name);
    if (entry === undefined) return undefined;
    let text = "";
    for await (const chunk of readZipEntryText(path, entry, onRead)) text += chunk;
    return Readable.from([text]);
  };
  const rels = await whole(WORKBOOK_RELS);
  if (rels !== undefined) await book._parseRels(rels);
  const workbook = await whole(WORKBOOK);
  if (workbook !== undefined) await book._parseWorkbook(workbook);
  const shared = await whole(SHARED_STRINGS);
  if (shared !== undefined) for await (const _ of book._parseSharedStrings(shared));
  const styles = await whole(STYLES);
  if (styles !== undefined) await book._parseStyles(styles);

  const listed = book.model?.sheets ?? [];
  if (listed.length === 0) throw new Error("the workbook part lists no sheets");
  const tabs = listed.map((s) => s.name);
  const sheets: SheetPart[] = [];
  for (const s of listed) {
    const rel = book.workbookRels?.find((r) => r.Id === s.rId);
    if (rel === undefined) throw new Error(`sheet "${s.name}": no relationship ${s.rId}`);
    if (rel.Type !== undefined && !WORKSHEET_REL.test(rel.Type)) continue; // a chart sheet
    // A target is relative to xl/, or absolute from the package root (ECMA-376 Part 2 §9.3).
    const target = rel.Target.startsWith("/") ? rel.Target.slice(1) : `xl/${rel.Target}`;
    const part = parts.get(target);
    if (part === undefined) throw new Error(`sheet "${s.name}": its part ${target} is missing`);
    sheets.push({ name: s.name, id: s.id, state: s.state, part });
  }
  return { book, tabs, sheets };
}

async function* readWorkbook(
  input: string | AsyncIterable<Uint8Array>,
  opts: ReadXlsxOptions,
  sheetsRead: string[],
): AsyncGenerator<XlsxEntry> {
  const lang = opts.lang ?? "zh-CN";
  const maxUnzippedBytes = opts.maxUnzippedBytes ?? DEFAULT_MAX_UNZIPPED_BYTES;
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
  let path: string;
  let spool: string | undefined;
  if (typeof input === "string") {
    const st = await stat(input).catch((err) => {
      throw inputError(input, err);
    });
    if (st.isDirectory()) throw inputError(input, Object.assign(new Error(), { code: "EISDIR" }));
    if (st.size === 0) return;
    path = input;
  } else {
    // A ZIP archive is read from its end: a stream is kept in a temporary file first.
    spool = await mkdtemp(join(tmpdir(), "govex-xlsx-"));
    path = join(spool, "input.xlsx");
  }
  try {
    if (spool !== undefined) {
      const spooled = await spoolStream(input as AsyncIterable<Uint8Array>, path, {
        ...opts,
        maxBytes: maxUnzippedBytes,
      });
      if (spooled !== undefined) {
        if (spooled.code !== "empty") yield fileIssue(spooled.code, spooled.params);
        return;
      }
    }
    const checked = await checkXlsxFile(path, maxUnzippedBytes);
    if ("problem" in checked) {
      yield fileIssue(checked.problem.code, checked.problem.params);
      return;
    }
    yield* readSheets(path, checked.parts, opts, sheetsRead, fileIssue);
  } finally {
    if (spool !== undefined) await rm(spool, { recursive: true, force: true });
  }
}

async function* readSheets(
  path: string,
  parts: Map<string, ZipEntry>,
  opts: ReadXlsxOptions,
  sheetsRead: string[],
  fileIssue: (code: string, params: Record<string, unknown>, sheet?: string) => XlsxEntry,
): AsyncGenerator<XlsxEntry> {
  const lang = opts.lang ?? "zh-CN";
  const maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  let bytesRead = 0;
  const onRead = (n: number) => {
    bytesRead += n;
    opts.onProgress?.(bytesRead);
  };
  let record = 0;
  let current: string | undefined;
  try {
    const { book, tabs, sheets } = await openBook(path, parts, onRead);
    checkAborted(opts.signal);
    let chosen = sheets;
    if (opts.sheet !== undefined) {
      const target = resolveSheet(opts.sheet, tabs);
      if (target === null) throw sheetNotFound(opts.sheet, tabs);
      chosen = sheets.filter((s) => s.name === target.name);
    }
    const date1904 = book.properties?.model?.date1904 === true;
    for (const sheetPart of chosen) {
      checkAborted(opts.signal);
      const sheet = sheetPart.name;
      current = sheet;
      sheetsRead.push(sheet);
      const [emitted] = book._parseWorksheet(
        readZipEntryText(path, sheetPart.part, onRead),
        String(sheetPart.id),
      );
      const ws = emitted?.value;
      if (ws === undefined) continue;
      Object.assign(ws, { name: sheet, id: sheetPart.id, state: sheetPart.state });
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
  } catch (err) {
    if (err instanceof GovexValidatorError) throw err;
    const reason = String((err as Error)?.message ?? err).slice(0, 200);
    yield fileIssue("xlsx_unreadable", { reason }, current);
  }
}

/** The sheet a `sheet` option names: a name first, else a 1-based tab position; null when none. */
function resolveSheet(wanted: string | number, tabs: readonly string[]): { name: string } | null {
  if (typeof wanted === "string" && tabs.includes(wanted)) return { name: wanted };
  const numeric = typeof wanted === "number" || /^[1-9]\d*$/.test(wanted);
  if (!numeric) return null;
  const name = tabs[Number(wanted) - 1];
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

/**
 * Writes a stream to a file, with backpressure; a stream that does not start as a ZIP archive, or
 * grows beyond `maxBytes`, is refused as soon as that shows. Returns the problem, if any.
 */
async function spoolStream(
  source: AsyncIterable<Uint8Array>,
  path: string,
  opts: { maxBytes: number; signal?: AbortSignal; onProgress?: (bytesRead: number) => void },
): Promise<XlsxFileProblem | undefined> {
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for await (const chunk of source) {
      checkAborted(opts.signal);
      if (chunk.length === 0) continue;
      if (bytes === 0) {
        const magic = workbookMagic(chunk, false);
        if (magic === "cfb") return { code: "xlsx_encrypted", params: {} };
        if (magic === "other") return { code: "xlsx_not_zip", params: {} };
      }
      bytes += chunk.length;
      if (bytes > opts.maxBytes)
        return { code: "xlsx_too_large", params: { bytes, limit: opts.maxBytes } };
      opts.onProgress?.(bytes);
      if (!out.write(chunk)) await once(out, "drain");
    }
  } finally {
    out.end();
    await finished(out).catch((err) => {
      throw inputError(path, err);
    });
  }
  return bytes === 0 ? { code: "empty", params: {} } : undefined;
}
