import { isUtf8 } from "node:buffer";
import type { RecordDecoder } from "./encoding.js";
import type { RecordChecker, RecordSink } from "./record-checker.js";

/**
 * NDJSON / JSON Lines: split on LF bytes (0x0a is never part of a UTF-8 or GB18030
 * multi-byte sequence), strip a trailing CR, skip blank lines while counting them, decode
 * and parse each line on its own. A line longer than maxRecordBytes is counted, not buffered.
 */
export class NdjsonFramer {
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private skipping = false;
  private skipped = 0;
  private line = 0;
  private record = 0;

  constructor(
    private readonly decoder: RecordDecoder,
    private readonly checker: RecordChecker,
    private readonly sink: RecordSink,
    private readonly maxRecordBytes: number,
  ) {}

  /** Lines seen so far, blank ones included (the last one may lack its LF). */
  get lines(): number {
    return this.line;
  }

  push(chunk: Buffer): void {
    const max = this.maxRecordBytes;
    let pos = 0;
    let nl = chunk.indexOf(0x0a);
    if (this.skipping || this.pendingLen > 0) {
      if (nl < 0) {
        this.carry(chunk, 0);
        return;
      }
      if (this.skipping) {
        this.tooLarge(this.skipped + nl);
      } else if (this.pendingLen + nl > max) {
        this.tooLarge(this.pendingLen + nl);
      } else {
        this.pending.push(chunk.subarray(0, nl));
        const joined = Buffer.concat(this.pending, this.pendingLen + nl);
        this.pending = [];
        this.pendingLen = 0;
        this.onLine(joined, 0, joined.length, false);
      }
      this.pending = [];
      this.pendingLen = 0;
      this.skipping = false;
      this.skipped = 0;
      pos = nl + 1;
      nl = chunk.indexOf(0x0a, pos);
    }
    if (nl >= 0) {
      // One UTF-8 check for all complete lines of the chunk; lines are checked one by one only if it fails.
      const last = chunk.lastIndexOf(0x0a);
      const valid = this.decoder.encoding === "utf8" && isUtf8(chunk.subarray(pos, last));
      while (nl >= 0) {
        if (nl - pos > max) this.tooLarge(nl - pos);
        else this.onLine(chunk, pos, nl, valid);
        pos = nl + 1;
        nl = chunk.indexOf(0x0a, pos);
      }
    }
    if (pos < chunk.length) this.carry(chunk, pos);
  }

  end(): void {
    if (this.skipping) this.tooLarge(this.skipped);
    else if (this.pendingLen > 0) {
      const joined = Buffer.concat(this.pending, this.pendingLen);
      this.onLine(joined, 0, joined.length, false);
    }
    this.pending = [];
    this.pendingLen = 0;
    this.skipping = false;
  }

  private carry(chunk: Buffer, from: number): void {
    const rest = chunk.length - from;
    if (this.skipping) {
      this.skipped += rest;
    } else if (this.pendingLen + rest > this.maxRecordBytes) {
      // Too long already: stop buffering, only count.
      this.skipping = true;
      this.skipped = this.pendingLen + rest;
      this.pending = [];
      this.pendingLen = 0;
    } else {
      // Copy: a view would pin the whole (possibly pooled) chunk.
      this.pending.push(Buffer.from(chunk.subarray(from)));
      this.pendingLen += rest;
    }
  }

  private tooLarge(bytes: number): void {
    const line = ++this.line;
    const record = ++this.record;
    this.sink(
      record,
      line,
      this.checker.input("record_too_large", { bytes, limit: this.maxRecordBytes }, record, line),
    );
  }

  private onLine(buf: Buffer, start: number, end: number, knownValid: boolean): void {
    const line = ++this.line;
    if (end > start && buf[end - 1] === 0x0d) end--;
    let s = start;
    while (s < end) {
      const b = buf[s];
      if (b !== 0x20 && b !== 0x09 && b !== 0x0d) break;
      s++;
    }
    if (s === end) return; // blank line: counted, not a record
    const record = ++this.record;
    const text = this.decoder.decode(buf, start, end, knownValid);
    if (text === null) {
      this.sink(
        record,
        line,
        this.checker.input("invalid_encoding", { encoding: this.decoder.encoding }, record, line),
      );
      return;
    }
    this.sink(record, line, this.checker.text(text, record, line));
  }
}
