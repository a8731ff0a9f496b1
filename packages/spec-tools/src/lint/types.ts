/** One lint finding. `rule` is a stable id; `pointer` is a JSON Pointer into `file`. */
export interface LintProblem {
  rule: string;
  severity: "error" | "warning";
  file: string;
  pointer: string;
  line?: number;
  column?: number;
  message: { "zh-CN": string; en: string };
}

export interface LintResult {
  problems: LintProblem[];
  errors: number;
  warnings: number;
}

export function summarize(problems: LintProblem[]): LintResult {
  return {
    problems,
    errors: problems.filter((p) => p.severity === "error").length,
    warnings: problems.filter((p) => p.severity === "warning").length,
  };
}
