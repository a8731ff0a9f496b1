import type { SchemaNode } from "../schema-walk.js";
import { splitCsvRow } from "./csv-fields.js";
import type { RecordDecoder } from "./encoding.js";
import { jsonDepth } from "./json-scan.js";
import type { RecordChecker, RecordSink } from "./record-checker.js";

/** Receives each row the framer finds: its decoded text, or why it could not be read. */
export interface CsvRowHandler {
  /** The row is longer than the limit: it was skipped without being buffered. */
  tooLarge(line: number, bytes: number, limit: number): void;
  /** The row has bytes that are not valid in the encoding. */
  badEncoding(line: number, encoding: string): void;
  /** One row's text without its line break; `unterminated` when a quote runs to the end of input. */
  row(text: string, line: number, unterminated: boolean): void;
}

/**
 * CSV (RFC 4180) and TSV rows read incrementally over bytes: quotes may hold delimiters and
 * line breaks; CRLF or LF end a row. The quote, comma, tab, CR and LF bytes are all below
 * 0x30 and never occur inside a UTF-8 or GB18030 multi-byte character, so rows are found on
 * bytes and each row is decoded on its own.
 */
export class CsvFramer {
  private pieces: Buffer[] = [];
  private size = 0;
  private dropped = false;
  private inQuotes = false;
  private line = 1;
  private startLine = 1;

  constructor(
    private readonly decoder: RecordDecoder,
    private readonly handler: CsvRowHandler,
    private readonly maxRecordBytes: number,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    const n = chunk.length;
    let inQuotes = this.inQuotes;
    for (let i = 0; i < n; i++) {
      const b = chunk[i];
      if (b === 0x22) inQuotes = !inQuotes;
      else if (b === 0x0a) {
        if (!inQuotes) {
          this.keep(chunk, start, i);
          this.emit(false);
          start = i + 1;
          this.line++;
          this.startLine = this.line;
        } else this.line++;
      }
    }
    this.inQuotes = inQuotes;
    if (start < n) this.keep(chunk, start, n);
  }

  end(): void {
    if (this.size > 0 || this.dropped) this.emit(this.inQuotes);
  }

  private keep(chunk: Buffer, from: number, to: number): void {
    if (to <= from) return;
    this.size += to - from;
    if (this.dropped) return;
    if (this.size > this.maxRecordBytes) {
      this.dropped = true;
      this.pieces = [];
      return;
    }
    this.pieces.push(Buffer.from(chunk.subarray(from, to)));
  }

  private emit(unterminated: boolean): void {
    const line = this.startLine;
    const size = this.size;
    const dropped = this.dropped;
    const buf =
      this.pieces.length === 1 ? (this.pieces[0] as Buffer) : Buffer.concat(this.pieces, size);
    this.pieces = [];
    this.size = 0;
    this.dropped = false;
    this.inQuotes = false;
    if (dropped) {
      this.handler.tooLarge(line, size, this.maxRecordBytes);
      return;
    }
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 0x0d) end--;
    const text = this.decoder.decode(buf, 0, end, false);
    if (text === null) {
      this.handler.badEncoding(line, this.decoder.encoding);
      return;
    }
    this.handler.row(text, line, unterminated);
  }
}

export interface Column {
  path: string[];
  node: SchemaNode | null;
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const BOOLEANS: Record<string, boolean> = {
  true: true,
  false: false,
  是: true,
  否: false,
  "1": true,
  "0": false,
};

/** Header row → schema properties; data rows → records with values coerced by the schema's types. */
export class CsvMapper implements CsvRowHandler {
  private columns: (Column | null)[] | null = null;
  private record = 0;

  constructor(
    private readonly checker: RecordChecker,
    private readonly sink: RecordSink,
    private readonly delimiter: number,
  ) {}

  tooLarge(line: number, bytes: number, limit: number): void {
    if (this.columns === null) {
      // A header row too large to read: nothing can be mapped.
      this.columns = [];
    }
    const record = ++this.record;
    this.sink(record, line, this.checker.input("record_too_large", { bytes, limit }, record, line));
  }

  badEncoding(line: number, encoding: string): void {
    if (this.columns === null) {
      this.columns = [];
      this.sink(0, line, this.checker.input("invalid_encoding", { encoding }, 0, line));
      return;
    }
    const record = ++this.record;
    this.sink(record, line, this.checker.input("invalid_encoding", { encoding }, record, line));
  }

  row(text: string, line: number, unterminated: boolean): void {
    if (text.trim() === "") return; // blank line
    if (this.columns === null) {
      this.header(splitCsvRow(text, this.delimiter), line);
      return;
    }
    const record = ++this.record;
    if (unterminated) {
      this.sink(record, line, this.checker.input("csv_unterminated_quote", {}, record, line));
      return;
    }
    const cells = splitCsvRow(text, this.delimiter);
    if (cells.length !== this.columns.length) {
      this.sink(
        record,
        line,
        this.checker.input(
          "csv_column_count",
          { expected: this.columns.length, actual: cells.length },
          record,
          line,
        ),
      );
      return;
    }
    const obj: Record<string, unknown> = {};
    for (let c = 0; c < cells.length; c++) {
      const col = this.columns[c];
      const cell = cells[c] as string;
      if (!col || cell === "") continue; // an empty cell means the property is absent
      setPath(obj, col.path, coerce(cell, col.node, this.checker.maxDepth));
    }
    this.sink(record, line, this.checker.value(obj, record, line));
  }

  private header(cells: string[], line: number): void {
    const columns: (Column | null)[] = [];
    const seen = new Set<string>();
    cells.forEach((raw, i) => {
      const header = raw.replace(/^\uFEFF/, "").trim();
      const column = i + 1;
      if (header === "") {
        columns.push(null);
        this.sink(
          0,
          line,
          this.checker.input("csv_unknown_header", { header, column }, 0, line, "warning"),
        );
        return;
      }
      const col = resolveHeader(header, this.checker.root);
      const key = col.path.join("\u0000");
      if (seen.has(key)) {
        columns.push(null);
        this.sink(0, line, this.checker.input("csv_duplicate_header", { header, column }, 0, line));
        return;
      }
      seen.add(key);
      // An open schema that declares no properties accepts any column: no warning then.
      if (
        this.checker.root !== null &&
        col.node === null &&
        this.checker.root.propertyNames().length > 0
      ) {
        this.sink(
          0,
          line,
          this.checker.input("csv_unknown_header", { header, column }, 0, line, "warning"),
        );
      }
      columns.push(col);
    });
    this.columns = columns;
  }
}

/** A header names a property by its name or its zh-CN (or English) title; dots nest: `domicile.divisionCode`. */
export function resolveHeader(header: string, root: SchemaNode | null): Column {
  if (root !== null) {
    const whole = findProperty(root, header);
    if (whole !== null) return { path: [whole], node: root.child(whole) };
  }
  const segs = header.split(".");
  const path: string[] = [];
  let node: SchemaNode | null = root;
  for (const seg of segs) {
    const name = node === null ? null : findProperty(node, seg);
    if (name === null) {
      path.push(seg);
      node = null;
    } else {
      path.push(name);
      node = (node as SchemaNode).child(name);
    }
  }
  return { path, node };
}

function findProperty(node: SchemaNode, label: string): string | null {
  const props = node.propertyNames();
  for (const p of props) if (p.name === label) return p.name;
  for (const p of props) if (p.title === label) return p.name;
  const lower = label.toLowerCase();
  for (const p of props)
    if (p.titleEn !== undefined && p.titleEn.toLowerCase() === lower) return p.name;
  return null;
}

/** Coerce a cell by the schema's type: strings stay strings (leading zeros kept); numbers parse strictly. */
export function coerce(cell: string, node: SchemaNode | null, maxDepth: number): unknown {
  const types = node?.types ?? null;
  if (types === null || types.has("string")) return cell;
  if ((types.has("integer") || types.has("number")) && NUMBER.test(cell)) return Number(cell);
  if (types.has("boolean")) {
    const key = cell.trim().toLowerCase();
    if (Object.hasOwn(BOOLEANS, key)) return BOOLEANS[key];
  }
  if (
    (types.has("object") || types.has("array")) &&
    /^\s*[[{]/.test(cell) &&
    jsonDepth(cell, maxDepth) <= maxDepth
  ) {
    try {
      return JSON.parse(cell);
    } catch {
      return cell;
    }
  }
  if (types.has("null") && cell === "null") return null;
  return cell;
}

/** Set a nested value; "__proto__" and friends become own data properties, never prototypes. */
export function setPath(
  obj: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): void {
  let target = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i] as string;
    let next = Object.hasOwn(target, k) ? target[k] : undefined;
    if (next === undefined) {
      next = {};
      define(target, k, next);
    } else if (typeof next !== "object" || next === null || Array.isArray(next)) {
      return; // "a" and "a.b" both given: keep the first
    }
    target = next as Record<string, unknown>;
  }
  define(target, path[path.length - 1] as string, value);
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
