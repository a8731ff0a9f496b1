/**
 * CSV/TSV files through @govex/validator's reader (encoding detection, BOM, GBK/GB18030
 * decoding, RFC 4180 framing), hashing the same bytes as they are read so that the SHA-256
 * fingerprint always describes the rows kept.
 */

import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { GovexValidatorError, readDelimitedRows } from "@govex/validator";
import { type FileIssueCode, fileIssue, IssueList } from "./issues.js";
import type { FileRow, ReadOutcome, ReadRequest } from "./read-file.js";

/** Bytes kept from the start of the file for the encoding check (as the validator's detection). */
const SAMPLE_BYTES = 64 * 1024;

/** Reader codes that, on the header (record 0), make the file unreadable as a whole. */
const HEADER_FAILURES = new Set(["invalid_encoding", "record_too_large", "csv_unterminated_quote"]);

export async function readDelimitedFile(
  request: ReadRequest,
  delimiter: "," | "\t" | "auto",
): Promise<ReadOutcome> {
  const { name, config } = request;
  if (request.previousSha256 !== undefined) {
    // Hashing is far cheaper than parsing: a touched or racy file with the same content is
    // recognised without reading its rows.
    const sha256 = await hashFile(request.path).catch(() => undefined);
    if (sha256 === request.previousSha256) return { kind: "same", sha256 };
  }
  const hash = createHash("sha256");
  const sample: Buffer[] = [];
  let sampled = 0;
  async function* tap(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(request.path, { highWaterMark: 64 * 1024 })) {
      const buf = chunk as Buffer;
      hash.update(buf);
      if (sampled < SAMPLE_BYTES) {
        sample.push(buf.subarray(0, SAMPLE_BYTES - sampled));
        sampled += Math.min(buf.length, SAMPLE_BYTES - sampled);
      }
      yield buf;
    }
  }
  const reader = readDelimitedRows(tap(), {
    encoding: config.encoding,
    delimiter,
    fileName: name,
    maxRecordBytes: config.maxRowBytes,
  });
  const rows: FileRow[] = [];
  const issues = new IssueList();
  try {
    for await (const entry of reader) {
      if (entry.row !== undefined) {
        if (rows.length >= config.maxRows) return { kind: "too_many_rows" };
        rows.push({ line: entry.line, row: entry.row });
        continue;
      }
      const { code, record, severity, params } = entry.issue;
      if (record === 0 && severity === "error" && HEADER_FAILURES.has(code)) {
        const issue = fileIssue(code as FileIssueCode, {
          file: name,
          line: entry.line,
          params: { ...params, header: true },
        });
        return { kind: "failed", issue };
      }
      issues.add(fileIssue(code as FileIssueCode, { file: name, line: entry.line, params }));
    }
  } catch (err) {
    if (err instanceof GovexValidatorError && err.code === "unsupported_encoding") {
      return { kind: "failed", issue: fileIssue("unsupported_encoding", { file: name }) };
    }
    const reason = (err as NodeJS.ErrnoException)?.code ?? (err as Error)?.message ?? String(err);
    return {
      kind: "failed",
      issue: fileIssue("file_unreadable", { file: name, params: { reason } }),
    };
  }
  if (reader.header === undefined) {
    return { kind: "failed", issue: fileIssue("no_header", { file: name }) };
  }
  if (config.encoding === "gbk" || config.encoding === "gb18030") {
    const head = Buffer.concat(sample);
    if (looksLikeUtf8Text(head, sampled < SAMPLE_BYTES)) {
      const params = { declared: config.encoding };
      return { kind: "failed", issue: fileIssue("encoding_mismatch", { file: name, params }) };
    }
  }
  const sha256 = hash.digest("hex");
  if (sha256 === request.previousSha256) return { kind: "same", sha256 };
  const version = {
    format: reader.delimiter === "\t" ? ("tsv" as const) : ("csv" as const),
    columns: (reader.header ?? []).filter((h, i, all) => h !== "" && all.indexOf(h) === i),
    rows,
    issues: issues.done(),
    ...(reader.encoding === undefined ? {} : { encoding: reader.encoding }),
  };
  return { kind: "read", sha256, version };
}

/**
 * Valid UTF-8 with at least one multi-byte character: a GBK file is almost never that (its
 * Chinese text breaks UTF-8's continuation-byte rules within a few characters), so reading it
 * as GBK would turn every character into two wrong ones.
 */
function looksLikeUtf8Text(head: Buffer, complete: boolean): boolean {
  let end = head.length;
  if (!complete) {
    // Drop a multi-byte sequence cut at the sample's end.
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && ((head[end - back - 1] as number) & 0xc0) === 0x80)
      back++;
    if (end - back - 1 >= 0 && (head[end - back - 1] as number) >= 0xc0) end = end - back - 1;
  }
  const sample = head.subarray(0, end);
  if (!isUtf8(sample)) return false;
  return sample.some((b) => b >= 0x80);
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
