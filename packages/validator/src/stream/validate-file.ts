import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { GovexValidatorError } from "../errors.js";
import type { FileOptions, FileReport, Validator } from "../types.js";
import { StreamEngine } from "./engine.js";
import { inputError } from "./input-error.js";
import { DEFAULT_MAX_REPORT_ISSUES } from "./ndjson-range.js";
import { planParallel } from "./parallel-plan.js";
import { validateFileParallel } from "./validate-parallel.js";
import { checkAborted } from "./validate-stream.js";

/**
 * Validate a file of NDJSON (.ndjson/.jsonl), JSON (.json), CSV (.csv) or TSV (.tsv); the
 * format is taken from the extension or sniffed. The file is read in 64 KiB chunks with
 * backpressure, so memory stays flat however large it is.
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
  let plan: Awaited<ReturnType<typeof planParallel>> = null;
  try {
    plan = await planParallel(path, st.size, validator, opts);
  } catch {
    plan = null; // e.g. unreadable: the single-threaded path reports it
  }
  if (plan !== null) return validateFileParallel(path, st.size, plan, opts);
  const maxIssues = opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES;
  const report: FileReport = {
    file: path,
    records: 0,
    valid: 0,
    invalid: 0,
    issues: [],
    truncated: false,
    format: "ndjson",
    encoding: "utf8",
  };
  const engine = new StreamEngine(
    validator,
    { ...opts, fileName: opts.fileName ?? path },
    (record, _line, issues) => {
      let valid = true;
      if (issues.length > 0) {
        for (const i of issues) {
          if (i.severity === "error") valid = false;
          if (report.issues.length < maxIssues) report.issues.push(i);
          else report.truncated = true;
        }
      }
      if (record === 0) return; // file-level issue, not a record
      report.records++;
      if (valid) report.valid++;
      else report.invalid++;
    },
  );
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
