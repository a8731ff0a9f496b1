import { createReadStream } from "node:fs";
import type { InputEncoding, Lang, ValidationIssue } from "../types.js";
import { renderIssue } from "../validator.js";
import { CsvFramer, type CsvRowHandler } from "./csv.js";
import { splitCsvRow } from "./csv-fields.js";
import { formatFromName, sniffFormat } from "./detect-format.js";
import { bomLength, detectEncoding, RecordDecoder, SNIFF_BYTES } from "./encoding.js";
import { DEFAULT_MAX_RECORD_BYTES } from "./engine.js";
import { inputError } from "./input-error.js";
import { checkAborted } from "./validate-stream.js";

export interface ReadDelimitedOptions {
  /** `auto` (default): a BOM decides, else the first 64 KiB are UTF-8 if they decode as UTF-8, else GB18030. */
  encoding?: InputEncoding;
  /** `auto` (default): from the file name (`.csv`, `.tsv`/`.tab`), else the first line (more tabs than commas → tab). */
  delimiter?: "," | "\t" | "auto";
  /** Name used to choose the delimiter when the input is a stream. */
  fileName?: string;
  /** Language of the issues' messages (default "zh-CN"). */
  lang?: Lang;
  /** A row (with its quoted line breaks) longer than this is skipped with `record_too_large`. Default 16 MiB. */
  maxRecordBytes?: number;
  signal?: AbortSignal;
}

/** One data row: every named column's cell as a string ("" for an empty cell), keyed by its header. */
export type DelimitedRow = Record<string, string>;

/**
 * What the reader yields, in file order: a row, or an issue of a row that could not be read
 * (`issue.record` ≥ 1) or of the header (`issue.record` 0). `line` is the 1-based line where the
 * row starts.
 */
export type DelimitedEntry =
  | { line: number; row: DelimitedRow; issue?: undefined }
  | { line: number; row?: undefined; issue: ValidationIssue };

/** An async iterable of entries that also tells what it found once reading has started. */
export interface DelimitedRowReader extends AsyncIterable<DelimitedEntry> {
  /** The encoding used (requested or detected); undefined before the first bytes or for empty input. */
  readonly encoding: "utf8" | "gb18030" | undefined;
  /** The delimiter used; undefined before the first bytes or for empty input. */
  readonly delimiter: "," | "\t" | undefined;
  /** The header's names as written (trimmed, BOM removed), including ignored columns; undefined until read. */
  readonly header: readonly string[] | undefined;
}

/**
 * Read CSV (RFC 4180) or TSV rows as objects of strings keyed by the header row, in UTF-8 (with
 * or without BOM) or GBK/GB18030, incrementally: only the current row is held. The first
 * non-blank line is the header; blank lines are skipped. A row that cannot be read (bad bytes for
 * the encoding, a quote never closed, a wrong number of columns, too large) is yielded as an
 * issue and reading goes on; a header that cannot be read ends the input after its issue. Empty
 * and duplicated header names are issues, and their columns are left out of the rows. A header
 * named `__proto__` is an own property of the row, never its prototype.
 *
 * Iterate the reader once; a path is opened when iteration starts.
 *
 * @throws GovexValidatorError `input_not_found`, `input_is_directory`, `input_unreadable` (a path),
 *   `unsupported_encoding` (UTF-16), `aborted`
 * @example
 * const reader = readDelimitedRows("企业登记.csv", { encoding: "auto" });
 * for await (const { line, row, issue } of reader) {
 *   if (issue) console.warn(line, issue.message);
 *   else console.log(row.统一社会信用代码);
 * }
 * reader.encoding; // "gb18030"
 */
export function readDelimitedRows(
  input: string | AsyncIterable<Uint8Array>,
  opts: ReadDelimitedOptions = {},
): DelimitedRowReader {
  let engine: DelimitedEngine | undefined;
  return {
    get encoding() {
      return engine?.encoding;
    },
    get delimiter() {
      return engine?.delimiter;
    },
    get header() {
      return engine?.rows?.header;
    },
    [Symbol.asyncIterator]() {
      const name = opts.fileName ?? (typeof input === "string" ? input : undefined);
      engine = new DelimitedEngine(opts, name);
      return drive(engine, typeof input === "string" ? fileChunks(input) : input, opts.signal);
    },
  };
}

async function* drive(
  engine: DelimitedEngine,
  input: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
): AsyncGenerator<DelimitedEntry> {
  checkAborted(signal);
  for await (const chunk of input) {
    checkAborted(signal);
    engine.push(chunk);
    yield* engine.take();
    if (engine.rows?.stopped) return;
  }
  engine.end();
  yield* engine.take();
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
      yield chunk as Buffer;
    }
  } catch (err) {
    throw inputError(path, err);
  }
}

/** Holds the first bytes until the encoding and delimiter are known, then frames rows. */
class DelimitedEngine {
  encoding: "utf8" | "gb18030" | undefined;
  delimiter: "," | "\t" | undefined;
  rows: RowCollector | undefined;
  private framer: CsvFramer | null = null;
  private head: Buffer[] = [];
  private headLen = 0;
  private readonly needSniff: boolean;

  constructor(
    private readonly opts: ReadDelimitedOptions,
    fileName: string | undefined,
  ) {
    const named = formatFromName(fileName);
    this.delimiter =
      opts.delimiter !== undefined && opts.delimiter !== "auto"
        ? opts.delimiter
        : named === "tsv"
          ? "\t"
          : named === "csv"
            ? ","
            : undefined;
    this.needSniff = (opts.encoding ?? "auto") === "auto" || this.delimiter === undefined;
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
    // Even without sniffing, hold 4 bytes so that a BOM split across chunks is still seen.
    if ((!this.needSniff && this.headLen >= 4) || this.headLen >= SNIFF_BYTES) this.start(false);
  }

  end(): void {
    if (this.framer === null) {
      if (this.headLen === 0) {
        this.delimiter = undefined;
        return; // empty input: no header, no rows
      }
      this.start(true);
    }
    this.framer?.end();
  }

  /** The entries found so far, handed over once. */
  take(): DelimitedEntry[] {
    if (this.rows === undefined || this.rows.out.length === 0) return [];
    const out = this.rows.out;
    this.rows.out = [];
    return out;
  }

  private start(complete: boolean): void {
    const head =
      this.head.length === 1 ? (this.head[0] as Buffer) : Buffer.concat(this.head, this.headLen);
    this.head = [];
    this.headLen = 0;
    const encoding = detectEncoding(head, this.opts.encoding ?? "auto", complete);
    this.encoding = encoding;
    const body = head.subarray(bomLength(head, encoding));
    this.delimiter ??= sniffFormat(body) === "tsv" ? "\t" : ",";
    this.rows = new RowCollector(this.delimiter === "\t" ? 0x09 : 0x2c, this.opts.lang ?? "zh-CN");
    this.framer = new CsvFramer(
      new RecordDecoder(encoding),
      this.rows,
      this.opts.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    );
    if (body.length > 0) this.framer.push(body);
  }
}

/** Header row → column names; data rows → objects of strings. */
class RowCollector implements CsvRowHandler {
  out: DelimitedEntry[] = [];
  header: string[] | undefined;
  /** The header could not be read: no later row can be named, so reading stops. */
  stopped = false;
  private columns: (string | null)[] | null = null;
  private record = 0;

  constructor(
    private readonly delimiter: number,
    private readonly lang: Lang,
  ) {}

  tooLarge(line: number, bytes: number, limit: number): void {
    this.fail(line, "record_too_large", { bytes, limit });
  }

  badEncoding(line: number, encoding: string): void {
    this.fail(line, "invalid_encoding", { encoding });
  }

  row(text: string, line: number, unterminated: boolean): void {
    if (this.stopped || text.trim() === "") return; // blank line
    if (unterminated || this.columns === null) {
      if (unterminated) this.fail(line, "csv_unterminated_quote", {});
      else this.readHeader(splitCsvRow(text, this.delimiter), line);
      return;
    }
    const record = ++this.record;
    const cells = splitCsvRow(text, this.delimiter);
    if (cells.length !== this.columns.length) {
      const params = { expected: this.columns.length, actual: cells.length };
      this.issue(record, line, "csv_column_count", params, "error");
      return;
    }
    const row: DelimitedRow = {};
    for (let c = 0; c < cells.length; c++) {
      const name = this.columns[c];
      if (name === null || name === undefined) continue;
      if (name === "__proto__") {
        // An own data property: plain assignment would replace the row's prototype.
        Object.defineProperty(row, name, {
          value: cells[c],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else row[name] = cells[c] as string;
    }
    this.out.push({ line, row });
  }

  /** A row that cannot be read; when it is the header, nothing after it can be read either. */
  private fail(line: number, code: string, params: Record<string, unknown>): void {
    if (this.stopped) return;
    if (this.columns === null) {
      this.stopped = true;
      this.issue(0, line, code, params, "error");
      return;
    }
    this.issue(++this.record, line, code, params, "error");
  }

  private readHeader(cells: string[], line: number): void {
    const header = cells.map((cell) => cell.replace(/^\uFEFF/, "").trim());
    const seen = new Set<string>();
    this.header = header;
    this.columns = header.map((name, i) => {
      const column = i + 1;
      if (name === "") {
        this.issue(0, line, "csv_empty_header", { column }, "warning");
        return null;
      }
      if (seen.has(name)) {
        this.issue(0, line, "csv_duplicate_header", { header: name, column }, "error");
        return null;
      }
      seen.add(name);
      return name;
    });
  }

  private issue(
    record: number,
    line: number,
    code: string,
    params: Record<string, unknown>,
    severity: "error" | "warning",
  ): void {
    const issue = renderIssue({ path: "", code, severity, params }, this.lang, record, line, null);
    this.out.push({ line, issue });
  }
}
