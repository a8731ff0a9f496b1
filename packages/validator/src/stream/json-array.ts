import type { RecordDecoder } from "./encoding.js";
import type { RecordChecker, RecordSink } from "./record-checker.js";

enum Phase {
  Start = 0, // before the first non-space byte
  Array = 1, // inside the top-level array, expecting an element or "]"
  Element = 2, // inside an element (or the single top-level value)
  After = 3, // after an element, expecting "," or "]"
  Done = 4, // after the document: only spaces allowed
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * A JSON document read incrementally: a top-level array yields each element as a record
 * without holding the whole file; any other top-level value is one record. Only one element
 * is buffered at a time, at most maxRecordBytes; deeper nesting than maxDepth is skipped
 * without buffering. In GB18030 a byte ≥ 0x81 starts a multi-byte character whose next byte
 * may look like "[", "]", "{", "}" or "\\", so that byte is skipped.
 */
export class JsonArrayFramer {
  private phase = Phase.Start;
  private single = false;
  private depth = 0;
  private inString = false;
  private escape = false;
  private skipNext = false;
  private scalar = false; // a number/true/false/null element: ends at a delimiter
  private pieces: Buffer[] = [];
  private size = 0;
  private dropped = false; // too large: stop buffering
  private tooDeep = false;
  private startLine = 1;
  private line = 1;
  private offset = 0; // bytes seen before the current chunk
  private record = 0;
  private reportedTrailing = false;

  constructor(
    private readonly decoder: RecordDecoder,
    private readonly checker: RecordChecker,
    private readonly sink: RecordSink,
    private readonly maxRecordBytes: number,
  ) {}

  push(chunk: Buffer): void {
    const gb = this.decoder.encoding === "gb18030";
    let elemStart = this.phase === Phase.Element ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const b = chunk[i] as number;
      if (b === 0x0a) this.line++;
      switch (this.phase) {
        case Phase.Element: {
          if (this.skipNext) {
            this.skipNext = false;
            continue;
          }
          if (this.inString) {
            if (this.escape) this.escape = false;
            else if (b === 0x5c) this.escape = true;
            else if (b === 0x22) {
              this.inString = false;
              if (this.depth === 0) {
                this.finish(chunk, elemStart, i + 1);
                elemStart = -1;
              }
            } else if (gb && b >= 0x81) this.skipNext = true;
            continue;
          }
          if (this.scalar) {
            if (b === 0x2c || b === 0x5d || isSpace(b)) {
              this.finish(chunk, elemStart, i);
              elemStart = -1;
              i--; // let the After phase see the delimiter
              if (b === 0x0a) this.line--;
            }
            continue;
          }
          if (b === 0x22) this.inString = true;
          else if (b === 0x7b || b === 0x5b) {
            this.depth++;
            if (this.depth > this.checker.maxDepth && !this.tooDeep) {
              this.tooDeep = true;
              this.dropBuffer();
            }
          } else if (b === 0x7d || b === 0x5d) {
            this.depth--;
            if (this.depth === 0) {
              this.finish(chunk, elemStart, i + 1);
              elemStart = -1;
            }
          } else if (gb && b >= 0x81) this.skipNext = true;
          continue;
        }
        case Phase.Start: {
          if (isSpace(b)) continue;
          if (b === 0x5b) {
            this.phase = Phase.Array;
            continue;
          }
          this.single = true;
          this.begin(b);
          elemStart = i;
          continue;
        }
        case Phase.Array: {
          if (isSpace(b)) continue;
          if (b === 0x5d) {
            this.phase = Phase.Done;
            continue;
          }
          this.begin(b);
          elemStart = i;
          continue;
        }
        case Phase.After: {
          if (isSpace(b)) continue;
          if (b === 0x2c) this.phase = Phase.Array;
          else if (b === 0x5d) this.phase = Phase.Done;
          else {
            // A missing comma: take the byte as the start of the next element, whose parse
            // will fail or succeed on its own; never lose the rest of the file.
            this.begin(b);
            elemStart = i;
          }
          continue;
        }
        case Phase.Done: {
          if (isSpace(b) || this.reportedTrailing) continue;
          this.reportedTrailing = true;
          this.sink(
            0,
            this.line,
            this.checker.input("json_trailing_data", { position: this.offset + i }, 0, this.line),
          );
          continue;
        }
      }
    }
    if (this.phase === Phase.Element && elemStart >= 0) this.keep(chunk, elemStart, n);
    this.offset += n;
  }

  end(): void {
    if (this.phase === Phase.Element) {
      // Truncated: the partial element is a record (its parse fails, or a scalar completes).
      this.finish(null, -1, -1);
      if (!this.single) this.truncated();
    } else if (this.phase === Phase.Array || this.phase === Phase.After) {
      this.truncated();
    }
  }

  private truncated(): void {
    this.sink(0, this.line, this.checker.input("truncated_input", {}, 0, this.line));
  }

  private begin(b: number): void {
    this.phase = Phase.Element;
    this.startLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    this.skipNext = false;
    this.scalar = false;
    this.pieces = [];
    this.size = 0;
    this.dropped = false;
    this.tooDeep = false;
    if (b === 0x22) this.inString = true;
    else if (b === 0x7b || b === 0x5b) this.depth = 1;
    else this.scalar = true;
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (this.dropped || this.tooDeep) {
      this.size += to - from;
      return;
    }
    this.size += to - from;
    if (this.size > this.maxRecordBytes) {
      this.dropBuffer();
      return;
    }
    this.pieces.push(Buffer.from(chunk.subarray(from, to)));
  }

  private dropBuffer(): void {
    this.dropped = true;
    this.pieces = [];
  }

  private finish(chunk: Buffer | null, from: number, to: number): void {
    if (chunk !== null && from >= 0) this.keep(chunk, from, to);
    this.phase = this.single ? Phase.Done : Phase.After;
    const record = ++this.record;
    const line = this.startLine;
    if (this.tooDeep) {
      this.sink(
        record,
        line,
        this.checker.input("nesting_too_deep", { limit: this.checker.maxDepth }, record, line),
      );
    } else if (this.dropped || this.size > this.maxRecordBytes) {
      this.sink(
        record,
        line,
        this.checker.input(
          "record_too_large",
          { bytes: this.size, limit: this.maxRecordBytes },
          record,
          line,
        ),
      );
    } else {
      const buf =
        this.pieces.length === 1
          ? (this.pieces[0] as Buffer)
          : Buffer.concat(this.pieces, this.size);
      const text = this.decoder.decode(buf, 0, buf.length, false);
      if (text === null) {
        this.sink(
          record,
          line,
          this.checker.input("invalid_encoding", { encoding: this.decoder.encoding }, record, line),
        );
      } else {
        this.sink(record, line, this.checker.text(text, record, line));
      }
    }
    this.pieces = [];
    this.size = 0;
  }
}
