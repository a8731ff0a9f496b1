/**
 * The sharing evaluation as Markdown and as an XLSX workbook: one sheet of indicators (name,
 * formula, weight, own or standard), one of scores per department, one of the exchange totals.
 */
import type { Evaluation, EvaluationSubject } from "@govex/node";
import type { Lang } from "@govex/validator";
import ExcelJS from "exceljs";
import { cell, safeCell } from "../census/node-call.js";

const t = (lang: Lang, zh: string, en: string) => (lang === "en" ? en : zh);

function subjectLines(e: Evaluation, s: EvaluationSubject, lang: Lang): string[] {
  const out = [
    t(lang, "| 指标 | 得分 | 计算 |", "| Indicator | Score | Computation |"),
    "|---|---|---|",
  ];
  for (const score of s.indicators) {
    const def = e.indicators.find((d) => d.code === score.code);
    const name = def ? (lang === "en" ? def.name.en : def.name.zh) : score.code;
    out.push(
      score.available
        ? `| ${cell(name)} | ${score.score} | ${cell(score.formula)} |`
        : `| ${cell(name)} | — | ${cell(score.reason ? (lang === "en" ? score.reason.en : score.reason.zh) : "")} |`,
    );
  }
  return out;
}

export function renderEvaluationMarkdown(e: Evaluation, lang: Lang): string {
  const out: string[] = [`# ${t(lang, "共享评价", "Sharing evaluation")}`, ""];
  out.push(`${t(lang, "生成于", "Generated")} ${e.generatedAt}.`, "");
  for (const note of e.notes ?? []) out.push(`> ${cell(lang === "en" ? note.en : note.zh)}`, "");
  out.push(`## ${t(lang, "指标", "Indicators")}`, "");
  out.push(
    t(
      lang,
      "| 代码 | 指标 | 维度 | 权重 | 公式 | 来源 |",
      "| Code | Indicator | Dimension | Weight | Formula | Source |",
    ),
    "|---|---|---|---|---|---|",
  );
  for (const d of e.indicators)
    out.push(
      `| ${d.code} | ${cell(lang === "en" ? d.name.en : d.name.zh)} | ${d.dimension} | ${d.weight} | ${cell(d.formula)} | ${d.own ? t(lang, "自定", "own") : cell(d.alignment)} |`,
    );
  out.push("", `## ${t(lang, "整个平台", "The whole exchange")}: ${e.exchange.score ?? "—"}`, "");
  out.push(...subjectLines(e, e.exchange, lang));
  for (const d of e.departments) {
    out.push("", `## ${cell(d.name ?? d.memberCode)} (${d.memberCode}): ${d.score ?? "—"}`, "");
    out.push(...subjectLines(e, d, lang));
  }
  return `${out.join("\n")}\n`;
}

export async function renderEvaluationXlsx(e: Evaluation, lang: Lang): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.creator = "govex";
  book.created = new Date(e.generatedAt);
  const defs = book.addWorksheet(t(lang, "指标", "Indicators"));
  defs.columns = [
    { header: t(lang, "代码", "Code"), key: "code", width: 22 },
    { header: t(lang, "指标", "Indicator"), key: "name", width: 30 },
    { header: t(lang, "维度", "Dimension"), key: "dimension", width: 12 },
    { header: t(lang, "权重", "Weight"), key: "weight", width: 8 },
    { header: t(lang, "公式", "Formula"), key: "formula", width: 90 },
    { header: t(lang, "来源", "Source"), key: "source", width: 16 },
  ];
  for (const d of e.indicators)
    defs.addRow({
      code: d.code,
      name: lang === "en" ? d.name.en : d.name.zh,
      dimension: d.dimension,
      weight: d.weight,
      formula: safeCell(d.formula),
      source: d.own ? t(lang, "自定", "own") : safeCell(d.alignment),
    });
  const scores = book.addWorksheet(t(lang, "得分", "Scores"));
  scores.columns = [
    { header: t(lang, "部门", "Department"), key: "name", width: 30 },
    { header: t(lang, "代码", "Code"), key: "member", width: 22 },
    { header: t(lang, "总分", "Score"), key: "score", width: 8 },
    { header: t(lang, "指标", "Indicator"), key: "code", width: 22 },
    { header: t(lang, "指标得分", "Indicator score"), key: "value", width: 12 },
    { header: t(lang, "计算或原因", "Computation or reason"), key: "formula", width: 90 },
  ];
  const subjects: EvaluationSubject[] = [
    { ...e.exchange, name: t(lang, "整个平台", "The whole exchange") },
    ...e.departments,
  ];
  for (const s of subjects)
    for (const score of s.indicators)
      scores.addRow({
        name: safeCell(s.name ?? ""),
        member: s.memberCode ?? "",
        score: s.score ?? "",
        code: score.code,
        value: score.available ? (score.score ?? "") : "—",
        formula: safeCell(
          score.available
            ? (score.formula ?? "")
            : score.reason
              ? lang === "en"
                ? score.reason.en
                : score.reason.zh
              : "",
        ),
      });
  for (const sheet of [defs, scores]) {
    sheet.getRow(1).font = { bold: true };
    sheet.views = [{ state: "frozen", ySplit: 1 }];
  }
  const about = book.addWorksheet(t(lang, "说明", "About"));
  about.addRow([t(lang, "生成时间", "Generated"), e.generatedAt]);
  for (const note of e.notes ?? [])
    about.addRow([t(lang, "说明", "Note"), lang === "en" ? note.en : note.zh]);
  return new Uint8Array(await book.xlsx.writeBuffer());
}
