/**
 * Reading one file of the directory: the format from the setting, the first bytes or the
 * extension, then the CSV/TSV or XLSX reader. The outcome is data: the rows of a readable file, or
 * the one issue that made the file unreadable as a whole.
 */
import { open } from "node:fs/promises";
import { extname } from "node:path";
import type { FileSourceConfig } from "./config.js";
import { type FileIssue, fileIssue } from "./issues.js";
import { readDelimitedFile } from "./read-delimited.js";
import { CFB, readXlsxFile, ZIP } from "./read-xlsx.js";

export type FileFormat = "csv" | "tsv" | "xlsx";

/** A row as read: every named column's text ("" for an empty cell), and where it starts. */
export interface FileRow {
  /** 1-based line (CSV/TSV) or sheet row (XLSX). */
  line: number;
  row: Readonly<Record<string, string>>;
}

/** A file's content, read. */
export interface FileVersion {
  format: FileFormat;
  /** CSV/TSV: the encoding used. */
  encoding?: "utf8" | "gb18030";
  /** XLSX: the sheet read. */
  sheet?: string;
  /** Column names, in order, of the columns read. */
  columns: string[];
  rows: FileRow[];
  /** Issues of single rows and columns; the other rows were read. */
  issues: FileIssue[];
}

export type ReadOutcome =
  | { kind: "read"; sha256: string; version: FileVersion }
  /** Same content (SHA-256) as the version the caller already holds: nothing was kept. */
  | { kind: "same"; sha256: string }
  /** The file as a whole cannot be read. */
  | { kind: "failed"; issue: FileIssue }
  /** The file alone has more rows than `maxRows`: reading stopped. */
  | { kind: "too_many_rows" };

export interface ReadRequest {
  path: string;
  /** The name within the directory, for issues. */
  name: string;
  size: number;
  config: FileSourceConfig;
  /** SHA-256 (hex) of the version held, if any. */
  previousSha256?: string;
}

export async function readSourceFile(request: ReadRequest): Promise<ReadOutcome> {
  const { name } = request;
  if (request.size === 0) return { kind: "failed", issue: fileIssue("file_empty", { file: name }) };
  const kind = await resolveFormat(request);
  if (kind === "xlsx") return readXlsxFile(request);
  if (kind === "xls") {
    const format = extname(name).toLowerCase();
    return {
      kind: "failed",
      issue: fileIssue("unsupported_format", { file: name, params: { format } }),
    };
  }
  if (kind === "compound")
    return { kind: "failed", issue: fileIssue("xlsx_encrypted", { file: name }) };
  return readDelimitedFile(request, kind);
}

type Resolved = "xlsx" | "xls" | "compound" | "," | "\t" | "auto";

/**
 * The setting decides; with `auto`, the first bytes (a workbook renamed to .csv is still a
 * workbook), then the extension, else CSV or TSV told apart by the header line.
 */
async function resolveFormat(request: ReadRequest): Promise<Resolved> {
  switch (request.config.format) {
    case "csv":
      return ",";
    case "tsv":
      return "\t";
    case "xlsx":
      return "xlsx";
  }
  const extension = extname(request.name).toLowerCase();
  const head = await firstBytes(request.path, 8);
  if (head.length >= 4 && head.subarray(0, 4).equals(ZIP)) return "xlsx";
  if (head.length >= 8 && head.equals(CFB)) return extension === ".xls" ? "xls" : "compound";
  switch (extension) {
    case ".csv":
      return ",";
    case ".tsv":
    case ".tab":
      return "\t";
    case ".xlsx":
    case ".xlsm":
      return "xlsx";
    case ".xls":
    case ".et":
      return "xls";
    default:
      return "auto";
  }
}

/** The first bytes of a file; none when it cannot be read (the reader then reports why). */
async function firstBytes(path: string, n: number): Promise<Buffer> {
  const head = Buffer.alloc(n);
  try {
    const handle = await open(path, "r");
    try {
      const { bytesRead } = await handle.read(head, 0, n, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return Buffer.alloc(0);
  }
}
