/** The report of `govex audit verify`: a text summary (zh-CN or English) or JSON. */
import type { Lang } from "@govex/validator";
import { printable } from "../../io.js";
import type { NodeAuditResult } from "./verify-node.js";

/** What the command adds to the verification result. */
export interface AuditRunContext {
  url: string;
  member: string;
  statePath: string;
  /** No state file existed: the latest checkpoint is trusted on first use. */
  firstRun: boolean;
  stateWritten: boolean;
}

/** Terminal columns of a label: CJK characters take two. */
function columns(text: string): number {
  let n = 0;
  for (const c of text) n += (c.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return n;
}

/** The JSON report (`--format json`). */
export function renderAuditJson(result: NodeAuditResult, context: AuditRunContext, lang: Lang) {
  const report = {
    ok: result.ok,
    url: context.url,
    member: context.member,
    origin: result.origin ?? null,
    checkpoint: result.checkpoint ?? null,
    previous: result.previous ?? null,
    trustOnFirstUse: context.firstRun,
    consistency: result.consistency ?? null,
    entries: result.entries,
    state: { path: context.statePath, written: context.stateWritten },
    issues: result.issues.map((issue) => ({
      code: issue.code,
      message: lang === "en" ? issue.en : issue.zh,
      zh: issue.zh,
      en: issue.en,
      params: issue.params,
      ...(issue.entry ? { entry: issue.entry } : {}),
      ...(issue.checkpoint ? { checkpoint: issue.checkpoint } : {}),
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The text report: a summary, then every issue with its code. */
export function renderAuditText(
  result: NodeAuditResult,
  context: AuditRunContext,
  lang: Lang,
): string {
  const en = lang === "en";
  const lines: string[] = [];
  const row = (label: [string, string], text: string) => {
    const name = en ? label[1] : label[0];
    lines.push(`${name}${" ".repeat(Math.max(1, 11 - columns(name)))}${printable(text)}`);
  };
  const origin = result.origin ? (en ? ` (log ${result.origin})` : ` (日志 ${result.origin})`) : "";
  row(["节点", "node"], `${context.url}${origin}`);
  const cp = result.checkpoint;
  row(
    ["检查点", "checkpoint"],
    cp
      ? en
        ? `size ${cp.size}, root ${cp.rootHash} (signature verified with --log-key)`
        : `大小 ${cp.size}, 根哈希 ${cp.rootHash} (已用 --log-key 验证签名)`
      : en
        ? "not verified: see the issues below"
        : "未通过验证: 见下方问题",
  );

  const c = result.consistency;
  if (context.firstRun) {
    row(
      ["历史", "history"],
      en
        ? `first run: no checkpoint saved in ${context.statePath}, so this one is trusted on first use (TOFU); every later run proves the log only grew from it.`
        : `首次运行: ${context.statePath} 中没有保存的检查点, 本次检查点按「首次使用即信任」(TOFU) 接受; 此后每次运行都会证明日志只在其后追加。`,
    );
  } else if (c?.verified && c.from === c.to) {
    row(
      ["历史", "history"],
      en
        ? `unchanged since the last run (size ${c.to}, same root).`
        : `与上次相同 (大小 ${c.to}, 根哈希相同)。`,
    );
  } else if (c?.verified) {
    row(
      ["历史", "history"],
      en
        ? `consistent from size ${c.from} to ${c.to} (RFC 9162 §2.1.4): nothing was rewritten or removed in between.`
        : `从大小 ${c.from} 到 ${c.to} 一致 (RFC 9162 §2.1.4): 其间没有改写或删减。`,
    );
  } else if (c) {
    row(
      ["历史", "history"],
      en
        ? `NOT shown consistent from size ${c.from} to ${c.to}: see the issues below.`
        : `未能证明从大小 ${c.from} 到 ${c.to} 一致: 见下方问题。`,
    );
  } else if (!cp) {
    row(["历史", "history"], en ? "not checked." : "未检查。");
  }

  const e = result.entries;
  if (cp) {
    const parts = [
      en
        ? `${e.listed} of member ${context.member} listed, ${e.checked} checked, ${e.verified} proven in the signed log and unaltered (RFC 9162 §2.1.3)`
        : `单位 ${context.member} 的条目列出 ${e.listed} 条, 核验 ${e.checked} 条, 其中 ${e.verified} 条已证明在签名日志中且未被改动 (RFC 9162 §2.1.3)`,
    ];
    if (e.skipped > 0)
      parts.push(
        en
          ? `${e.skipped} before --since-index ${e.sinceIndex} skipped`
          : `序号小于 --since-index ${e.sinceIndex} 的 ${e.skipped} 条跳过`,
      );
    if (e.pending > 0)
      parts.push(
        en
          ? `${e.pending} appended after the checkpoint, checked next run`
          : `${e.pending} 条在检查点之后追加, 下次核验`,
      );
    row(["条目", "entries"], en ? `${parts.join("; ")}.` : `${parts.join(";")}。`);
    if (e.capped)
      row(
        ["", ""],
        en
          ? `stopped at the cap of ${e.cap} inclusion proofs per run${e.nextIndex === undefined ? "" : `: run again with --since-index ${e.nextIndex} for the rest`}.`
          : `已达每次 ${e.cap} 个包含证明的上限${e.nextIndex === undefined ? "" : `: 请以 --since-index ${e.nextIndex} 再次运行以核验其余条目`}。`,
      );
  }
  row(
    ["状态", "state"],
    context.stateWritten
      ? en
        ? `checkpoint saved to ${context.statePath}`
        : `检查点已保存到 ${context.statePath}`
      : en
        ? `${context.statePath} not updated: the run found issues`
        : `${context.statePath} 未更新: 发现问题`,
  );
  row(
    ["结果", "result"],
    result.ok
      ? en
        ? "verified"
        : "通过"
      : en
        ? `${result.issues.length} issue(s) found`
        : `发现 ${result.issues.length} 个问题`,
  );
  for (const issue of result.issues) {
    const about = [issue.entry?.operation, issue.entry?.time].filter(Boolean).join(" ");
    const which =
      issue.checkpoint === "saved"
        ? en
          ? ` [the checkpoint saved in ${context.statePath}]`
          : ` [${context.statePath} 中保存的检查点]`
        : issue.checkpoint === "latest"
          ? en
            ? " [the node's latest checkpoint]"
            : " [节点的最新检查点]"
          : "";
    const entry = (about === "" ? "" : ` [${about}]`) + which;
    lines.push(`  ${issue.code} ${printable((en ? issue.en : issue.zh) + entry)}`);
  }
  return `${lines.join("\n")}\n`;
}
