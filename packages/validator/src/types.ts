/** Language of rendered messages. */
export type Lang = "zh-CN" | "en";

/** One problem found in a record: data, never an exception. */
export interface ValidationIssue {
  /** 1-based record number in the input (0 for a single value or a file-level issue). */
  record: number;
  /** 1-based line where the record starts (NDJSON, CSV/TSV, JSON arrays). */
  line?: number;
  /** XLSX: the sheet of the row (`line` is then the row number Excel shows). */
  sheet?: string;
  /** XLSX: the A1 address of the cell the issue is about, e.g. "C5". */
  cell?: string;
  /** JSON Pointer into the record, "" for the whole record, e.g. "/residentId". */
  path: string;
  /** Stable snake_case code. */
  code: string;
  severity: "error" | "warning";
  /** What is wrong, then what to do, in the requested language. */
  message: string;
  params: Record<string, unknown>;
}

export interface ValidateOptions {
  /** Language of `message` (default "zh-CN"). */
  lang?: Lang;
  /** Lenient checks: `uscc` turns a USCC whose only fault is its check character into a warning. */
  lenient?: { uscc?: boolean };
  /** Cap on the issues returned by one call (per record when streaming). Default 100. */
  maxErrors?: number;
}

export interface Validator {
  /** The schema's `$id`, or the file URL / `urn:govex:user-schema:<n>` for a user schema without one. */
  readonly id: string;
  /** Validate one value. Returns a shared empty array when the value is valid. */
  validate(value: unknown, opts?: ValidateOptions): ValidationIssue[];
}

export type InputFormat = "ndjson" | "json" | "csv" | "tsv" | "xlsx";
export type InputEncoding = "auto" | "utf8" | "gbk" | "gb18030";

export interface StreamOptions extends ValidateOptions {
  format?: InputFormat | "auto";
  encoding?: InputEncoding;
  /** Used for format detection by extension and in reports. */
  fileName?: string;
  onProgress?: (bytesRead: number) => void;
  signal?: AbortSignal;
  /** A record (line, array element, CSV row) longer than this is skipped with `record_too_large`. Default 16 MiB. */
  maxRecordBytes?: number;
  /** A record nested deeper than this is skipped with `nesting_too_deep`. Default 512. */
  maxDepth?: number;
  /** XLSX: one sheet, by name or 1-based tab position. Default: every sheet. */
  sheet?: string | number;
  /** XLSX: refuse a workbook whose parts would inflate to more than this (`xlsx_too_large`). Default 1 GiB. */
  maxUnzippedBytes?: number;
  /**
   * XLSX: the UTC offset given to date-time cells, which Excel stores without a time zone, when
   * the schema wants an RFC 3339 `date-time` or `time`. Default "+08:00" (China Standard Time).
   */
  utcOffset?: string;
}

export interface RecordResult {
  /** 1-based record number; 0 for a file-level result (e.g. an unknown CSV header), which is not a record. */
  record: number;
  line?: number;
  /** True when the record has no issue of severity "error". */
  valid: boolean;
  issues: ValidationIssue[];
}

export interface FileReport {
  file: string;
  records: number;
  valid: number;
  invalid: number;
  /** Issues of the file, at most `maxReportIssues` (default 1000). */
  issues: ValidationIssue[];
  /** True when issues were left out because of `maxReportIssues`. */
  truncated: boolean;
  /** Detected or requested input format and encoding. */
  format: InputFormat;
  /** XLSX: the sheets read, in order. */
  sheets?: string[];
  encoding: "utf8" | "gb18030";
}

export interface FileOptions extends StreamOptions {
  /** Cap on the issues kept in the FileReport (default 1000); `truncated` tells when more were found. */
  maxReportIssues?: number;
  /**
   * Worker threads for a large UTF-8 NDJSON file: a number, or "auto" (default) for
   * min(availableParallelism(), 4); 1 disables. The report is identical either way.
   */
  workers?: number | "auto";
  /** Files smaller than this many bytes are validated on the calling thread. Default 8 MiB. */
  parallelMinBytes?: number;
  /**
   * The built-in spec name or schema file path the validator came from (`getValidator(schema)`),
   * so that worker threads can load the same validator. Built-in specs, and user schema files
   * without a `$id`, are recognised without it.
   */
  schema?: string;
}
