/** A tiny document model rendered to Markdown or HTML, so both outputs say the same thing. */
export type Block =
  | { h: 1 | 2 | 3 | 4; text: string; id?: string }
  | { p: string }
  | { list: string[] }
  | { table: { head: string[]; rows: string[][] } }
  | { code: string; lang?: string };

const mdCell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, "<br>");

export function toMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    if ("h" in b) out.push(`${"#".repeat(b.h)} ${b.text}`);
    else if ("p" in b) out.push(b.p);
    else if ("list" in b) out.push(b.list.map((item) => `- ${item}`).join("\n"));
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

export function toHtml(blocks: readonly Block[], title: string, lang = "zh-CN"): string {
  const body = blocks
    .map((b) => {
      if ("h" in b)
        return `<h${b.h}${b.id ? ` id="${escapeHtml(b.id)}"` : ""}>${inline(b.text)}</h${b.h}>`;
      if ("p" in b) return `<p>${inline(b.p)}</p>`;
      if ("list" in b) return `<ul>${b.list.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`;
      if ("table" in b) {
        const head = b.table.head.map((h) => `<th>${inline(h)}</th>`).join("");
        const rows = b.table.rows
          .map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join("")}</tr>`)
          .join("\n");
        return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
      }
      return `<pre><code>${escapeHtml(b.code)}</code></pre>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}code{background:#f5f5f5;padding:0 .2rem}pre{background:#f5f5f5;padding:.8rem;overflow:auto}h1,h2,h3{line-height:1.3}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
