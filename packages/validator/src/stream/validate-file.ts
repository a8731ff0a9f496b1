import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { GovexValidatorError } from "../errors.js";
import type { FileOptions, FileReport, InputFormat, Validator } from "../types.js";
import { renderIssue } from "../validator.js";
import { formatFromName, sniffFormat } from "./detect-format.js";
import { bomLength, detectEncoding, SNIFF_BYTES } from "./encoding.js";
import { StreamEngine } from "./engine.js";
import { inputError } from "./input-error.js";
import { DEFAULT_MAX_REPORT_ISSUES } from "./ndjson-range.js";
import { planParallel } from "./parallel-plan.js";
import { workbookMagic } from "./read-xlsx.js";
import { validateFileParallel } from "./validate-parallel.js";
import { checkAborted } from "./validate-stream.js";
import { validateXlsx } from "./validate-xlsx.js";

/**
 * Validate a file of NDJSON (.ndjson/.jsonl), JSON (.json), CSV (.csv), TSV (.tsv) or an XLSX
 * workbook (.xlsx: every sheet, or `sheet`); the format is taken from the content's magic bytes
 * (a ZIP archive is a workbook), the extension, or sniffed. A file named .xlsx that is really
 * text is validated as what it is, with a `format_mismatch` warning. The file is read in 64 KiB
 * chunks with backpressure (a workbook through exceljs's streaming reader), so memory stays flat
 * however large it is. A file without any record gets an `empty_input` warning.
 *
 * A UTF-8 NDJSON file of at least `parallelMinBytes` (8 MiB) is cut into newline-aligned byte
 * ranges validated by `workers` worker threads (default "auto": up to 4); the report is the same
 * as on one thread. That needs a built-in spec, or a schema file (give its path as `schema` when
 * it has its own `$id`); other validators, formats and encodings stay on the calling thread.
 *
 * @throws GovexValidatorError `input_not_found`, `input_is_directory`, `input_unreadable`
 * @example
 * const report = await validateFile("people.csv", await getValidator("person"), { lang: "en" });
 * // { file: "people.csv", records: 1200, valid: 1187, invalid: 13, issues: [...], truncated: false, ... }
 * const big = await validateFile("people.ndjson", await getValidator("person"), { workers: "auto" });
 */
export async function validateFile(
  path: string,
  validator: Validator,
  opts: FileOptions = {},
): Promise<FileReport> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    throw inputError(path, err);
  }
  if (st.isDirectory()) {
    throw new GovexValidatorError(
      "input_is_directory",
      {
        "zh-CN": `${path} 是目录，不是文件。请给出要校验的文件路径。`,
        en: `${path} is a directory, not a file: give the path of the file to validate.`,
      },
      { path },
    );
  }
  checkAborted(opts.signal);
  const route = await chooseFormat(path, st.size, opts);
  if (route.format === "xlsx") {
    return withEmptyCheck(await validateXlsxFile(path, validator, opts, route.mismatch), opts);
  }
  const textOpts: FileOptions =
    route.format === undefined ? opts : { ...opts, format: route.format };
  let plan: Awaited<ReturnType<typeof planParallel>> = null;
  try {
    plan = await planParallel(path, st.size, validator, textOpts);
  } catch {
    plan = null; // e.g. unreadable: the single-threaded path reports it
  }
  if (plan !== null)
    return withEmptyCheck(await validateFileParallel(path, st.size, plan, textOpts), opts);
  return withEmptyCheck(await validateText(path, validator, textOpts, route.mismatch), opts);
}

/** A `format_mismatch` warning: the extension says one format, the bytes another. */
interface Mismatch {
  extension: string;
  format: InputFormat;
}

/**
 * The format to read, when the content decides it: a ZIP or OLE compound file is a workbook
 * whatever its name (unless a format was given); a file named .xlsx whose bytes are text is
 * read as the text format it is. `format` undefined: the engine decides as before.
 */
async function chooseFormat(
  path: string,
  size: number,
  opts: FileOptions,
): Promise<{ format: InputFormat | undefined; mismatch?: Mismatch }> {
  if (opts.format !== undefined && opts.format !== "auto") return { format: opts.format };
  const named = formatFromName(opts.fileName ?? path);
  if (size === 0) return { format: named === "xlsx" ? "xlsx" : undefined };
  let head: Buffer;
  try {
    head = await readHead(path, Math.min(size, SNIFF_BYTES));
  } catch {
    return { format: named }; // the reading path reports it
  }
  const magic = workbookMagic(head, true);
  const workbook = magic === "zip" || magic === "cfb";
  if (workbook) {
    return named === undefined || named === "xlsx"
      ? { format: "xlsx" }
      : { format: "xlsx", mismatch: { extension: named, format: "xlsx" } };
  }
  if (named !== "xlsx") return { format: undefined };
  if (!looksLikeText(head)) return { format: "xlsx" }; // reported as not a ZIP archive
  try {
    const encoding = detectEncoding(head, opts.encoding ?? "auto", size <= SNIFF_BYTES);
    const format = sniffFormat(head.subarray(bomLength(head, encoding)));
    return { format, mismatch: { extension: "xlsx", format } };
  } catch {
    return { format: "xlsx" };
  }
}

/** No NUL and hardly any other control bytes: text, not a binary file. */
function looksLikeText(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control * 100 <= head.length;
}

async function readHead(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Adds `empty_input` (a warning) to a report without records and without an error explaining why. */
export function withEmptyCheck(report: FileReport, opts: FileOptions): FileReport {
  if (report.records > 0 || report.issues.some((i) => i.severity === "error")) return report;
  const issue = renderIssue(
    { path: "", code: "empty_input", severity: "warning", params: { format: report.format } },
    opts.lang ?? "zh-CN",
    0,
    undefined,
    null,
  );
  if (report.issues.length < (opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES))
    report.issues.push(issue);
  else report.truncated = true;
  return report;
}

function emptyReport(path: string, format: InputFormat): FileReport {
  return {
    file: path,
    records: 0,
    valid: 0,
    invalid: 0,
    issues: [],
    truncated: false,
    format,
    encoding: "utf8",
  };
}

/** The sink of a single-threaded run: counts records and keeps up to `maxReportIssues` issues. */
function collect(report: FileReport, maxIssues: number) {
  return (record: number, _line: number | undefined, issues: FileReport["issues"]) => {
    let valid = true;
    for (const i of issues) {
      if (i.severity === "error") valid = false;
      if (report.issues.length < maxIssues) report.issues.push(i);
      else report.truncated = true;
    }
    if (record === 0) return; // file-level issue, not a record
    report.records++;
    if (valid) report.valid++;
    else report.invalid++;
  };
}

function mismatchIssue(m: Mismatch, opts: FileOptions) {
  return renderIssue(
    { path: "", code: "format_mismatch", severity: "warning", params: { ...m } },
    opts.lang ?? "zh-CN",
    0,
    undefined,
    null,
  );
}

async function validateXlsxFile(
  path: string,
  validator: Validator,
  opts: FileOptions,
  mismatch: Mismatch | undefined,
): Promise<FileReport> {
  const report = emptyReport(path, "xlsx");
  const sink = collect(report, opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES);
  if (mismatch !== undefined) sink(0, undefined, [mismatchIssue(mismatch, opts)]);
  const { sheets } = await validateXlsx(path, validator, opts, sink);
  report.sheets = sheets;
  return report;
}

async function validateText(
  path: string,
  validator: Validator,
  opts: FileOptions,
  mismatch: Mismatch | undefined,
): Promise<FileReport> {
  const maxIssues = opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES;
  const report = emptyReport(path, "ndjson");
  const sink = collect(report, maxIssues);
  if (mismatch !== undefined) sink(0, undefined, [mismatchIssue(mismatch, opts)]);
  const engine = new StreamEngine(validator, { ...opts, fileName: opts.fileName ?? path }, sink);
  let bytes = 0;
  try {
    checkAborted(opts.signal);
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      checkAborted(opts.signal);
      engine.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      opts.onProgress?.(bytes);
    }
  } catch (err) {
    if (err instanceof GovexValidatorError) throw err;
    throw inputError(path, err);
  }
  engine.end();
  report.format = engine.format ?? "ndjson";
  report.encoding = engine.encoding ?? "utf8";
  return report;
}
