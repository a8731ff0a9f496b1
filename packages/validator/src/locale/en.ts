import type { MessageTable } from "./types.js";

const list = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join(", ") : JSON.stringify(v);
const typeName = (t: unknown): string => (Array.isArray(t) ? t.join(" or ") : String(t));

/** English messages of structural and input codes: what is wrong, then what to do. */
export const en: MessageTable = {
  required: (_p, f) => `${f} is required but missing: add it.`,
  type: (p, f) =>
    `${f} must be ${typeName(p.expected)}, found ${typeName(p.actual)}: write it as ${typeName(p.expected)}.`,
  enum: (p, f) => `${f} is not in the code table: use one of ${list(p.allowed)}.`,
  const: (p, f) => `${f} must be ${JSON.stringify(p.allowed)}: change it to that value.`,
  pattern: (p, f) => `${f} does not match the pattern ${String(p.pattern)}: check and correct it.`,
  format: (p, f) => `${f} is not a valid ${String(p.format)}: write it in that format.`,
  additional_properties: (_p, f) =>
    `${f} is not defined by the schema: remove it or check its spelling.`,
  min_length: (p, f) => `${f} is too short (at least ${p.limit} characters): complete it.`,
  max_length: (p, f) => `${f} is too long (at most ${p.limit} characters): shorten it.`,
  minimum: (p, f) => `${f} must be >= ${p.limit}: correct the number.`,
  maximum: (p, f) => `${f} must be <= ${p.limit}: correct the number.`,
  exclusive_minimum: (p, f) => `${f} must be > ${p.limit}: correct the number.`,
  exclusive_maximum: (p, f) => `${f} must be < ${p.limit}: correct the number.`,
  multiple_of: (p, f) => `${f} must be a multiple of ${p.multipleOf}: correct the number.`,
  min_items: (p, f) => `${f} needs at least ${p.limit} items: add items.`,
  max_items: (p, f) => `${f} allows at most ${p.limit} items: remove items.`,
  unique_items: (p, f) =>
    `${f} item ${Number(p.j) + 1} duplicates item ${Number(p.i) + 1}: remove the duplicate.`,
  min_properties: (p, f) => `${f} needs at least ${p.limit} fields: add fields.`,
  max_properties: (p, f) => `${f} allows at most ${p.limit} fields: remove fields.`,
  any_of: (_p, f) =>
    `${f} matches none of the allowed forms: use one of the forms the schema defines.`,
  one_of: (_p, f) =>
    `${f} must match exactly one allowed form: change it so that only one applies.`,
  not: (_p, f) => `${f} has a value the schema forbids: use another value.`,
  if_then: (_p, f) =>
    `${f} breaks a conditional rule (what other fields need when one field has a given value): add or correct those fields.`,
  dependent_required: (p, f) => `${f} is required when "${String(p.property)}" is present: add it.`,
  property_names: (p, f) =>
    `${f} has an invalid field name ${JSON.stringify(p.property)}: rename it.`,
  contains: (_p, f) => `${f} has no item of the required kind: add one.`,
  false_schema: (_p, f) => `${f} is not allowed here: remove it.`,
  invalid_json: (p) =>
    `not valid JSON${p.position !== undefined ? ` (near character ${Number(p.position) + 1})` : ""}: ${String(p.reason)}. Fix the record's JSON syntax.`,
  invalid_encoding: (p) =>
    `the record has bytes that are not valid ${String(p.encoding)}: check the file's encoding (UTF-8 or GBK/GB18030) and export it again.`,
  record_too_large: (p) =>
    `record too large (at least ${p.bytes} bytes, limit ${p.limit}), skipped: split it or raise maxRecordBytes.`,
  nesting_too_deep: (p) =>
    `record nested deeper than ${p.limit} levels, skipped: check that the data is not wrongly nested.`,
  csv_column_count: (p) =>
    `the row has ${p.actual} columns but the header has ${p.expected}: look for a missing or extra delimiter or an unclosed quote.`,
  csv_unterminated_quote: () =>
    `a quote in this row is never closed before the end of the file: add the closing quote.`,
  csv_unknown_header: (p) =>
    `header column ${p.column} "${String(p.header)}" matches no field of the schema: use the field's name or its zh-CN title.`,
  csv_duplicate_header: (p) =>
    `header column ${p.column} "${String(p.header)}" repeats an earlier column: remove or rename it.`,
  csv_empty_header: (p) =>
    `header column ${p.column}${p.cell === undefined ? "" : ` (${String(p.cell)})`} has no name, so the column is ignored: give it a name or remove it.`,
  json_trailing_data: (p) =>
    `unexpected content after the JSON document at byte ${Number(p.position) + 1}: remove it, or use NDJSON (one record per line).`,
  truncated_input: () =>
    `the file ends before the array is closed (missing "]"): check that the file is complete.`,
  uscc_check_character_lenient: (_p, f) =>
    `${f} has a wrong check character (a warning in lenient mode): verify it with the registration authority.`,
  rule_failed: (p, f) => `${f} fails the rule "${String(p.rule)}": check the related fields.`,
  empty_input: () =>
    `the input has no records (an empty file, or a header only): check that the right file was exported; under --strict this warning makes the exit code 1.`,
  format_mismatch: (p) =>
    `the file is named .${String(p.extension)} but its content is ${String(p.format).toUpperCase()}, so it was validated as ${String(p.format).toUpperCase()}: correct the extension, or give --input-format.`,
  xlsx_not_zip: () =>
    `not a valid XLSX file (an XLSX file is a ZIP archive and this one is not): save it as .xlsx from Excel or WPS, or export CSV.`,
  xlsx_encrypted: () =>
    `the file is a password-protected (encrypted) workbook or a legacy .xls (compound document) and cannot be read: remove the password and save it as .xlsx.`,
  xlsx_damaged: () =>
    `the XLSX file is damaged or incomplete (its ZIP directory is missing): export or download it again.`,
  xlsx_not_workbook: (p) =>
    `a ZIP archive (${String(p.found)}) but not an Excel workbook (no xl/workbook.xml): save it as .xlsx from Excel or WPS.`,
  xlsx_too_large: (p) =>
    `the XLSX file is too large once unzipped (${p.part === undefined ? "" : `${String(p.part)} `}${String(p.bytes)} bytes, limit ${String(p.limit)}) and was not read, as a guard against zip bombs: split the workbook or export CSV; raise maxUnzippedBytes if the data is genuine.`,
  xlsx_unreadable: (p) =>
    `the XLSX file cannot be parsed (${String(p.reason)}); later rows were not validated: save it again as .xlsx from Excel or WPS.`,
  xlsx_cell_error: (p, f) =>
    `${f}: cell ${String(p.cell)} holds an error value${p.error ? ` ${String(p.error)}` : " (a formula whose result is an error, such as #DIV/0! or #N/A)"}, not data: fix the formula or enter the value.`,
  xlsx_formula_not_computed: (p, f) =>
    `${f}: cell ${String(p.cell)} is a formula that was never computed, so it has no value: open and save the file in Excel or WPS, or enter the value.`,
  xlsx_number_precision: (p, f) =>
    `${f}: cell ${String(p.cell)} is stored as a number, and Excel keeps only 15 significant digits, so it reads "${String(p.shown)}" and later digits may be lost: format the column as text and enter the values again.`,
  xlsx_cells_outside_header: (p) =>
    `${String(p.count)} cells (the first at ${String(p.cell)}) lie right of the header's last column, have no column name and were ignored: give those columns a header or delete them.`,
  invalid_value: (p, f) => `${f} is invalid (${String(p.keyword)}): correct it against the schema.`,
};

/** English label of a field: "Title" (path) or just the path. */
export function enField(title: string | undefined, path: string): string {
  if (path === "") return title ? `"${title}"` : "the record";
  return title ? `"${title}" (${path})` : `"${path}"`;
}
