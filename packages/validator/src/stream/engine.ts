import type { InputFormat, StreamOptions, Validator } from "../types.js";
import { CsvFramer, CsvMapper } from "./csv.js";
import { formatFromName, sniffFormat } from "./detect-format.js";
import {
  bomLength,
  detectEncoding,
  RecordDecoder,
  type ResolvedEncoding,
  SNIFF_BYTES,
} from "./encoding.js";
import { JsonArrayFramer } from "./json-array.js";
import { NdjsonFramer } from "./ndjson.js";
import { RecordChecker, type RecordSink } from "./record-checker.js";

export const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

interface Framer {
  push(chunk: Buffer): void;
  end(): void;
}

/**
 * Synchronous core of streaming validation: push byte chunks, records go to the sink.
 * The first 64 KiB are held until the encoding and format are known (unless both are given);
 * after that only the current record is buffered.
 */
export class StreamEngine {
  format: InputFormat | undefined;
  encoding: ResolvedEncoding | undefined;
  private framer: Framer | null = null;
  private head: Buffer[] = [];
  private headLen = 0;
  private readonly checker: RecordChecker;
  private readonly maxRecordBytes: number;

  constructor(
    validator: Validator,
    private readonly opts: StreamOptions,
    private readonly sink: RecordSink,
  ) {
    this.checker = new RecordChecker(validator, opts);
    this.maxRecordBytes = opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    const f = opts.format && opts.format !== "auto" ? opts.format : formatFromName(opts.fileName);
    this.format = f;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.framer !== null) {
      this.framer.push(buf);
      return;
    }
    this.head.push(buf);
    this.headLen += buf.length;
    const needSniff = (this.opts.encoding ?? "auto") === "auto" || this.format === undefined;
    // Even without sniffing, hold 4 bytes so that a BOM split across chunks is still seen.
    if ((!needSniff && this.headLen >= 4) || this.headLen >= SNIFF_BYTES) this.start(false);
  }

  end(): void {
    if (this.framer === null) {
      if (this.headLen === 0) {
        this.encoding ??= "utf8";
        this.format ??= "ndjson";
        return; // empty input: no records
      }
      this.start(true);
    }
    this.framer?.end();
  }

  private start(complete: boolean): void {
    const head =
      this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head, this.headLen);
    this.head = [];
    this.headLen = 0;
    const encoding = detectEncoding(head, this.opts.encoding ?? "auto", complete);
    this.encoding = encoding;
    const body = head.subarray(bomLength(head, encoding));
    const format = this.format ?? sniffFormat(body);
    this.format = format;
    const decoder = new RecordDecoder(encoding);
    this.framer =
      format === "ndjson"
        ? new NdjsonFramer(decoder, this.checker, this.sink, this.maxRecordBytes)
        : format === "json"
          ? new JsonArrayFramer(decoder, this.checker, this.sink, this.maxRecordBytes)
          : new CsvFramer(
              decoder,
              new CsvMapper(this.checker, this.sink, format === "tsv" ? 0x09 : 0x2c),
              this.maxRecordBytes,
            );
    if (body.length > 0) this.framer.push(body);
  }
}
