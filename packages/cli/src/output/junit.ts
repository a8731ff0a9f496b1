import type { ValidationIssue } from "@govex/validator";
import type { ValidateRun } from "./types.js";

// XML 1.0 §2.2: control characters other than tab, LF and CR cannot appear, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to remove them
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** Text content: markup escaped, characters XML cannot hold removed. */
function xml(text: string): string {
  return text
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** An attribute value: as text, plus tab, LF and CR as references, which parsers keep (XML 1.0 §3.3.3). */
function attr(text: string): string {
  return xml(text).replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/**
 * `--format junit`: one <testsuite> per file, one failing <testcase> per invalid record, and one
 * passing testcase for a file without invalid records, so CI systems show every file. Invalid
 * records whose issues --max-errors cut share one failing testcase, so a file with invalid
 * records always fails; `tests` and `failures` count the testcases written.
 */
export function renderJunit(run: ValidateRun): string {
  // Each file is one testsuite with a testcase per invalid record whose issues were kept
  // (--max-errors may cut some), or one passing testcase; the counts match the listed cases.
  const suites = run.reports.map((r) => {
    const byRecord = new Map<number, ValidationIssue[]>();
    for (const i of r.issues) {
      if (i.severity !== "error" || i.record === 0) continue;
      byRecord.set(i.record, [...(byRecord.get(i.record) ?? []), i]);
    }
    // Invalid records whose issues --max-errors cut still fail the file: one case for them all.
    const unlisted = Math.max(r.invalid - byRecord.size, 0);
    return { r, byRecord, unlisted, failures: byRecord.size + (unlisted > 0 ? 1 : 0) };
  });
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  const tests = suites.reduce((n, s) => n + Math.max(s.failures, 1), 0) + run.failures.length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="govex validate" tests="${tests}" failures="${failures}" errors="${run.failures.length}">`,
  ];
  for (const { r, byRecord, unlisted, failures: failed } of suites) {
    lines.push(
      `  <testsuite name="${attr(r.file)}" tests="${Math.max(failed, 1)}" failures="${failed}">`,
    );
    if (r.invalid === 0)
      lines.push(`    <testcase classname="${attr(r.file)}" name="${r.records} records"/>`);
    for (const [record, issues] of byRecord) {
      const first = issues[0] as ValidationIssue;
      const at =
        first.line === undefined
          ? ""
          : first.sheet === undefined
            ? ` (line ${first.line})`
            : ` (sheet ${first.sheet} row ${first.line})`;
      const name = `record ${record}${at}`;
      lines.push(`    <testcase classname="${attr(r.file)}" name="${attr(name)}">`);
      lines.push(
        `      <failure type="${attr(first.code)}" message="${attr(first.message)}">${xml(
          issues.map((i) => `${i.path || "/"} ${i.code}: ${i.message}`).join("\n"),
        )}</failure>`,
      );
      lines.push("    </testcase>");
    }
    if (unlisted > 0) {
      const what = `${unlisted} more invalid records`;
      lines.push(`    <testcase classname="${attr(r.file)}" name="${what}">`);
      lines.push(
        `      <failure type="invalid_records" message="${unlisted} of ${r.invalid} invalid records not listed: --max-errors cut their issues"/>`,
      );
      lines.push("    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  for (const f of run.failures) {
    lines.push(`  <testsuite name="${attr(f.file)}" tests="1" errors="1">`);
    lines.push(
      `    <testcase classname="${attr(f.file)}" name="read"><error type="${attr(f.code)}" message="${attr(f.message)}"/></testcase>`,
    );
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
