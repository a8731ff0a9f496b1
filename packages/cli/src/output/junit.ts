import type { ValidationIssue } from "@govex/validator";
import type { ValidateRun } from "./types.js";

// XML 1.0 §2.2: control characters other than tab, LF and CR cannot appear, even escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to remove them
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xml(text: string): string {
  return text
    .replace(INVALID_XML, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * `--format junit`: one <testsuite> per file, one failing <testcase> per invalid record, and one
 * passing testcase for a file without invalid records, so CI systems show every file.
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
    return { r, byRecord };
  });
  const failures = suites.reduce((n, s) => n + s.byRecord.size, 0);
  const tests = suites.reduce((n, s) => n + Math.max(s.byRecord.size, 1), 0) + run.failures.length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="govex validate" tests="${tests}" failures="${failures}" errors="${run.failures.length}">`,
  ];
  for (const { r, byRecord } of suites) {
    lines.push(
      `  <testsuite name="${xml(r.file)}" tests="${Math.max(byRecord.size, 1)}" failures="${byRecord.size}">`,
    );
    if (r.invalid === 0)
      lines.push(`    <testcase classname="${xml(r.file)}" name="${r.records} records"/>`);
    for (const [record, issues] of byRecord) {
      const first = issues[0] as ValidationIssue;
      const name = `record ${record}${first.line === undefined ? "" : ` (line ${first.line})`}`;
      lines.push(`    <testcase classname="${xml(r.file)}" name="${xml(name)}">`);
      lines.push(
        `      <failure type="${xml(first.code)}" message="${xml(first.message)}">${xml(
          issues.map((i) => `${i.path || "/"} ${i.code}: ${i.message}`).join("\n"),
        )}</failure>`,
      );
      lines.push("    </testcase>");
    }
    lines.push("  </testsuite>");
  }
  for (const f of run.failures) {
    lines.push(`  <testsuite name="${xml(f.file)}" tests="1" errors="1">`);
    lines.push(
      `    <testcase classname="${xml(f.file)}" name="read"><error type="${xml(f.code)}" message="${xml(f.message)}"/></testcase>`,
    );
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}
