import { GovexValidatorError } from "../errors.js";
import type { RecordResult, StreamOptions, ValidationIssue, Validator } from "../types.js";
import { StreamEngine } from "./engine.js";

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
 * are not records.
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
  let batch: RecordResult[] = [];
  const engine = new StreamEngine(validator, opts, (record, line, issues) => {
    batch.push(toResult(record, line, issues));
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
