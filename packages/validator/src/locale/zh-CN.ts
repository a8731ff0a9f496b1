import type { MessageTable } from "./types.js";

const list = (v: unknown): string =>
  Array.isArray(v) ? v.map((x) => JSON.stringify(x)).join("、") : JSON.stringify(v);

const TYPE_NAMES: Record<string, string> = {
  string: "字符串",
  integer: "整数",
  number: "数值",
  boolean: "布尔值",
  object: "对象",
  array: "数组",
  null: "空值 null",
};
const typeName = (t: unknown): string =>
  Array.isArray(t)
    ? t.map((x) => TYPE_NAMES[String(x)] ?? String(x)).join("或")
    : (TYPE_NAMES[String(t)] ?? String(t));

/** zh-CN messages of structural and input codes: what is wrong, then what to do. */
export const zhCN: MessageTable = {
  required: (_p, f) => `缺少必填字段${f}。请补充该字段。`,
  type: (p, f) =>
    `${f}的类型应为${typeName(p.expected)}，实为${typeName(p.actual)}。请按${typeName(p.expected)}填写。`,
  enum: (p, f) => `${f}的取值不在代码表中。请改用以下取值之一：${list(p.allowed)}。`,
  const: (p, f) => `${f}的取值应为 ${JSON.stringify(p.allowed)}。请改为该值。`,
  pattern: (p, f) => `${f}的格式不符合要求（应匹配 ${String(p.pattern)}）。请核对后重新填写。`,
  format: (p, f) => `${f}不是有效的 ${String(p.format)} 格式。请按该格式填写。`,
  additional_properties: (_p, f) => `字段${f}不在规范中。请删除该字段或核对字段名拼写。`,
  min_length: (p, f) => `${f}过短：至少 ${p.limit} 个字符。请补全内容。`,
  max_length: (p, f) => `${f}过长：至多 ${p.limit} 个字符。请缩短内容。`,
  minimum: (p, f) => `${f}应不小于 ${p.limit}。请修正数值。`,
  maximum: (p, f) => `${f}应不大于 ${p.limit}。请修正数值。`,
  exclusive_minimum: (p, f) => `${f}应大于 ${p.limit}。请修正数值。`,
  exclusive_maximum: (p, f) => `${f}应小于 ${p.limit}。请修正数值。`,
  multiple_of: (p, f) => `${f}应为 ${p.multipleOf} 的整数倍。请修正数值。`,
  min_items: (p, f) => `${f}至少应有 ${p.limit} 项。请补充条目。`,
  max_items: (p, f) => `${f}至多可有 ${p.limit} 项。请删减条目。`,
  unique_items: (p, f) =>
    `${f}的第 ${Number(p.j) + 1} 项与第 ${Number(p.i) + 1} 项重复。请删除重复项。`,
  min_properties: (p, f) => `${f}至少应有 ${p.limit} 个字段。请补充字段。`,
  max_properties: (p, f) => `${f}至多可有 ${p.limit} 个字段。请删减字段。`,
  any_of: (_p, f) => `${f}不符合任何一种允许的形式。请对照规范选择一种形式填写。`,
  one_of: (_p, f) => `${f}应恰好符合一种允许的形式。请对照规范修改，使其只符合其中一种。`,
  not: (_p, f) => `${f}的取值是规范所禁止的。请更换取值。`,
  if_then: (_p, f) =>
    `${f}不满足条件约束（某字段取特定值时对其他字段的要求）。请按规范补充或修正相关字段。`,
  dependent_required: (p, f) => `填写了「${String(p.property)}」时，${f}也必须填写。请补充该字段。`,
  property_names: (p, f) =>
    `${f}中的字段名 ${JSON.stringify(p.property)} 不合规。请改用符合规范的字段名。`,
  contains: (_p, f) => `${f}中缺少符合要求的条目。请补充。`,
  false_schema: (_p, f) => `${f}在此处不允许出现。请删除。`,
  invalid_json: (p) =>
    `不是合法的 JSON${p.position !== undefined ? `（第 ${Number(p.position) + 1} 个字符附近）` : ""}：${String(p.reason)}。请修正该记录的 JSON 语法。`,
  invalid_encoding: (p) =>
    `该记录含有不属于 ${String(p.encoding)} 编码的字节。请确认文件编码（UTF-8 或 GBK/GB18030）并重新导出。`,
  record_too_large: (p) =>
    `记录过大（至少 ${p.bytes} 字节，上限 ${p.limit} 字节），已跳过。请拆分该记录或调高 maxRecordBytes。`,
  nesting_too_deep: (p) =>
    `记录嵌套层级过深（超过 ${p.limit} 层），已跳过。请检查数据是否被错误地嵌套。`,
  csv_column_count: (p) =>
    `该行有 ${p.actual} 列，表头有 ${p.expected} 列。请检查是否缺少分隔符、多出分隔符或引号未闭合。`,
  csv_unterminated_quote: () => `该行的引号未闭合，直到文件末尾。请补上结束引号。`,
  csv_unknown_header: (p) =>
    `表头第 ${p.column} 列「${String(p.header)}」不对应规范中的任何字段。请改用规范的字段名或中文名称。`,
  csv_duplicate_header: (p) =>
    `表头第 ${p.column} 列「${String(p.header)}」与前面的列重复。请删除或重命名重复的列。`,
  csv_empty_header: (p) =>
    `表头第 ${p.column} 列${p.cell === undefined ? "" : `（${String(p.cell)}）`}没有列名，该列已忽略。请填写列名或删除该列。`,
  json_trailing_data: (p) =>
    `JSON 文档在第 ${Number(p.position) + 1} 个字节后仍有多余内容。请删除多余内容，或改用 NDJSON（每行一条记录）。`,
  truncated_input: () => `文件在数组结束前中断（缺少“]”）。请确认文件完整。`,
  uscc_check_character_lenient: (_p, f) =>
    `${f}的校验码不正确（宽松模式下仅作警告）。请向登记管理部门核实。`,
  rule_failed: (p, f) => `${f}未通过规则「${String(p.rule)}」的检查。请核对相关字段。`,
  empty_input: () =>
    `输入中没有任何记录（空文件，或只有表头）。请确认导出的是正确的文件；--strict 下此警告使退出码为 1。`,
  format_mismatch: (p) =>
    `文件扩展名为 .${String(p.extension)}，内容却是 ${String(p.format).toUpperCase()}，已按 ${String(p.format).toUpperCase()} 校验。请改正扩展名，或用 --input-format 指定格式。`,
  xlsx_not_zip: () =>
    `不是有效的 XLSX 文件（XLSX 是 ZIP 压缩包，而此文件不是）。请用 Excel 或 WPS 另存为 .xlsx，或导出为 CSV。`,
  xlsx_encrypted: () =>
    `文件是加密（设有打开密码）的工作簿，或旧版 .xls（复合文档格式），无法读取。请去除密码后另存为 .xlsx。`,
  xlsx_damaged: () => `XLSX 文件已损坏或不完整（找不到 ZIP 目录）。请重新导出或重新下载该文件。`,
  xlsx_not_workbook: (p) =>
    `这是 ZIP 压缩包（${String(p.found)}），但不是 Excel 工作簿（缺少 xl/workbook.xml）。请用 Excel 或 WPS 另存为 .xlsx。`,
  xlsx_too_large: (p) =>
    `XLSX 文件解压后过大（${p.part === undefined ? "" : `${String(p.part)} `}${String(p.bytes)} 字节，上限 ${String(p.limit)} 字节），未读取，以防压缩炸弹。请拆分工作簿或改用 CSV；确属正常数据时可调高 maxUnzippedBytes。`,
  xlsx_unreadable: (p) =>
    `XLSX 文件无法解析（${String(p.reason)}），此后的行未校验。请用 Excel 或 WPS 重新另存为 .xlsx。`,
  xlsx_cell_error: (p, f) =>
    `${f}所在单元格 ${String(p.cell)} 是错误值${p.error ? ` ${String(p.error)}` : "（公式结果为错误，如 #DIV/0!、#N/A）"}，不是数据。请修正公式或改填数值。`,
  xlsx_formula_not_computed: (p, f) =>
    `${f}所在单元格 ${String(p.cell)} 是未计算过的公式，没有结果值。请在 Excel 或 WPS 中打开并保存文件，或改填数值。`,
  xlsx_number_precision: (p, f) =>
    `${f}所在单元格 ${String(p.cell)} 以数字存储，Excel 只保留 15 位有效数字，读作「${String(p.shown)}」，后面的位可能已丢失。请将该列设为文本格式后重新填写。`,
  xlsx_cells_outside_header: (p) =>
    `有 ${String(p.count)} 个单元格（第一个为 ${String(p.cell)}）位于表头最后一列的右侧，没有列名，已忽略。请为这些列补上表头或删除它们。`,
  invalid_value: (p, f) => `${f}不符合规范（${String(p.keyword)}）。请对照规范修正。`,
};

/** zh-CN label of a field: 「标题」(path) or just the path. */
export function zhField(title: string | undefined, path: string): string {
  if (path === "") return title ? `「${title}」` : "该记录";
  return title ? `「${title}」(${path})` : `「${path}」`;
}
