import { totals, type ValidateRun } from "./types.js";

/**
 * `--format json`: exactly one JSON object,
 * `{ "summary": { "records", "valid", "invalid" }, "issues": [ { "file", "record", "path", "code", "message" } ] }`,
 * with `line`, `severity` and `params` added to each issue (`sheet` and `cell` for a workbook's),
 * and `files`/`errors` beside them.
 */
export function renderJson(run: ValidateRun): string {
  const { records, valid, invalid } = totals(run);
  const issues = run.reports.flatMap((r) =>
    r.issues.map((i) => ({
      file: r.file,
      record: i.record,
      ...(i.line === undefined ? {} : { line: i.line }),
      ...(i.sheet === undefined ? {} : { sheet: i.sheet }),
      ...(i.cell === undefined ? {} : { cell: i.cell }),
      path: i.path,
      code: i.code,
      severity: i.severity,
      message: i.message,
      params: i.params,
    })),
  );
  const files = run.reports.map((r) => ({
    file: r.file,
    format: r.format,
    encoding: r.encoding,
    ...(r.sheets === undefined ? {} : { sheets: r.sheets }),
    records: r.records,
    valid: r.valid,
    invalid: r.invalid,
  }));
  return `${JSON.stringify({
    summary: { records, valid, invalid, files: files.length, truncated: run.truncated },
    issues,
    files,
    errors: run.failures,
  })}\n`;
}
