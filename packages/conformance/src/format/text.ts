import type { CheckResult, ConformanceResult, Lang } from "../types.js";

// C0 and C1 controls and the Unicode line separators: messages quote what the provider sent,
// which must not move the cursor, recolour the terminal or break a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to neutralise them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Control characters shown as visible escapes, so one message stays one line. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Failures shown per check in text (the JSON output keeps up to 20). */
const TEXT_FAILURES = 5;

const WORDS = {
  "zh-CN": {
    heading: "govex 符合性检测",
    spec: "规范",
    kit: "检测工具",
    resources: (n: number) => `${n} 个资源`,
    requests: (n: number) => `${n} 个请求`,
    seconds: (s: string) => `${s} 秒`,
    // Padded to the same display width (a CJK character takes two columns).
    pass: "✓ 通过  ",
    fail: "✗ 未通过",
    skip: "- 跳过  ",
    more: (n: number) => `…另有 ${n} 处`,
    result: (p: number, f: number, s: number) => `结果: ${p} 项通过, ${f} 项未通过, ${s} 项跳过`,
    dash: " —— ",
    ok: "符合规范",
    notOk: "不符合规范",
  },
  en: {
    heading: "govex conformance",
    spec: "spec",
    kit: "kit",
    resources: (n: number) => `${n} resource${n === 1 ? "" : "s"}`,
    requests: (n: number) => `${n} requests`,
    seconds: (s: string) => `${s} s`,
    pass: "✓ PASS",
    fail: "✗ FAIL",
    skip: "- SKIP",
    more: (n: number) => `… ${n} more`,
    result: (p: number, f: number, s: number) => `Result: ${p} passed, ${f} failed, ${s} skipped`,
    dash: " — ",
    ok: "conformant",
    notOk: "not conformant",
  },
} as const;

/**
 * The run as text for a terminal, in zh-CN (default) or English: one line per check, the
 * failures under it with the request that showed them, and a summary line.
 */
export function renderText(result: ConformanceResult, lang: Lang = "zh-CN"): string {
  const w = WORDS[lang];
  const width = Math.max(...result.checks.map((c) => c.id.length));
  const system = result.system ? ` (${printable(result.system)})` : "";
  const lines = [
    `${w.heading} · ${printable(result.providerUrl)}${system}`,
    [
      `${w.spec} ${result.spec.id} ${result.spec.version}`,
      `${w.kit} ${result.kit.name} ${result.kit.version}`,
      w.resources(result.resources.length),
      w.requests(result.requests),
      w.seconds((result.durationMs / 1000).toFixed(1)),
    ].join(" · "),
    "",
  ];
  for (const check of result.checks) lines.push(...checkLines(check, lang, width));
  const { passed, failed, skipped, ok } = result.summary;
  lines.push("", `${w.result(passed, failed, skipped)}${w.dash}${ok ? w.ok : w.notOk}`, "");
  return lines.join("\n");
}

function checkLines(check: CheckResult, lang: Lang, width: number): string[] {
  const w = WORDS[lang];
  const mark = w[check.status];
  const title = check.title[lang];
  const reason = check.reason ? ` — ${check.reason[lang]}` : "";
  const lines = [`${mark} ${check.id.padEnd(width)}  ${title}${printable(reason)}`];
  const indent = " ".repeat(lang === "en" ? 7 : 9);
  for (const failure of check.failures.slice(0, TEXT_FAILURES)) {
    lines.push(`${indent}· ${printable(failure.message[lang])}`);
    if (failure.request) lines.push(`${indent}  ${printable(failure.request)}`);
  }
  const more = check.omitted + Math.max(check.failures.length - TEXT_FAILURES, 0);
  if (more > 0) lines.push(`${indent}${w.more(more)}`);
  return lines;
}
