import type { ConformanceResult, Lang } from "../types.js";

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

/** An attribute value: tab, LF and CR as references, which parsers keep (XML 1.0 §3.3.3). */
function attr(text: string): string {
  return xml(text).replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;");
}

/**
 * The run as JUnit XML for CI: one testsuite for the provider, one testcase per check (named by
 * its id), a `<failure>` with every message of a failed check and `<skipped>` with the reason.
 */
export function renderJunit(result: ConformanceResult, lang: Lang = "zh-CN"): string {
  const { total, failed, skipped } = result.summary;
  const seconds = (result.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="govex conformance" tests="${total}" failures="${failed}" skipped="${skipped}" time="${seconds}">`,
    `  <testsuite name="${attr(result.providerUrl)}" tests="${total}" failures="${failed}" skipped="${skipped}" time="${seconds}" timestamp="${attr(result.startedAt)}">`,
  ];
  for (const check of result.checks) {
    const open = `    <testcase classname="govex.conformance" name="${attr(check.id)}">`;
    if (check.status === "pass") {
      lines.push(`    <testcase classname="govex.conformance" name="${attr(check.id)}"/>`);
    } else if (check.status === "skip") {
      lines.push(
        open,
        `      <skipped message="${attr(check.reason?.[lang] ?? "")}"/>`,
        "    </testcase>",
      );
    } else {
      const first = check.failures[0]?.message[lang] ?? check.title[lang];
      const body = check.failures
        .map((f) => (f.request ? `${f.message[lang]}\n  ${f.request}` : f.message[lang]))
        .join("\n");
      lines.push(
        open,
        `      <failure type="${attr(check.id)}" message="${attr(`${check.title[lang]}: ${first}`)}">${xml(body)}</failure>`,
        "    </testcase>",
      );
    }
  }
  lines.push("  </testsuite>", "</testsuites>", "");
  return lines.join("\n");
}
