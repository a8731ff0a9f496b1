/**
 * @govex/adapter-file: a govex source over a directory of CSV/TSV files (UTF-8 or GBK/GB18030)
 * and XLSX workbooks, held in memory and indexed by key, where a new or changed file is a change.
 * @module
 */
export {
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  DEFAULT_MAX_XLSX_BYTES,
  DEFAULT_RESCAN_INTERVAL_MS,
  type FileSourceConfig,
  type FileSourceConfigInput,
  fileSourceConfigSchema,
  parseFileSourceConfig,
} from "./config.js";
export { createSource, type FileInfo, type FileSource } from "./file-source.js";
export type { FileIssue, FileIssueCode } from "./issues.js";
export { compareKeys } from "./key-view.js";
