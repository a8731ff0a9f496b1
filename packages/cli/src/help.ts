import type { Lang } from "@govex/validator";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex —— 政务信息资源共享交换工具

用法:
  govex start [--data-dir <目录>] [--database <URL>] [--port <端口>]   启动交换节点并接入示例部门(--help 查看选项)
  govex validate <文件…> --schema <id|路径> [选项]   按数据规范校验文件
  govex schemas                                      列出内置数据规范
  govex provide --config <provider.yaml> [--port <端口>]   运行提供方接口(适配器 + 映射文件)
  govex conformance <提供方地址> --key <文件> …   检测提供方接口是否符合规范(--help 查看选项)
  govex audit verify <节点地址> --key <文件> …    核验交换节点的审计日志:本单位条目完整、日志未被改写(--help 查看选项)
  govex census analyze --node <节点地址> … | --input <文件>   普查分析:僵尸与影子系统的清理清单和整合建议(--help 查看选项)
  govex evaluate --node <节点地址> … | --input <文件>         共享评价:按部门和平台的指标得分与公式(--help 查看选项)
  govex --version | --help

validate 选项:
  --schema <id|路径>        内置规范 id(person、legal-entity、catalog-entry、system-inventory…)或 JSON Schema 文件
  --format text|json|junit  报告格式(默认 text)
  --lang zh-CN|en           报告语言(默认 zh-CN;LANG 以 en 开头时为 en)
  --max-errors <N>          最多列出 N 个问题(记录计数仍完整)
  --lenient uscc            统一社会信用代码只有校验位错误时记为警告
  --encoding auto|utf8|gbk|gb18030   输入编码(默认 auto)
  --input-format auto|ndjson|json|csv|tsv|xlsx  输入格式(默认按内容或扩展名判断)
  --sheet <名称|序号>       只校验 XLSX 工作簿的这一张工作表(默认全部);问题位置为「文件[工作表]:行号」,行号与 Excel 一致
  --strict                  警告(如空文件 empty_input、未知列)也使退出码为 1
  --workers auto|<N>        大型 UTF-8 NDJSON 文件用 N 个工作线程并行校验(默认 auto,最多 4;1 为不并行)

退出码: 0 全部有效;1 有无效记录、文件级错误,或 --strict 下有警告;2 用法错误、无法读取输入或找不到 --sheet 指定的工作表。
`,
  en: `govex — tools for government information-resource sharing and exchange

Usage:
  govex start [--data-dir <dir>] [--database <url>] [--port <port>]   run an exchange node with the example departments (--help for options)
  govex validate <file…> --schema <id|path> [options]   validate files against a data spec
  govex schemas                                         list the built-in data specs
  govex provide --config <provider.yaml> [--port <port>]   run a provider (adapters + mapping files)
  govex conformance <provider-url> --key <file> …   check a provider against the spec (--help for options)
  govex audit verify <node-url> --key <file> …      check a node's audit log: your entries intact, the log never rewritten (--help for options)
  govex census analyze --node <node-url> … | --input <file>   census analysis: clean-up list and integration plan of zombie and shadow systems (--help for options)
  govex evaluate --node <node-url> … | --input <file>         sharing evaluation: indicator scores and formulas per department and exchange (--help for options)
  govex --version | --help

validate options:
  --schema <id|path>        a built-in spec id (person, legal-entity, catalog-entry, system-inventory, …) or a JSON Schema file
  --format text|json|junit  report format (default text)
  --lang zh-CN|en           report language (default zh-CN; en when LANG starts with "en")
  --max-errors <N>          list at most N issues (record counts stay complete)
  --lenient uscc            a USCC whose only fault is its check character is a warning
  --encoding auto|utf8|gbk|gb18030   input encoding (default auto)
  --input-format auto|ndjson|json|csv|tsv|xlsx  input format (default: by content or extension)
  --sheet <name|position>   validate only this sheet of an XLSX workbook (default: all); issues read file[sheet]:row, rows as Excel numbers them
  --strict                  warnings (such as empty_input for an empty file, unknown columns) also exit 1
  --workers auto|<N>        validate a large UTF-8 NDJSON file in N worker threads (default auto, at most 4; 1 = none)

Exit codes: 0 all valid; 1 some records invalid, a file-level error, or any warning under --strict; 2 usage error, unreadable input, or no sheet matching --sheet.
`,
};

export function helpText(lang: Lang): string {
  return HELP[lang];
}
