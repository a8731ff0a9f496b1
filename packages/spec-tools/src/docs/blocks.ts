import {
  renderCellHtml,
  renderDescriptionHtml,
  shiftMarkdownHeadings,
  slugify,
} from "./markdown.js";

/** A table cell: text written by the tools (with `code` spans), or a description from the spec. */
export type Cell = string | { md: string };

/** A tiny document model rendered to Markdown or HTML, so both outputs say the same thing. */
export type Block =
  | { h: 1 | 2 | 3 | 4; text: string; id?: string }
  | { p: string }
  /** A description from the spec (CommonMark), under a heading of level `under`. */
  | { md: string; under: number }
  | { list: string[] }
  | { table: { head: string[]; rows: Cell[][] } }
  | { code: string; lang?: string };

/** The blocks of one language, rendered as one `lang`-tagged section of the page. */
export interface Section {
  lang: string;
  blocks: readonly Block[];
}

const cellText = (c: Cell) => (typeof c === "string" ? c : c.md.trim());
const mdCell = (c: Cell) => cellText(c).replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if ("h" in b) out.push(`${"#".repeat(b.h)} ${b.text}`);
    else if ("p" in b) out.push(b.p);
    else if ("md" in b) {
      const text = shiftMarkdownHeadings(b.md, b.under);
      if (text.trim()) out.push(text);
    } else if ("list" in b) out.push(b.list.map((item) => `- ${item}`).join("\n"));
    else if ("table" in b) {
      const { head, rows } = b.table;
      out.push(
        [
          `| ${head.map(mdCell).join(" | ")} |`,
          `|${head.map(() => "---").join("|")}|`,
          ...rows.map((r) => `| ${r.map(mdCell).join(" | ")} |`),
        ].join("\n"),
      );
    } else out.push(`\`\`\`${b.lang ?? ""}\n${b.code}\n\`\`\``);
  }
  return `${out.join("\n\n")}\n`;
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Inline `code` only; everything else is text. */
const inline = (s: string) => escapeHtml(s).replace(/`([^`]+)`/g, "<code>$1</code>");
const cellHtml = (c: Cell) => (typeof c === "string" ? inline(c) : renderCellHtml(c.md));

interface OutlineEntry {
  level: number;
  html: string;
  id: string;
}

/** Nested lists from a flat run of headings (levels may jump; every list closes properly). */
function outlineHtml(entries: readonly OutlineEntry[]): string {
  let html = "";
  const open: number[] = [];
  for (const e of entries) {
    while (open.length > 0 && (open.at(-1) as number) > e.level) {
      html += "</li></ul>";
      open.pop();
    }
    if (open.length > 0 && open.at(-1) === e.level) html += "</li><li>";
    else {
      html += "<ul><li>";
      open.push(e.level);
    }
    html += `<a href="#${escapeHtml(e.id)}">${e.html}</a>`;
  }
  return html + "</li></ul>".repeat(open.length);
}

/**
 * A self-contained page: every heading (the tools' and those inside descriptions) has a
 * page-unique id and an entry in the outline beside the text.
 */
export function toHtml(sections: readonly Section[], title: string, lang = "zh-CN"): string {
  const used = new Set<string>();
  const allocate = (wanted: string) => {
    let id = wanted;
    for (let n = 2; used.has(id); n++) id = `${wanted}-${n}`;
    used.add(id);
    return id;
  };
  const outline: OutlineEntry[] = [];
  const renderBlock = (b: Block): string => {
    if ("h" in b) {
      const id = allocate(b.id || slugify(b.text));
      outline.push({ level: b.h, html: inline(b.text), id });
      return `<h${b.h} id="${escapeHtml(id)}">${inline(b.text)}</h${b.h}>`;
    }
    if ("p" in b) return `<p>${inline(b.p)}</p>`;
    if ("md" in b) {
      const { html, headings } = renderDescriptionHtml(b.md, b.under, (text) =>
        allocate(slugify(text)),
      );
      for (const h of headings)
        outline.push({ level: h.level, html: escapeHtml(h.text), id: h.id });
      return `<div class="description">\n${html.trim()}\n</div>`;
    }
    if ("list" in b) return `<ul>${b.list.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`;
    if ("table" in b) {
      const head = b.table.head.map((h) => `<th>${inline(h)}</th>`).join("");
      const rows = b.table.rows
        .map((r) => `<tr>${r.map((c) => `<td>${cellHtml(c)}</td>`).join("")}</tr>`)
        .join("\n");
      return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
    }
    return `<pre><code>${escapeHtml(b.code)}</code></pre>`;
  };
  const body = sections
    .map(
      (s) =>
        `<section lang="${escapeHtml(s.lang)}">\n${s.blocks.map(renderBlock).join("\n")}\n</section>`,
    )
    .join("\n");
  const contents = lang === "zh-CN" ? "目录 · Contents" : "Contents · 目录";
  // The page is built from someone else's spec: besides escaping, its Content-Security-Policy
  // runs no script at all and loads nothing but inline styles and images.
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; base-uri 'none'; form-action 'none'">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:0;line-height:1.6;color:#1a1a1a}
.page{display:grid;grid-template-columns:minmax(14rem,18rem) minmax(0,60rem);gap:2rem;padding:0 1rem;justify-content:center}
nav.outline{position:sticky;top:0;max-height:100vh;overflow:auto;font-size:.85rem;padding:1rem 0}
nav.outline ul{list-style:none;margin:0;padding-left:.9rem}nav.outline>ul{padding-left:0}nav.outline a{color:#24527a;text-decoration:none}
nav.outline a:hover{text-decoration:underline}nav.outline code{background:none;padding:0;overflow-wrap:anywhere}nav.outline .outline-title{font-weight:600;margin:0 0 .5rem}
main{padding:1rem 0 4rem}
@media (max-width:60rem){.page{grid-template-columns:minmax(0,1fr)}nav.outline{position:static;max-height:none}}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
td>ul,td>ol{margin:0;padding-left:1.2rem}td>p{margin:0 0 .3rem}.md-heading{font-weight:600}
th{background:#f3f3f3}code{background:#f5f5f5;padding:0 .2rem}pre{background:#f5f5f5;padding:.8rem;overflow:auto}pre code{padding:0}h1,h2,h3,h4,h5,h6{line-height:1.3}
.description{border-left:3px solid #e4e4e4;padding-left:.9rem}
</style>
</head>
<body>
<div class="page">
<nav class="outline" aria-label="${escapeHtml(contents)}"><p class="outline-title">${escapeHtml(contents)}</p>
${outlineHtml(outline)}
</nav>
<main>
${body}
</main>
</div>
</body>
</html>
`;
}
