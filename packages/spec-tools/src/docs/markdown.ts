/**
 * Descriptions in a spec are CommonMark (OpenAPI 3.1 §4.8 "Rich Text Formatting"; JSON Schema
 * 2020-12 Validation §9.1 leaves `description` free text, and govex writes it as CommonMark too).
 * This module renders them with markdown-it, sanitized for a page built from someone else's
 * spec, and folds their headings into the outline of the page that describes the element.
 *
 * @module
 */
import Markdown, { type MarkdownIt, type Token } from "markdown-it";

/**
 * Only these link targets survive: http(s), mailto, and URLs without a scheme (relative paths,
 * `#anchors`, `//host` which the page's own scheme decides). Anything else — `javascript:`,
 * `data:`, `vbscript:`, `file:` — is refused and the link stays text.
 */
export function isSafeLink(url: string): boolean {
  // markdown-it hands over the normalized (percent-encoded) URL; control characters and spaces
  // are encoded, so `java\tscript:` cannot smuggle a scheme past this test.
  const s = url.trim().toLowerCase();
  const colon = s.indexOf(":");
  if (colon === -1) return true;
  const delimiter = s.search(/[/?#]/);
  if (delimiter !== -1 && delimiter < colon) return true; // `./a:b`, `#x:y` are relative
  return /^(https?|mailto):/.test(s);
}

/** Characters that CSS Text 3 §4.1.3 treats as East Asian wide (Han, kana, CJK punctuation). */
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;

function createMarkdown(): MarkdownIt {
  // html: false — raw HTML in a description is shown as text, never as markup.
  const md = new Markdown({ html: false, linkify: false, typographer: false });
  md.validateLink = isSafeLink;
  // A line break between two Chinese characters is no space (CSS Text 3 §4.1.3, segment break
  // transformation), but browsers draw one: wrapped zh-CN prose would show stray gaps.
  md.renderer.rules.softbreak = (tokens, idx) => {
    const before = tokens[idx - 1]?.content.at(-1) ?? "";
    const after = tokens[idx + 1]?.content[0] ?? "";
    return WIDE.test(before) && WIDE.test(after) ? "" : "\n";
  };
  return md;
}

const md = createMarkdown();

/** A heading of a description, after shifting, as the page's outline lists it. */
export interface OutlineHeading {
  level: number;
  text: string;
  id: string;
}

/** The new level of each heading: the shallowest one lands just below `parent`, at most h6. */
function shifter(tokens: readonly Token[], parent: number): (level: number) => number {
  let min = 7;
  for (const t of tokens) if (t.type === "heading_open") min = Math.min(min, headingLevel(t));
  return (level) => Math.min(6, level - min + parent + 1);
}

const headingLevel = (t: Token) => Number(t.tag.slice(1));

/** A page-unique id for a heading: letters and digits of any script, joined by hyphens. */
export function slugify(text: string): string {
  const slug = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return slug || "section";
}

/**
 * Render a description that sits under a heading of level `parent` as HTML. Its headings become
 * h(parent+1)… with ids from `allocateId`, and are returned so the page lists them in its outline.
 */
export function renderDescriptionHtml(
  source: string,
  parent: number,
  allocateId: (text: string) => string,
): { html: string; headings: OutlineHeading[] } {
  const env = {};
  const tokens = md.parse(source, env);
  const shift = shifter(tokens, parent);
  const headings: OutlineHeading[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const open = tokens[i] as Token;
    if (open.type !== "heading_open") continue;
    const level = shift(headingLevel(open));
    const inline = tokens[i + 1] as Token;
    const text = md.renderer.renderInlineAsText(inline.children ?? [], md.options, env).trim();
    const id = allocateId(text);
    open.tag = `h${level}`;
    open.attrSet("id", id);
    for (let j = i + 1; j < tokens.length; j++) {
      const close = tokens[j] as Token;
      if (close.type === "heading_close") {
        close.tag = `h${level}`;
        break;
      }
    }
    headings.push({ level, text, id });
  }
  return { html: md.renderer.render(tokens, md.options, env), headings };
}

/**
 * Render a description inside a table cell: one paragraph becomes inline HTML; lists and code
 * stay blocks; a heading (which has no place in an outline from inside a table) becomes a bold
 * paragraph.
 */
export function renderCellHtml(source: string): string {
  const env = {};
  const tokens = md.parse(source, env);
  if (
    tokens.length === 3 &&
    tokens[0]?.type === "paragraph_open" &&
    tokens[1]?.type === "inline" &&
    tokens[2]?.type === "paragraph_close"
  )
    return md.renderer.renderInline(tokens[1].children ?? [], md.options, env);
  for (const t of tokens) {
    if (t.type === "heading_open" || t.type === "heading_close") {
      t.tag = "p";
      if (t.nesting === 1) t.attrSet("class", "md-heading");
    }
  }
  return md.renderer.render(tokens, md.options, env).trim();
}

// The first `#` run after indentation and container markers (`>`, `-`, `1.`) on a line that
// markdown-it parsed as a heading is that heading's marker.
const ATX = /^((?:[ \t]*(?:>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+))*[ \t]*)(#{1,6})(?=[ \t]|$)/;

/**
 * Keep a description as Markdown but shift its headings below a heading of level `parent`, as
 * {@link renderDescriptionHtml} does; setext headings at the top level become ATX headings. A
 * fenced code block left open is closed, so it cannot swallow the rest of the page.
 */
export function shiftMarkdownHeadings(source: string, parent: number): string {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const tokens = md.parse(lines.join("\n"), {});
  const shift = shifter(tokens, parent);
  const replaced = new Map<number, string | null>(); // line → new text, or null to drop it
  let unclosedFence: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    // Only a top-level fence can run on: a list item or block quote ends its fence with itself.
    if (t.type === "fence" && t.map && t.level === 0) {
      const last = lines[t.map[1] - 1]?.trim() ?? "";
      const closed =
        t.map[1] - t.map[0] >= 2 &&
        last.startsWith(t.markup) &&
        /^[`~]+$/.test(last) &&
        last.length >= t.markup.length;
      if (!closed) unclosedFence = t.markup;
    }
    if (t.type !== "heading_open" || !t.map) continue;
    const level = shift(headingLevel(t));
    const hashes = "#".repeat(level);
    if (t.markup.startsWith("#")) {
      const line = lines[t.map[0]] ?? "";
      replaced.set(
        t.map[0],
        line.replace(ATX, (_m, lead: string) => `${lead}${hashes}`),
      );
    } else if (t.level === 0) {
      // Setext (`Title` over `===`): one ATX line carries the heading's text instead.
      const text = (tokens[i + 1] as Token).content.replace(/\s*\n\s*/g, " ");
      replaced.set(t.map[0], `${hashes} ${text}`);
      for (let l = t.map[0] + 1; l < t.map[1]; l++) replaced.set(l, null);
    }
  }
  const out: string[] = [];
  lines.forEach((line, n) => {
    const r = replaced.get(n);
    if (r === undefined) out.push(line);
    else if (r !== null) out.push(r);
  });
  let text = out.join("\n").replace(/\s+$/, "");
  if (unclosedFence) text += `\n${unclosedFence}`;
  return text;
}
