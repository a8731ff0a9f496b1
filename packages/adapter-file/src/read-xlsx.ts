/**
 * XLSX workbooks (ECMA-376 Office Open XML) through exceljs: one sheet, a header row, every
 * cell as text. The file is size-checked, then its ZIP central directory (so a small file that
 * inflates to gigabytes is refused before it is inflated), then parsed.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import ExcelJS from "exceljs";
import { cellText } from "./cell-text.js";
import { fileIssue, IssueList } from "./issues.js";
import type { FileRow, FileVersion, ReadOutcome, ReadRequest } from "./read-file.js";
import { unzippedSize } from "./zip-size.js";

/** A ZIP local file header: every XLSX file starts with one. */
export const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** An OLE compound file: a legacy .xls, or an encrypted (password-protected) workbook. */
export const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
/** How much larger than `maxXlsxBytes` the unzipped parts may be (sheets compress about 5–10×). */
export const UNZIPPED_FACTOR = 16;

export async function readXlsxFile(request: ReadRequest): Promise<ReadOutcome> {
  const { name, config } = request;
  const failed = (issue: ReturnType<typeof fileIssue>): ReadOutcome => ({ kind: "failed", issue });
  if (request.size > config.maxXlsxBytes) {
    const params = { bytes: request.size, limit: config.maxXlsxBytes };
    return failed(fileIssue("xlsx_too_large", { file: name, params }));
  }
  let buf: Buffer;
  try {
    buf = await readFile(request.path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException)?.code ?? String(err);
    return failed(fileIssue("file_unreadable", { file: name, params: { reason } }));
  }
  if (buf.length === 0) return failed(fileIssue("file_empty", { file: name }));
  if (buf.length > config.maxXlsxBytes) {
    const params = { bytes: buf.length, limit: config.maxXlsxBytes };
    return failed(fileIssue("xlsx_too_large", { file: name, params }));
  }
  const sha256 = createHash("sha256").update(buf).digest("hex");
  if (sha256 === request.previousSha256) return { kind: "same", sha256 };
  if (buf.length >= 8 && buf.subarray(0, 8).equals(CFB)) {
    return failed(fileIssue("xlsx_encrypted", { file: name }));
  }
  const unzipped =
    buf.length >= 4 && buf.subarray(0, 4).equals(ZIP) ? unzippedSize(buf) : undefined;
  if (unzipped === undefined) return failed(fileIssue("xlsx_not_zip", { file: name }));
  const unzippedLimit = config.maxXlsxBytes * UNZIPPED_FACTOR;
  if (unzipped > unzippedLimit) {
    const params = { bytes: unzipped, limit: unzippedLimit, unzipped: true };
    return failed(fileIssue("xlsx_too_large", { file: name, params }));
  }
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs types its input as an ArrayBuffer-like "Buffer"; it hands it to JSZip, which takes a Node Buffer.
    await workbook.xlsx.load(buf as unknown as ArrayBuffer);
  } catch (err) {
    const reason = String((err as Error)?.message ?? err).slice(0, 200);
    return failed(fileIssue("xlsx_unreadable", { file: name, params: { reason } }));
  }
  const sheets = workbook.worksheets;
  const wanted = config.sheet;
  const sheet =
    wanted === undefined
      ? sheets[0]
      : typeof wanted === "number"
        ? sheets[wanted - 1]
        : sheets.find((s) => s.name === wanted);
  if (sheet === undefined) {
    const params = {
      sheet: wanted === undefined ? 1 : JSON.stringify(wanted),
      sheets: sheets.map((s) => `「${s.name}」`).join("、") || "-",
    };
    return failed(fileIssue("sheet_not_found", { file: name, params }));
  }
  return readSheet(sheet, request, sha256);
}

function readSheet(sheet: ExcelJS.Worksheet, request: ReadRequest, sha256: string): ReadOutcome {
  const { name, config } = request;
  const headerRow = config.headerRow;
  const issues = new IssueList();
  const header = sheet.getRow(headerRow);
  // Header cells up to the last one with a name.
  const names: string[] = [];
  let width = 0;
  for (let c = 1; c <= header.cellCount; c++) {
    const text = cellText(header.getCell(c).value).text?.trim() ?? "";
    names.push(text);
    if (text !== "") width = c;
  }
  names.length = width;
  if (width === 0) {
    const params = { sheet: sheet.name, row: headerRow };
    return { kind: "failed", issue: fileIssue("no_header", { file: name, params }) };
  }
  // A merge across columns leaves columns without a name of their own.
  const byMaster = new Map<string, string[]>();
  for (let c = 1; c <= width; c++) {
    const cell = header.getCell(c);
    if (!cell.isMerged) continue;
    const master = cell.master.address;
    byMaster.set(master, [...(byMaster.get(master) ?? []), cell.address]);
  }
  const merged = [...byMaster.values()].filter((cells) => cells.length > 1);
  if (merged.length > 0) {
    const cells = merged.map((group) => group.join("、")).join("；");
    const issue = fileIssue("xlsx_merged_header", {
      file: name,
      line: headerRow,
      params: { cells },
    });
    return { kind: "failed", issue };
  }
  const columns: (string | null)[] = [];
  const seen = new Set<string>();
  names.forEach((header, i) => {
    const column = i + 1;
    if (header === "") {
      issues.add(
        fileIssue("csv_empty_header", { file: name, line: headerRow, params: { column } }),
      );
      columns.push(null);
    } else if (seen.has(header)) {
      const params = { header, column };
      issues.add(fileIssue("csv_duplicate_header", { file: name, line: headerRow, params }));
      columns.push(null);
    } else {
      seen.add(header);
      columns.push(header);
    }
  });
  const rows: FileRow[] = [];
  let outside = 0;
  let firstOutside = "";
  let tooMany = false;
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line <= headerRow || tooMany) return;
    const out: Record<string, string> = {};
    let bytes = 0;
    let empty = true;
    let error: { cell: string; error: string } | undefined;
    for (let c = 1; c <= width; c++) {
      const column = columns[c - 1];
      const cell = row.getCell(c);
      const text = cellText(cell.value);
      if (text.text === "") continue;
      empty = false;
      if (column === null || column === undefined) continue;
      if (text.error !== undefined) {
        error ??= { cell: cell.address, error: text.error };
        continue;
      }
      bytes += Buffer.byteLength(text.text);
      if (column === "__proto__") {
        // An own data property: plain assignment would replace the row's prototype.
        Object.defineProperty(out, column, {
          value: text.text,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[column] = text.text;
    }
    for (let c = width + 1; c <= row.cellCount; c++) {
      if (cellText(row.getCell(c).value).text === "") continue;
      if (outside++ === 0) firstOutside = row.getCell(c).address;
    }
    if (error !== undefined) {
      issues.add(fileIssue("xlsx_cell_error", { file: name, line, params: error }));
      return;
    }
    if (empty) return;
    if (bytes > config.maxRowBytes) {
      const params = { bytes, limit: config.maxRowBytes };
      issues.add(fileIssue("record_too_large", { file: name, line, params }));
      return;
    }
    if (rows.length >= config.maxRows) {
      tooMany = true;
      return;
    }
    rows.push({ line, row: out });
  });
  if (tooMany) return { kind: "too_many_rows" };
  if (outside > 0) {
    const params = { count: outside, cell: firstOutside };
    issues.add(fileIssue("xlsx_cells_outside_header", { file: name, params }));
  }
  const version: FileVersion = {
    format: "xlsx",
    sheet: sheet.name,
    columns: columns.filter((c): c is string => c !== null),
    rows,
    issues: issues.done(),
  };
  return { kind: "read", sha256, version };
}
