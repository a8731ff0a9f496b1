import type { LoadedSpec } from "../load.js";
import { type Block, toHtml, toMarkdown } from "./blocks.js";
import { specBlocks } from "./render.js";

export type { Block, Cell } from "./blocks.js";
export { isSafeLink, shiftMarkdownHeadings } from "./markdown.js";
export { specBlocks } from "./render.js";

/**
 * Render a spec as the standard's human-readable text: zh-CN first, then English, as
 * Markdown or a self-contained HTML page. Descriptions are CommonMark (OpenAPI 3.1 §4.8): the
 * HTML renders them (raw HTML shown as text, links only http(s)/mailto/relative) with their
 * headings in the page's outline; the Markdown keeps them, headings shifted under the element
 * they describe.
 *
 * @example
 * const doc = renderSpecDocs(await loadSpec("specs/data/v1"), "html");
 */
export function renderSpecDocs(
  spec: LoadedSpec,
  format: "markdown" | "html",
  langs: readonly ("zh-CN" | "en")[] = ["zh-CN", "en"],
): string {
  // The first language keeps the plain anchors (`#publishCatalogEntry`); later ones are suffixed.
  const sections = langs.map((lang, i) => ({
    lang,
    blocks: specBlocks(spec, lang).map(
      (b): Block => (i > 0 && "h" in b && b.id ? { ...b, id: `${b.id}-${lang}` } : b),
    ),
  }));
  if (format === "markdown") return toMarkdown(sections.flatMap((s) => s.blocks));
  const first = sections[0]?.blocks.find((b) => "h" in b);
  return toHtml(sections, first && "h" in first ? first.text : "govex spec", langs[0]);
}
