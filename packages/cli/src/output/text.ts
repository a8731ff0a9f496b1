import type { ValidationIssue } from "@govex/validator";
import { printable } from "../io.js";
import { totals, type ValidateRun } from "./types.js";

const STRINGS = {
  "zh-CN": {
    file: (f: string, n: number, v: number, i: number, fmt: string, enc: string) =>
      `${f}（${fmt}，${enc}）：${n} 条记录，${v} 条有效，${i} 条无效`,
    sheets: (names: string) => `工作表 ${names}`,
    sheetList: (names: string[]) => names.map((n) => `「${n}」`).join("、") || "无",
    record: (n: number) => `第 ${n} 条`,
    fileLevel: "文件",
    warning: "警告",
    summary: (f: number, n: number, v: number, i: number) =>
      `合计：${f} 个文件，${n} 条记录，${v} 条有效，${i} 条无效`,
    truncated: "问题过多，已按 --max-errors 截断列表；记录计数仍完整。",
  },
  en: {
    file: (f: string, n: number, v: number, i: number, fmt: string, enc: string) =>
      `${f} (${fmt}, ${enc}): ${n} records, ${v} valid, ${i} invalid`,
    sheets: (names: string) => `sheets ${names}`,
    sheetList: (names: string[]) => names.map((n) => `"${n}"`).join(", ") || "none",
    record: (n: number) => `record ${n}`,
    fileLevel: "file",
    warning: "warning",
    summary: (f: number, n: number, v: number, i: number) =>
      `total: ${f} files, ${n} records, ${v} valid, ${i} invalid`,
    truncated: "too many issues: the list was cut at --max-errors; record counts are complete.",
  },
} as const;

const paint = (on: boolean, code: number) => (s: string) =>
  on ? `\u001b[${code}m${s}\u001b[0m` : s;

/** The human report: per file a summary line, then one line per issue, then the totals. */
export function renderText(run: ValidateRun, color: boolean): string {
  const s = STRINGS[run.lang];
  const red = paint(color, 31);
  const yellow = paint(color, 33);
  const green = paint(color, 32);
  const dim = paint(color, 2);
  const out: string[] = [];
  for (const r of run.reports) {
    // A workbook's text has no encoding to speak of: name its sheets instead.
    const detail =
      r.format === "xlsx" ? s.sheets(printable(s.sheetList(r.sheets ?? []))) : r.encoding;
    const head = s.file(printable(r.file), r.records, r.valid, r.invalid, r.format, detail);
    out.push(r.invalid === 0 ? green(head) : red(head));
    for (const i of r.issues)
      out.push(`  ${issueLine(r.file, i, s, i.severity === "warning" ? yellow : red, dim)}`);
  }
  if (run.truncated) out.push(yellow(s.truncated));
  const t = totals(run);
  if (run.reports.length > 1) out.push(s.summary(t.files, t.records, t.valid, t.invalid));
  // Nothing to report (every file unreadable): print nothing rather than a blank line.
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

function issueLine(
  file: string,
  i: ValidationIssue,
  s: (typeof STRINGS)[keyof typeof STRINGS],
  tone: (x: string) => string,
  dim: (x: string) => string,
): string {
  // A workbook row is written file[sheet]:row (a sheet name cannot hold "[" or "]").
  const at = i.sheet === undefined ? file : `${file}[${i.sheet}]`;
  const where = printable(i.line === undefined ? at : `${at}:${i.line}`);
  const cell = i.cell === undefined ? "" : ` (${i.cell})`;
  const which = i.record === 0 ? s.fileLevel : s.record(i.record);
  const severity = i.severity === "warning" ? ` ${s.warning}` : "";
  return `${dim(where)} ${which} ${printable(i.path || "/")}${printable(cell)} ${tone(printable(i.code))}${severity} ${printable(i.message)}`;
}
