import type { LoadedSpec } from "../load.js";
import { toHtml, toMarkdown } from "./blocks.js";
import { specBlocks } from "./render.js";

export type { Block } from "./blocks.js";
export { specBlocks } from "./render.js";

/**
 * Render a spec as the standard's human-readable text: zh-CN first, then English, as
 * Markdown or a self-contained HTML page.
 *
 * @example
 * const doc = renderSpecDocs(await loadSpec("specs/data/v1"), "html");
 */
export function renderSpecDocs(
  spec: LoadedSpec,
  format: "markdown" | "html",
  langs: readonly ("zh-CN" | "en")[] = ["zh-CN", "en"],
): string {
  const blocks = langs.flatMap((lang) => specBlocks(spec, lang));
  if (format === "markdown") return toMarkdown(blocks);
  const first = blocks.find((b) => "h" in b);
  return toHtml(blocks, first && "h" in first ? first.text : "govex spec", langs[0]);
}
