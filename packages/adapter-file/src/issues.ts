/**
 * What the file source found wrong in the directory: data, with zh-CN and English messages that
 * say where (file and line), what is wrong and what to do. Issues never carry a cell's value
 * (it may be personal data), only where to find it.
 */

export type FileIssueCode =
  // the directory
  | "directory_unreadable"
  | "too_many_rows"
  | "no_matching_files"
  // a file as a whole: its previous version's rows, if any, are kept
  | "file_unreadable"
  | "file_empty"
  | "file_changing"
  | "unsupported_format"
  | "unsupported_encoding"
  | "encoding_mismatch"
  | "no_header"
  | "xlsx_not_zip"
  | "xlsx_encrypted"
  | "xlsx_too_large"
  | "xlsx_unreadable"
  | "sheet_not_found"
  | "xlsx_merged_header"
  // header columns and rows (the reader's codes for CSV/TSV, the same codes for XLSX)
  | "csv_empty_header"
  | "csv_duplicate_header"
  | "invalid_encoding"
  | "record_too_large"
  | "csv_column_count"
  | "csv_unterminated_quote"
  | "xlsx_cell_error"
  | "xlsx_cells_outside_header"
  // keys
  | "missing_key"
  | "duplicate_key"
  // more issues of one code in one file than are listed
  | "more_issues"
  | "not_a_regular_file";

export interface FileIssue {
  code: FileIssueCode;
  /** "error": rows are withheld (or a file is not read); "warning": nothing is withheld. */
  severity: "error" | "warning";
  /** File name within the directory; absent for an issue of the directory. */
  file?: string;
  /** 1-based line (CSV/TSV) or row number (XLSX) where the row starts. */
  line?: number;
  zh: string;
  en: string;
  params: Record<string, unknown>;
}

type Text = (p: Record<string, unknown>) => { zh: string; en: string };

const s = (v: unknown) => String(v);

/** Messages without the location, which `fileIssue` puts in front. */
const MESSAGES: Record<FileIssueCode, { severity: "error" | "warning"; text: Text }> = {
  directory_unreadable: {
    severity: "error",
    text: (p) => ({
      zh: `无法读取数据目录（${s(p.reason)}），继续提供上一次扫描的数据。请检查目录是否存在及读取权限。`,
      en: `the data directory cannot be read (${s(p.reason)}); the rows of the last scan are still served: check that it exists and is readable.`,
    }),
  },
  too_many_rows: {
    severity: "error",
    text: (p) => ({
      zh: `目录中的数据超过 ${s(p.limit)} 行的上限（数据保存在内存中），本次扫描未生效。请调高 maxRows（每行约占 0.5–1 KiB 内存），或用 pattern 缩小文件范围。`,
      en: `the directory holds more than ${s(p.limit)} rows, the limit of the in-memory index, so this scan was not applied: raise maxRows (about 0.5–1 KiB of memory per row) or narrow the pattern.`,
    }),
  },
  no_matching_files: {
    severity: "warning",
    text: (p) => ({
      zh: `数据目录中没有与 ${s(p.pattern)} 匹配的文件，当前没有数据。请检查 pattern 设置，或等待首次导出。`,
      en: `no file in the data directory matches ${s(p.pattern)}, so there are no rows: check pattern, or wait for the first export.`,
    }),
  },
  file_unreadable: {
    severity: "error",
    text: (p) => ({
      zh: `无法读取文件（${s(p.reason)}），保留其上一版本的数据（如有）。请检查读取权限。`,
      en: `cannot be read (${s(p.reason)}); the rows of its previous version, if any, are kept: check its permissions.`,
    }),
  },
  file_empty: {
    severity: "error",
    text: () => ({
      zh: "文件为空（0 字节），保留其上一版本的数据（如有）。请确认导出已完成。",
      en: "the file is empty (0 bytes); the rows of its previous version, if any, are kept: check that the export finished.",
    }),
  },
  file_changing: {
    severity: "warning",
    text: () => ({
      zh: "读取期间文件被修改，暂保留上一版本的数据，下次扫描时重读。建议先以其他文件名写入，写完再改名。",
      en: "the file changed while it was read; its previous version is kept and it is read again at the next scan: write exports under another name and rename them into place.",
    }),
  },
  unsupported_format: {
    severity: "error",
    text: (p) => ({
      zh: `无法识别的文件格式（${s(p.format)}）。仅支持 CSV、TSV 和 XLSX：.xls 请另存为 .xlsx，其他扩展名请在配置中设定 format。`,
      en: `unrecognised file format (${s(p.format)}): only CSV, TSV and XLSX are read; save .xls as .xlsx, or set format for other extensions.`,
    }),
  },
  unsupported_encoding: {
    severity: "error",
    text: () => ({
      zh: "文件是 UTF-16 编码，不支持。请另存为 UTF-8 或 GB18030（GBK）。",
      en: "the file is UTF-16, which is not supported: save it as UTF-8 or GB18030 (GBK).",
    }),
  },
  encoding_mismatch: {
    severity: "error",
    text: (p) => ({
      zh: `配置的编码是 ${s(p.declared)}，但文件是含非 ASCII 字符的 UTF-8，按 ${s(p.declared)} 读取会得到乱码，文件未载入。请把 encoding 设为 auto 或 utf8。`,
      en: `encoding ${s(p.declared)} is configured but the file is UTF-8 with non-ASCII text, which would read as garbled text, so it was not loaded: set encoding to auto or utf8.`,
    }),
  },
  no_header: {
    severity: "error",
    text: (p) => ({
      zh:
        p.sheet === undefined
          ? "文件没有表头行（只有空行）。请确认第一行是列名。"
          : `工作表「${s(p.sheet)}」的表头行（第 ${s(p.row)} 行）为空。请检查 headerRow 设置。`,
      en:
        p.sheet === undefined
          ? "the file has no header row (only blank lines): the first line must name the columns."
          : `the header row (row ${s(p.row)}) of sheet "${s(p.sheet)}" is empty: check headerRow.`,
    }),
  },
  xlsx_not_zip: {
    severity: "error",
    text: () => ({
      zh: "不是有效的 XLSX 文件（XLSX 是 ZIP 压缩包，而此文件不是）。请用 Excel 或 WPS 另存为 .xlsx。",
      en: "not a valid XLSX file (an XLSX file is a ZIP archive and this one is not): save it as .xlsx from Excel or WPS.",
    }),
  },
  xlsx_encrypted: {
    severity: "error",
    text: () => ({
      zh: "文件是加密（有密码）的工作簿或旧版 .xls（复合文档格式）。请去除密码并另存为 .xlsx。",
      en: "the file is a password-protected workbook or a legacy .xls (compound document): remove the password and save it as .xlsx.",
    }),
  },
  xlsx_too_large: {
    severity: "error",
    text: (p) => ({
      zh: `XLSX 文件过大（${s(p.bytes)} 字节${p.unzipped ? "（解压后）" : ""}，上限 ${s(p.limit)} 字节），未载入。请拆分文件、改用 CSV，或调高 maxXlsxBytes。`,
      en: `the XLSX file is too large (${s(p.bytes)} bytes${p.unzipped ? " unzipped" : ""}, limit ${s(p.limit)}), not loaded: split it, export CSV instead, or raise maxXlsxBytes.`,
    }),
  },
  xlsx_unreadable: {
    severity: "error",
    text: (p) => ({
      zh: `XLSX 文件无法解析（${s(p.reason)}）。请用 Excel 或 WPS 重新另存为 .xlsx。`,
      en: `the XLSX file cannot be parsed (${s(p.reason)}): save it again as .xlsx from Excel or WPS.`,
    }),
  },
  sheet_not_found: {
    severity: "error",
    text: (p) => ({
      zh: `找不到工作表 ${s(p.sheet)}（现有：${s(p.sheets)}）。请检查 sheet 设置（名称，或从 1 开始的序号）。`,
      en: `no sheet ${s(p.sheet)} (the workbook has: ${s(p.sheets)}): check sheet (a name, or a position from 1).`,
    }),
  },
  xlsx_merged_header: {
    severity: "error",
    text: (p) => ({
      zh: `表头行有合并单元格（${s(p.cells)}），无法确定每一列的列名，文件未载入。请取消合并，或把 headerRow 设为每列各有一个列名的那一行。`,
      en: `the header row has merged cells (${s(p.cells)}), so the columns have no names of their own; the file was not loaded: unmerge them, or set headerRow to a row with one name per column.`,
    }),
  },
  csv_empty_header: {
    severity: "warning",
    text: (p) => ({
      zh: `表头第 ${s(p.column)} 列没有列名，该列已忽略。请填写列名或删除该列。`,
      en: `header column ${s(p.column)} has no name, so the column is ignored: name it or remove it.`,
    }),
  },
  csv_duplicate_header: {
    severity: "error",
    text: (p) => ({
      zh: `表头第 ${s(p.column)} 列「${s(p.header)}」与前面的列重名，该列已忽略。请重命名或删除。`,
      en: `header column ${s(p.column)} "${s(p.header)}" repeats an earlier column and is ignored: rename or remove it.`,
    }),
  },
  invalid_encoding: {
    severity: "error",
    text: (p) =>
      p.header
        ? {
            zh: `表头行含有不属于 ${s(p.encoding)} 的字节，文件未载入。请确认文件编码（UTF-8 或 GBK/GB18030），或把 encoding 设为 auto。`,
            en: `the header row has bytes that are not valid ${s(p.encoding)}, so the file was not loaded: check the file's encoding (UTF-8 or GBK/GB18030) or set encoding to auto.`,
          }
        : {
            zh: `该行含有不属于 ${s(p.encoding)} 的字节，未载入。请确认文件编码（UTF-8 或 GBK/GB18030），或把 encoding 设为 auto。`,
            en: `the row has bytes that are not valid ${s(p.encoding)} and was not loaded: check the file's encoding (UTF-8 or GBK/GB18030) or set encoding to auto.`,
          },
  },
  record_too_large: {
    severity: "error",
    text: (p) => ({
      zh: `${p.header ? "表头行" : "该行"}过大（至少 ${s(p.bytes)} 字节，上限 ${s(p.limit)}），${p.header ? "文件" : ""}未载入。请检查是否有未闭合的引号，或调高 maxRowBytes。`,
      en: `the ${p.header ? "header row" : "row"} is too large (at least ${s(p.bytes)} bytes, limit ${s(p.limit)}) and was not loaded${p.header ? ", nor the file" : ""}: look for an unclosed quote or raise maxRowBytes.`,
    }),
  },
  csv_column_count: {
    severity: "error",
    text: (p) => ({
      zh: `该行有 ${s(p.actual)} 列，表头有 ${s(p.expected)} 列，未载入。请检查是否缺少或多出分隔符、引号是否闭合。`,
      en: `the row has ${s(p.actual)} columns but the header has ${s(p.expected)}, so it was not loaded: look for a missing or extra delimiter or an unclosed quote.`,
    }),
  },
  csv_unterminated_quote: {
    severity: "error",
    text: (p) => ({
      zh: `${p.header ? "表头行" : "该行"}的引号直到文件末尾都没有闭合，此后的内容均未载入。请补上结束引号。`,
      en: `a quote in this ${p.header ? "header row" : "row"} is never closed before the end of the file, so nothing after it was loaded: add the closing quote.`,
    }),
  },
  xlsx_cell_error: {
    severity: "error",
    text: (p) => ({
      zh: `单元格 ${s(p.cell)} 是错误值 ${s(p.error)}，该行未载入。请修正公式或取值。`,
      en: `cell ${s(p.cell)} holds the error value ${s(p.error)}, so the row was not loaded: fix the formula or value.`,
    }),
  },
  xlsx_cells_outside_header: {
    severity: "warning",
    text: (p) => ({
      zh: `有 ${s(p.count)} 个非空单元格位于没有表头的列（首个是 ${s(p.cell)}），已忽略。请为这些列填写列名。`,
      en: `${s(p.count)} non-empty cell(s) lie in columns without a header (the first is ${s(p.cell)}) and are ignored: give those columns a name.`,
    }),
  },
  missing_key: {
    severity: "error",
    text: (p) => ({
      zh: `该行的键字段 ${s(p.keyField)} 为空或缺失，不提供该行。请补充键值。`,
      en: `the row has no value for the key field ${s(p.keyField)} and is not served: fill it in.`,
    }),
  },
  duplicate_key: {
    severity: "error",
    text: (p) => ({
      zh: `键字段 ${s(p.keyField)} 的同一个值出现在 ${s(p.count)} 行（${s(p.where)}）。无法判断哪一行有效（一数一源），这些行都不提供。请删除重复的行。`,
      en: `the same value of the key field ${s(p.keyField)} is on ${s(p.count)} rows (${s(p.where)}); none of them is served, since there is no telling which is right: remove the duplicates.`,
    }),
  },
  more_issues: {
    severity: "warning",
    text: (p) => ({
      zh: `另有 ${s(p.count)} 个同类问题（${s(p.code)}）未列出。`,
      en: `${s(p.count)} more issue(s) of the same kind (${s(p.code)}) are not listed.`,
    }),
  },
  not_a_regular_file: {
    severity: "warning",
    text: () => ({
      zh: "不是普通文件（目录、符号链接等），已忽略。",
      en: "not a regular file (a directory, symbolic link or the like): ignored.",
    }),
  },
};

/**
 * An issue with its messages, located by file and line.
 *
 * @example
 * fileIssue("csv_column_count", { file: "a.csv", line: 7, params: { expected: 3, actual: 2 } });
 */
export function fileIssue(
  code: FileIssueCode,
  where: { file?: string; line?: number; params?: Record<string, unknown> } = {},
): FileIssue {
  const params = where.params ?? {};
  const { severity, text } = MESSAGES[code];
  const { zh, en } = text(params);
  const issue: FileIssue = { code, severity, zh, en, params };
  let zhWhere = "";
  let enWhere = "";
  if (where.file !== undefined) {
    issue.file = where.file;
    zhWhere = where.file;
    enWhere = where.file;
    if (where.line !== undefined) {
      issue.line = where.line;
      zhWhere += ` 第 ${where.line} 行`;
      enWhere += ` line ${where.line}`;
    }
  }
  if (zhWhere !== "") {
    issue.zh = `${zhWhere}：${zh}`;
    issue.en = `${enWhere}: ${en}`;
  }
  return issue;
}

/** Most issues of one code kept per file; the rest are counted in one `more_issues`. */
export const ISSUES_PER_CODE = 50;

/** Collects issues, keeping at most `ISSUES_PER_CODE` of each code per file. */
export class IssueList {
  readonly items: FileIssue[] = [];
  private readonly counts = new Map<string, number>();

  add(issue: FileIssue): void {
    const slot = `${issue.file ?? ""}\u0000${issue.code}`;
    const n = (this.counts.get(slot) ?? 0) + 1;
    this.counts.set(slot, n);
    if (n <= ISSUES_PER_CODE) this.items.push(issue);
  }

  /** The issues, with one `more_issues` per file and code that had too many. */
  done(): FileIssue[] {
    const out = [...this.items];
    for (const [slot, n] of this.counts) {
      if (n <= ISSUES_PER_CODE) continue;
      const [file, code] = slot.split("\u0000") as [string, string];
      out.push(
        fileIssue("more_issues", {
          ...(file === "" ? {} : { file }),
          params: { code, count: n - ISSUES_PER_CODE },
        }),
      );
    }
    return out;
  }
}
