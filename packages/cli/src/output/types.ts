import type { FileReport, Lang } from "@govex/validator";

/** What the validate command hands to a report writer. */
export interface ValidateRun {
  lang: Lang;
  reports: FileReport[];
  /** Files that could not be read, with the reason in the run's language. */
  failures: { file: string; code: string; message: string }[];
  /** True when --max-errors cut the list of issues short. */
  truncated: boolean;
}

export function totals(run: ValidateRun): {
  files: number;
  records: number;
  valid: number;
  invalid: number;
} {
  let records = 0;
  let valid = 0;
  let invalid = 0;
  for (const r of run.reports) {
    records += r.records;
    valid += r.valid;
    invalid += r.invalid;
  }
  return { files: run.reports.length, records, valid, invalid };
}
