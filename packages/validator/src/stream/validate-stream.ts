import { GovexValidatorError } from "../errors.js";
import type { RecordResult, StreamOptions, ValidationIssue, Validator } from "../types.js";
import { renderIssue } from "../validator.js";
import { formatFromName } from "./detect-format.js";
import { StreamEngine } from "./engine.js";
import { xlsxResults } from "./validate-xlsx.js";

/** Throw when the caller aborted. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new GovexValidatorError(
      "aborted",
      { "zh-CN": "校验已被取消。", en: "validation was aborted." },
      { cause: signal.reason },
    );
  }
}

/**
 * Validate a byte stream of NDJSON, a JSON array (or one JSON value), CSV or TSV, record by
 * record, in UTF-8 (with or without BOM) or GBK/GB18030. Memory stays flat: only the current
 * record is held. Bad input (invalid JSON, bad bytes, too large or too deep records, CSV rows
 * with the wrong number of columns) becomes issues of that record; the rest is still read.
 *
 * Results with `record: 0` are file-level (an unknown CSV header, a truncated JSON array): they
 * are not records. An input without any record ends with an `empty_input` warning.
 *
 * An XLSX workbook (`format: "xlsx"`, or a `fileName` ending in .xlsx) is read with exceljs's
 * streaming reader; `validateFile` also checks a workbook's ZIP directory before reading it
 * (encrypted, not a workbook, too large once inflated), which a stream cannot.
 *
 * @example
 * const person = await getValidator("person");
 * for await (const r of validateStream(createReadStream("people.ndjson"), person)) {
 *   if (!r.valid) console.log(r.line, r.issues.map((i) => i.message));
 * }
 */
export async function* validateStream(
  input: AsyncIterable<Uint8Array>,
  validator: Validator,
  opts: StreamOptions = {},
): AsyncIterable<RecordResult> {
  let records = 0;
  let failed = false;
  const seen = (r: RecordResult): RecordResult => {
    if (r.record > 0) records++;
    else if (!r.valid) failed = true;
    return r;
  };
  const format =
    opts.format && opts.format !== "auto" ? opts.format : formatFromName(opts.fileName);
  if (format === "xlsx") {
    checkAborted(opts.signal);
    for await (const r of xlsxResults(input, validator, opts))
      yield seen(toResult(r.record, r.line, r.issues));
  } else {
    yield* textResults(input, validator, opts, seen);
  }
  if (records === 0 && !failed) {
    const issue = renderIssue(
      { path: "", code: "empty_input", severity: "warning", params: { format: format ?? "auto" } },
      opts.lang ?? "zh-CN",
      0,
      undefined,
      null,
    );
    yield { record: 0, valid: true, issues: [issue] };
  }
}

async function* textResults(
  input: AsyncIterable<Uint8Array>,
  validator: Validator,
  opts: StreamOptions,
  seen: (r: RecordResult) => RecordResult,
): AsyncIterable<RecordResult> {
  let batch: RecordResult[] = [];
  const engine = new StreamEngine(validator, opts, (record, line, issues) => {
    batch.push(seen(toResult(record, line, issues)));
  });
  let bytes = 0;
  checkAborted(opts.signal);
  for await (const chunk of input) {
    checkAborted(opts.signal);
    engine.push(chunk);
    bytes += chunk.length;
    opts.onProgress?.(bytes);
    if (batch.length > 0) {
      const out = batch;
      batch = [];
      yield* out;
    }
  }
  engine.end();
  yield* batch;
}

function toResult(
  record: number,
  line: number | undefined,
  issues: ValidationIssue[],
): RecordResult {
  let valid = true;
  for (const i of issues) {
    if (i.severity === "error") {
      valid = false;
      break;
    }
  }
  const r: RecordResult = { record, valid, issues };
  if (line !== undefined) r.line = line;
  return r;
}
