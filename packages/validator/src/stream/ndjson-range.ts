import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import type { FileOptions, FileReport, ValidationIssue, Validator } from "../types.js";
import { RecordDecoder } from "./encoding.js";
import { DEFAULT_MAX_RECORD_BYTES } from "./engine.js";
import { NdjsonFramer } from "./ndjson.js";
import { RecordChecker } from "./record-checker.js";

export const DEFAULT_MAX_REPORT_ISSUES = 1000;

/** A byte range [start, end) of a file; every range but the last ends just after an LF. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What one range of an NDJSON file yields, numbered from 1 within the range. */
export interface RangeResult {
  records: number;
  valid: number;
  invalid: number;
  /** Lines of the range, blank ones included. */
  lines: number;
  /** All issues found, of which the first `maxReportIssues` are in `issues`. */
  issueCount: number;
  issues: ValidationIssue[];
}

const SCAN_BYTES = 64 * 1024;

/**
 * Cut [start, size) into at most `parts` ranges aligned on newlines: each cut moves to just after
 * the first LF (0x0a) at or after it, so no line is split between ranges. LF is never part of a
 * UTF-8 multi-byte sequence (RFC 3629 §3: bytes of multi-byte sequences are ≥ 0x80), so a
 * range never starts inside a character either. Fewer ranges come back when lines are longer
 * than a part.
 *
 * @example
 * await splitOnLines("big.ndjson", 0, 64 << 20, 2); // [{ start: 0, end: 33554721 }, { start: 33554721, end: 67108864 }]
 */
export async function splitOnLines(
  path: string,
  start: number,
  size: number,
  parts: number,
): Promise<ByteRange[]> {
  const ranges: ByteRange[] = [];
  if (size <= start) return ranges;
  const fh = await open(path, "r");
  try {
    const buf = Buffer.allocUnsafe(SCAN_BYTES);
    let from = start;
    for (let k = 1; k < parts; k++) {
      const cut = Math.max(start + Math.floor(((size - start) * k) / parts), from);
      const lf = await nextLf(fh, buf, cut, size);
      if (lf < 0 || lf + 1 >= size) break;
      ranges.push({ start: from, end: lf + 1 });
      from = lf + 1;
    }
    ranges.push({ start: from, end: size });
  } finally {
    await fh.close();
  }
  return ranges;
}

async function nextLf(
  fh: Awaited<ReturnType<typeof open>>,
  buf: Buffer,
  pos: number,
  size: number,
): Promise<number> {
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
    if (bytesRead === 0) return -1;
    const i = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (i >= 0) return pos + i;
    pos += bytesRead;
  }
  return -1;
}

/**
 * Validate one byte range of a UTF-8 NDJSON file exactly as the single-threaded engine frames
 * and checks its lines (the range holds whole lines, so framing restarts cleanly at its start).
 * Record and line numbers of the issues are local to the range; {@link mergeRanges} re-numbers them.
 */
export async function validateRange(
  path: string,
  range: ByteRange,
  validator: Validator,
  opts: FileOptions,
  onBytes?: (bytes: number) => void,
): Promise<RangeResult> {
  const maxIssues = opts.maxReportIssues ?? DEFAULT_MAX_REPORT_ISSUES;
  const out: RangeResult = {
    records: 0,
    valid: 0,
    invalid: 0,
    lines: 0,
    issueCount: 0,
    issues: [],
  };
  const framer = new NdjsonFramer(
    new RecordDecoder("utf8"),
    new RecordChecker(validator, opts),
    (record, _line, issues) => {
      let valid = true;
      for (const i of issues) {
        if (i.severity === "error") valid = false;
        out.issueCount++;
        if (out.issues.length < maxIssues) out.issues.push(i);
      }
      if (record === 0) return; // NDJSON has no file-level issues; kept in step with validateFile
      out.records++;
      if (valid) out.valid++;
      else out.invalid++;
    },
    opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
  );
  if (range.end > range.start) {
    let bytes = 0;
    for await (const chunk of createReadStream(path, {
      start: range.start,
      end: range.end - 1, // inclusive
      highWaterMark: 64 * 1024,
    })) {
      framer.push(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      onBytes?.(bytes);
    }
  }
  framer.end();
  out.lines = framer.lines;
  return out;
}

/**
 * Join the ranges' results in file order into the report the single-threaded engine gives:
 * counts add up, record and line numbers are shifted by the records and lines before the range
 * (prefix sums), the first `maxReportIssues` issues are kept and `truncated` says whether more
 * were found.
 */
export function mergeRanges(
  file: string,
  results: readonly RangeResult[],
  maxIssues: number,
): FileReport {
  const report: FileReport = {
    file,
    records: 0,
    valid: 0,
    invalid: 0,
    issues: [],
    truncated: false,
    format: "ndjson",
    encoding: "utf8",
  };
  let lineOffset = 0;
  let issueCount = 0;
  for (const r of results) {
    const recordOffset = report.records;
    for (const i of r.issues) {
      if (report.issues.length >= maxIssues) break;
      if (i.record > 0) i.record += recordOffset;
      if (i.line !== undefined) i.line += lineOffset;
      report.issues.push(i);
    }
    issueCount += r.issueCount;
    report.records += r.records;
    report.valid += r.valid;
    report.invalid += r.invalid;
    lineOffset += r.lines;
  }
  report.truncated = issueCount > report.issues.length;
  return report;
}
