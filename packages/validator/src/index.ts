/**
 * @govex/validator: precompiled ajv validators for the govex specs/data schemas, user schemas
 * compiled at run time, issues as data with zh-CN/English messages, and streaming validation
 * of NDJSON, JSON arrays and CSV/TSV in UTF-8 or GBK/GB18030 and of XLSX workbooks, CSV/TSV rows
 * read as objects of strings (`readDelimitedRows`) and XLSX rows read as typed cells
 * (`readXlsxRows`).
 * @module
 */
export { builtinSchemaNames, builtinSpecList } from "./builtin.js";
export type { BuiltinSpec } from "./compiled.js";
export * from "./errors.js";
export { getValidator } from "./get-validator.js";
export {
  type DelimitedEntry,
  type DelimitedRow,
  type DelimitedRowReader,
  type ReadDelimitedOptions,
  readDelimitedRows,
} from "./stream/read-rows.js";
export {
  type ReadXlsxOptions,
  readXlsxRows,
  type XlsxEntry,
  type XlsxNamedCell,
  type XlsxRowReader,
  xlsxCellText,
} from "./stream/read-xlsx.js";
export { validateFile } from "./stream/validate-file.js";
export { validateStream } from "./stream/validate-stream.js";
export type { XlsxCell, XlsxValue } from "./stream/xlsx-cells.js";
export * from "./types.js";
