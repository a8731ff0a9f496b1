import { AdapterError } from "../errors.js";

/** One problem in a mapping file, located by file, line, column and JSON Pointer. */
export interface MappingIssue {
  file: string;
  /** 1-based; 0 when the problem is the file as a whole. */
  line: number;
  column: number;
  /** JSON Pointer into the mapping, e.g. "/fields/sex/transforms/0". */
  path: string;
  code: string;
  zh: string;
  en: string;
}

function render(issue: MappingIssue, lang: "zh-CN" | "en"): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return `${where} ${issue.path || "/"}: ${lang === "en" ? issue.en : issue.zh}`;
}

/**
 * A mapping file that cannot be used: every issue found, each pointing at the file, line and
 * field, in zh-CN and English. Thrown at start-up, never over HTTP.
 */
export class MappingError extends AdapterError {
  readonly issues: readonly MappingIssue[];

  constructor(issues: readonly MappingIssue[]) {
    const first = issues[0];
    super("config_invalid", {
      zh: `映射文件有 ${issues.length} 处错误:\n${issues.map((i) => render(i, "zh-CN")).join("\n")}`,
      en: `mapping file has ${issues.length} error(s):\n${issues.map((i) => render(i, "en")).join("\n")}`,
      ...(first ? { path: first.path } : {}),
      params: { issues },
    });
    this.issues = issues;
  }
}
