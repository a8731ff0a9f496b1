/**
 * The census analysis as Markdown and as an XLSX workbook (清理清单, 整合建议, 说明), for the
 * departments that work in spreadsheets.
 */
import type { CensusAnalysis } from "@govex/node";
import type { Lang } from "@govex/validator";
import ExcelJS from "exceljs";
import { cell, safeCell } from "./node-call.js";

const KIND: Record<string, Record<Lang, string>> = {
  zombie: { "zh-CN": "僵尸系统", en: "zombie" },
  shadow: { "zh-CN": "影子系统", en: "shadow" },
};
const ACTION: Record<string, string> = { 清理: "retire", 整合: "integrate", 核实: "verify" };

const t = (lang: Lang, zh: string, en: string) => (lang === "en" ? en : zh);
const text = (lang: Lang, l: { zh: string; en: string }) => (lang === "en" ? l.en : l.zh);

export function renderCensusMarkdown(a: CensusAnalysis, lang: Lang): string {
  const out: string[] = [];
  out.push(
    `# ${t(lang, "政务信息系统普查分析", "Census analysis of government information systems")}`,
    "",
  );
  out.push(
    t(
      lang,
      `生成于 ${a.generatedAt}。系统 ${a.summary.systems} 个;僵尸系统 ${a.summary.zombies} 个,影子系统 ${a.summary.shadows} 个,整合组 ${a.summary.integrationGroups} 个,一数一源问题 ${a.summary.oneSourceViolations} 个。参数:${a.parameters.idleMonths} 个月无调用为脱节,相似度阈值 ${a.parameters.similarityThreshold},僵尸置信度阈值 ${a.parameters.zombieThreshold}。`,
      `Generated ${a.generatedAt}. ${a.summary.systems} systems; ${a.summary.zombies} zombie, ${a.summary.shadows} shadow, ${a.summary.integrationGroups} integration groups, ${a.summary.oneSourceViolations} one-source violations. Parameters: ${a.parameters.idleMonths} months without a call is detached, similarity threshold ${a.parameters.similarityThreshold}, zombie threshold ${a.parameters.zombieThreshold}.`,
    ),
    "",
  );
  for (const note of a.notes ?? []) out.push(`> ${cell(text(lang, note))}`, "");
  out.push(`## ${t(lang, "清理清单", "Clean-up list")}`, "");
  out.push(
    t(
      lang,
      "| 系统 | 责任部门 | 类型 | 建议 | 置信度 | 规则与证据 |",
      "| System | Department | Kind | Action | Confidence | Rules and evidence |",
    ),
    "|---|---|---|---|---|---|",
  );
  for (const f of a.cleanupList)
    out.push(
      `| ${cell(f.system.name)} | ${cell(f.system.ownerDepartment)} | ${KIND[f.kind]?.[lang] ?? f.kind} | ${lang === "en" ? (ACTION[f.action] ?? f.action) : f.action} | ${f.confidence.toFixed(2)} | ${f.rules.map((r) => `**${r.rule}** (${r.weight}): ${cell(text(lang, r.evidence))}`).join("<br>")} |`,
    );
  out.push("", `## ${t(lang, "整合建议", "Integration plan")}`, "");
  for (const g of a.integrationPlan) {
    out.push(
      `### ${g.group} — ${t(lang, "保留", "keep")} ${cell(g.keep.name)} (${cell(g.keep.ownerDepartment)})`,
      "",
      `${cell(text(lang, g.rationale))} ${t(lang, "置信度", "Confidence")} ${g.confidence.toFixed(2)}.`,
      "",
    );
    for (const s of g.systems)
      out.push(`- ${t(lang, "并入", "merge")}: ${cell(s.name)} (${cell(s.ownerDepartment)})`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

export async function renderCensusXlsx(a: CensusAnalysis, lang: Lang): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.creator = "govex";
  book.created = new Date(a.generatedAt);
  const list = book.addWorksheet(t(lang, "清理清单", "Clean-up list"));
  list.columns = [
    { header: t(lang, "普查记录", "Record"), key: "id", width: 30 },
    { header: t(lang, "系统名称", "System"), key: "name", width: 36 },
    { header: t(lang, "责任部门", "Department"), key: "dept", width: 24 },
    { header: t(lang, "部门代码", "Department code"), key: "code", width: 22 },
    { header: t(lang, "类型", "Kind"), key: "kind", width: 10 },
    { header: t(lang, "建议", "Action"), key: "action", width: 10 },
    { header: t(lang, "置信度", "Confidence"), key: "confidence", width: 10 },
    { header: t(lang, "规则", "Rules"), key: "rules", width: 40 },
    { header: t(lang, "证据", "Evidence"), key: "evidence", width: 80 },
    { header: t(lang, "相关系统", "Related"), key: "related", width: 36 },
  ];
  for (const f of a.cleanupList)
    list.addRow({
      id: safeCell(f.system.recordId),
      name: safeCell(f.system.name),
      dept: safeCell(f.system.ownerDepartment),
      code: safeCell(f.system.ownerDepartmentCode),
      kind: KIND[f.kind]?.[lang] ?? f.kind,
      action: lang === "en" ? (ACTION[f.action] ?? f.action) : f.action,
      confidence: f.confidence,
      rules: f.rules.map((r) => `${r.rule} (${r.weight})`).join("\n"),
      evidence: safeCell(f.rules.map((r) => text(lang, r.evidence)).join("\n")),
      related: safeCell((f.related ?? []).map((r) => r.name).join("\n")),
    });
  const plan = book.addWorksheet(t(lang, "整合建议", "Integration plan"));
  plan.columns = [
    { header: t(lang, "整合组", "Group"), key: "group", width: 10 },
    { header: t(lang, "保留系统", "Keep"), key: "keep", width: 36 },
    { header: t(lang, "保留系统部门", "Keep's department"), key: "keepDept", width: 24 },
    { header: t(lang, "并入系统", "Merge"), key: "merge", width: 36 },
    { header: t(lang, "并入系统部门", "Merge's department"), key: "mergeDept", width: 24 },
    { header: t(lang, "置信度", "Confidence"), key: "confidence", width: 10 },
    { header: t(lang, "理由", "Rationale"), key: "why", width: 80 },
  ];
  for (const g of a.integrationPlan)
    for (const s of g.systems)
      plan.addRow({
        group: g.group,
        keep: safeCell(g.keep.name),
        keepDept: safeCell(g.keep.ownerDepartment),
        merge: safeCell(s.name),
        mergeDept: safeCell(s.ownerDepartment),
        confidence: g.confidence,
        why: safeCell(text(lang, g.rationale)),
      });
  for (const sheet of [list, plan]) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: "frozen", ySplit: 1 }];
    sheet.getColumn(lang === "en" ? 9 : 9).alignment = { wrapText: true, vertical: "top" };
  }
  const about = book.addWorksheet(t(lang, "说明", "About"));
  about.addRow([t(lang, "生成时间", "Generated"), a.generatedAt]);
  about.addRow([t(lang, "系统数", "Systems"), a.summary.systems]);
  about.addRow([t(lang, "无调用月数", "Idle months"), a.parameters.idleMonths]);
  about.addRow([t(lang, "相似度阈值", "Similarity threshold"), a.parameters.similarityThreshold]);
  about.addRow([t(lang, "僵尸置信度阈值", "Zombie threshold"), a.parameters.zombieThreshold]);
  for (const note of a.notes ?? [])
    about.addRow([t(lang, "说明", "Note"), safeCell(text(lang, note))]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}
