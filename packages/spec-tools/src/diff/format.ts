import type { Change, DiffResult, Level } from "./types.js";

const LEVELS: readonly Level[] = ["ERR", "WARN", "INFO"];

const HEADINGS: Record<"zh-CN" | "en", Record<Level, string>> = {
  "zh-CN": { ERR: "不兼容变更（ERR）", WARN: "可能不兼容的变更（WARN）", INFO: "兼容变更（INFO）" },
  en: {
    ERR: "Breaking changes (ERR)",
    WARN: "Possibly breaking changes (WARN)",
    INFO: "Compatible changes (INFO)",
  },
};

function xml(text: string): string {
  // XML 1.0 §2.2: characters outside Char are not allowed even escaped.
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function md(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1").replace(/\r?\n/g, " ");
}

function line(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}

/**
 * Render a diff: `text` (one line a change: `ERR request-property-removed  POST /x request body /a  message`),
 * `json`, `markdown` (a changelog section grouped by level, zh-CN or English) or
 * `junit` (one testcase a change, ERR as failures, ignored changes as skipped).
 *
 * @example
 * ```ts
 * process.stdout.write(formatDiff(result, "markdown", { lang: "zh-CN", title: "1.2.0" }));
 * ```
 */
export function formatDiff(
  result: DiffResult,
  format: "text" | "json" | "markdown" | "junit",
  options: { lang?: "zh-CN" | "en"; title?: string } = {},
): string {
  const lang = options.lang ?? "zh-CN";
  const message = (c: Change) => c.message[lang];
  switch (format) {
    case "text":
      return result.changes
        .map((c) => `${c.level} ${c.id}  ${line(c.location)}  ${line(message(c))}\n`)
        .join("");
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "markdown": {
      const title = options.title ?? (lang === "en" ? "Changes" : "变更");
      const out = [`### ${md(title)}`, ""];
      if (result.changes.length === 0) out.push(lang === "en" ? "No changes." : "无变更。", "");
      for (const level of LEVELS) {
        const changes = result.changes.filter((c) => c.level === level);
        if (changes.length === 0) continue;
        out.push(`#### ${HEADINGS[lang][level]}`, "");
        for (const c of changes) out.push(`- \`${c.id}\` ${md(c.location)}: ${md(message(c))}`);
        out.push("");
      }
      if (result.ignored.length > 0) {
        out.push(lang === "en" ? "#### Ignored" : "#### 已忽略", "");
        for (const { change, reason } of result.ignored)
          out.push(`- \`${change.id}\` ${md(change.location)}: ${md(reason)}`);
        out.push("");
      }
      return out.join("\n");
    }
    case "junit": {
      const title = options.title ?? "govex spec diff";
      const cases = result.changes.map((c) => {
        const head = `    <testcase classname="${xml(c.id)}" name="${xml(`${c.id} ${c.location}`)}">`;
        if (c.level === "ERR") {
          return `${head}\n      <failure type="${xml(c.id)}" message="${xml(message(c))}">${xml(c.pointer)}</failure>\n    </testcase>`;
        }
        return `${head}\n      <system-out>${xml(`${c.level} ${message(c)}`)}</system-out>\n    </testcase>`;
      });
      const skipped = result.ignored.map(
        ({ change, reason }) =>
          `    <testcase classname="${xml(change.id)}" name="${xml(`${change.id} ${change.location}`)}">\n      <skipped message="${xml(reason)}"/>\n    </testcase>`,
      );
      const tests = cases.length + skipped.length;
      return [
        `<?xml version="1.0" encoding="UTF-8"?>`,
        `<testsuites name="${xml(title)}" tests="${tests}" failures="${result.counts.ERR}">`,
        `  <testsuite name="${xml(title)}" tests="${tests}" failures="${result.counts.ERR}" skipped="${skipped.length}">`,
        ...cases,
        ...skipped,
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n");
    }
    default:
      throw new Error(`unknown format ${String(format)}: use text, json, markdown or junit`);
  }
}
