/** How serious an issue is: an error fails the value; a warning is reported and the value stays valid. */
export type Severity = "error" | "warning";

/** The languages govex writes messages in. zh-CN is the default everywhere. */
export type Lang = "zh-CN" | "en";

/** One problem found in a value, as data. `code` is stable snake_case; messages come from the locale layer. */
export interface CheckIssue {
  code: string;
  severity: Severity;
  params: Record<string, string | number | boolean>;
}

/** The result of an identifier or code check: the verdict, the normalized value, parsed facts and the issues. */
export interface CheckResult<T> {
  /** true when no issue has severity "error". */
  valid: boolean;
  /** The input, normalized (trimmed, upper-cased, separators removed) where the standard allows it. */
  value: string;
  /** Facts parsed from the value; present when the value could be parsed. */
  info?: T;
  issues: CheckIssue[];
}

/** @internal Builds an error issue. */
export function issue(
  code: string,
  params: CheckIssue["params"] = {},
  severity: Severity = "error",
): CheckIssue {
  return { code, severity, params };
}

/** @internal Builds a result whose verdict follows from its issues. */
export function result<T>(value: string, issues: CheckIssue[], info?: T): CheckResult<T> {
  const valid = issues.every((i) => i.severity !== "error");
  return info === undefined ? { valid, value, issues } : { valid, value, info, issues };
}

/** @internal Builds a warning issue. */
export function warning(code: string, params: CheckIssue["params"] = {}): CheckIssue {
  return { code, severity: "warning", params };
}
