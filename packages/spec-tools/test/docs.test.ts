import { describe, expect, it } from "vitest";
import { isSafeLink, renderSpecDocs, shiftMarkdownHeadings } from "../src/docs/index.js";
import { loadSpec } from "../src/load.js";
import { hostileSpec, keptLinks, refusedLinks } from "./docs-hostile.js";

const root = new URL("../../../", import.meta.url);
const path = (p: string) => new URL(p, root).pathname;

describe("govex spec docs", () => {
  it("renders the data standard with its code tables, rules and examples, zh-CN first", async () => {
    const md = renderSpecDocs(await loadSpec(path("specs/data/v1")), "markdown");
    const zh = md.indexOf("# 数据规范");
    const en = md.indexOf("# Data standard");
    expect(zh).toBeGreaterThanOrEqual(0);
    expect(en).toBeGreaterThan(zh);
    expect(md).toContain("| `2` | 女 | Female |"); // GB/T 2261.1 code table
    expect(md).toContain("| `56` | 基诺族 |"); // GB 3304
    expect(md).toContain("`person-resident-id`"); // a cross-field rule, with its description
    expect(md).toMatch(/公民身份号码/);
    expect(md).toContain("```json");
  });

  it("renders an OpenAPI spec's operations, parameters, examples and problem registry", async () => {
    const md = renderSpecDocs(await loadSpec(path("specs/exchange/v1/openapi.yaml")), "markdown");
    expect(md).toContain("### 发布目录条目 · `POST /catalog/entries`");
    expect(md).toContain("### Publish a catalog entry · `POST /catalog/entries`");
    expect(md).toContain("`Idempotency-Key`");
    expect(md).toContain("## 错误类型登记表");
    expect(md).toContain("`https://govex.dev/problems/idempotency-key-reused`");
  });

  it("escapes HTML and keeps one self-contained page", async () => {
    const html = renderSpecDocs(await loadSpec(path("specs/provider/v1/openapi.yaml")), "html");
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("<table>");
    expect(html).toContain("&quot;");
  });
});

/** Every `id` of a page, and every `href="#…"` of its outline. */
const ids = (html: string) => [...html.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]);
const anchors = (html: string) => [...html.matchAll(/ href="#([^"]*)"/g)].map((m) => m[1]);
const outline = (html: string) => /<nav class="outline"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
const decode = (s: string) => s.replace(/&amp;/g, "&").replace(/&quot;/g, '"');

describe("descriptions are CommonMark (OpenAPI 3.1 §4.8)", () => {
  it("renders the exchange spec's info.description as headings and lists in the outline", async () => {
    const html = renderSpecDocs(await loadSpec(path("specs/exchange/v1/openapi.yaml")), "html");
    // `## 约定 · Conventions` under the page's h1 stays an h2, with an id and an outline entry.
    expect(html).toContain('<h2 id="约定-conventions">约定 · Conventions</h2>');
    expect(outline(html)).toContain('<a href="#约定-conventions">约定 · Conventions</a>');
    // The English section repeats the description: its heading gets its own id.
    expect(html).toContain('<h2 id="约定-conventions-2">约定 · Conventions</h2>');
    expect(html).toMatch(
      /<ul>\s*<li><strong>版本 Versioning<\/strong>: 路径前缀 <code>\/v1<\/code>/,
    );
    expect(html.match(/<li><strong>[^<]+ [A-Z][a-z]+( id)?<\/strong>/g)?.length).toBe(12);
    // A line break inside Chinese prose is no space (CSS Text 3 §4.1.3); beside Latin it is.
    expect(html).toContain("核验)、订阅与事件");
    expect(html).toMatch(/不兼容变更才升主版本。\nThe <code>\/v1<\/code> prefix/);
    // Not the old run-together paragraph.
    expect(html).not.toContain("## 约定");
    expect(html).not.toMatch(/<p>[^<]*- \*\*版本/);
  });

  it("gives every heading a page-unique id that its outline entry reaches", async () => {
    for (const spec of [
      "specs/exchange/v1/openapi.yaml",
      "specs/provider/v1/openapi.yaml",
      "specs/data/v1",
      "specs/adapter/v1",
    ]) {
      const html = renderSpecDocs(await loadSpec(path(spec)), "html");
      const all = ids(html);
      expect(new Set(all).size, spec).toBe(all.length);
      const headings = html.match(/<h[1-6] id=/g)?.length ?? 0;
      const links = anchors(outline(html));
      expect(links.length, spec).toBe(headings);
      for (const a of links) expect(all, `${spec} #${a}`).toContain(decode(a as string));
    }
  });

  it("keeps the first language's anchors and suffixes the next one's", async () => {
    const html = renderSpecDocs(await loadSpec(path("specs/exchange/v1/openapi.yaml")), "html");
    expect(html).toContain('id="publishCatalogEntry"');
    expect(html).toContain('id="publishCatalogEntry-en"');
    expect(html).toContain('<section lang="zh-CN">');
    expect(html).toContain('<section lang="en">');
  });

  it("keeps descriptions as Markdown, headings shifted under the element they describe", async () => {
    const md = renderSpecDocs(await loadSpec(path("specs/exchange/v1/openapi.yaml")), "markdown");
    expect(md).toMatch(/^# govex .*\n\n[\s\S]*?\n## 约定 · Conventions\n- \*\*版本 Versioning\*\*/);
    const hostile = renderSpecDocs(hostileSpec, "markdown", ["en"]);
    // The operation is an h3, so its description's `###` becomes an h4.
    expect(hostile).toContain(
      "### 读取 <img src=x onerror=alert(1)> · `GET /things/{id}`\n\n#### 注意 · Notes",
    );
    // The description's unclosed fence is closed before the next block.
    expect(hostile).toMatch(/unclosed\n```\n\n\| parameter/);
  });

  it.each<[string, { given: string; under: number; want: string }]>([
    ["h2 under h1 stays", { given: "## A\ntext\n### B", under: 1, want: "## A\ntext\n### B" }],
    ["h1 under h3 moves down", { given: "# A\n## B", under: 3, want: "#### A\n##### B" }],
    ["h3 under h1 moves up", { given: "### A", under: 1, want: "## A" }],
    ["clamped at h6", { given: "# A\n###### B", under: 3, want: "#### A\n###### B" }],
    ["setext", { given: "Title\n=====\n\nSub\n---", under: 2, want: "### Title\n\n#### Sub" }],
    ["not in code", { given: "```\n# not\n```\n# A", under: 2, want: "```\n# not\n```\n### A" }],
    ["in containers", { given: "- # A\n  > ## B", under: 1, want: "- ## A\n  > ### B" }],
    ["closing sequence", { given: "## A ##", under: 2, want: "### A ##" }],
    ["no headings", { given: "#hashtag and text", under: 2, want: "#hashtag and text" }],
    ["unclosed fence", { given: "```js\nx", under: 1, want: "```js\nx\n```" }],
    ["closed fence", { given: "~~~\nx\n~~~", under: 1, want: "~~~\nx\n~~~" }],
    ["CRLF", { given: "# A\r\nb\r\n", under: 1, want: "## A\nb" }],
  ])("shiftMarkdownHeadings: %s", (_name, { given, under, want }) => {
    expect(shiftMarkdownHeadings(given, under)).toBe(want);
  });

  it.each<[string, boolean]>([
    ["https://example.org/a", true],
    ["HTTP://EXAMPLE.ORG", true],
    ["mailto:a@example.gov.cn", true],
    ["./relative.html", true],
    ["../up/x", true],
    ["#anchor", true],
    ["#x:y", true],
    ["?q=a:b", true],
    ["//host/path", true],
    ["javascript:alert(1)", false],
    [" JavaScript:alert(1)", false],
    ["java%09script:alert(1)", false],
    ["data:text/html,x", false],
    ["data:image/png;base64,AAAA", false],
    ["vbscript:x", false],
    ["file:///etc/passwd", false],
    ["ftp://example.org", false],
  ])("isSafeLink(%j) is %s", (url, want) => {
    expect(isSafeLink(url)).toBe(want);
  });
});

describe("a hostile spec renders inert", () => {
  const html = renderSpecDocs(hostileSpec, "html");
  const page = html.slice(html.indexOf("<body>"));

  it("shows raw HTML as text", () => {
    expect(page).not.toMatch(/<(script|img|iframe|b)\b/i);
    // No event handler attribute on any element (" onerror=" inside quoted values is text).
    const attributes = [...page.matchAll(/<[a-z][a-z0-9]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>/gi)]
      .flatMap((m) => [...(m[1] ?? "").matchAll(/\s+([^\s=>]+)(?:="[^"]*")?/g)])
      .map((m) => m[1]?.toLowerCase() ?? "");
    expect(attributes.length).toBeGreaterThan(50);
    expect(attributes.filter((a) => a.startsWith("on"))).toEqual([]);
    expect(page).toContain("&lt;script&gt;window.__pwned = 1; alert('script')&lt;/script&gt;");
    expect(page).toContain("&lt;img src=&quot;x&quot; onerror=&quot;window.__pwned = 2;");
    expect(page).toContain("&lt;iframe src=&quot;https://example.org&quot;&gt;");
    // The title and summary are text too.
    expect(html).toContain(
      "<title>Hostile &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; 1.0.0</title>",
    );
  });

  it("keeps only http(s), mailto and relative links", () => {
    const hrefs = [...page.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) =>
      decode(m[1] as string),
    );
    for (const href of hrefs) expect(isSafeLink(href), href).toBe(true);
    for (const [, href] of keptLinks) expect(hrefs).toContain(href);
    expect(page).not.toMatch(/href="[^"#]*script/i);
    // A refused link stays readable as its source text.
    expect(page).toContain("[js](javascript:alert(1))");
    expect(page).toContain("![pixel](data:image/png;base64,iVBORw0KGgo=)");
    expect(refusedLinks.length).toBeGreaterThan(5);
  });

  it("escapes a hostile operationId in its anchor and a title attribute breakout", () => {
    expect(page).toContain('id="getThing&quot; onmouseover=&quot;alert(1)"');
    expect(page).toContain('title="x&quot; onmouseover=&quot;alert(1)"');
  });

  it("folds the description's headings into the outline, shifted", () => {
    const nav = outline(html);
    // `# …` under the page's h1 becomes an h2; its tags are text, in the heading and the outline.
    expect(page).toContain(
      '<h2 id="敌意标题-b-onclick-alert-1-hostile-b">敌意标题 &lt;b onclick=alert(1)&gt;Hostile&lt;/b&gt;</h2>',
    );
    expect(nav).toContain('href="#敌意标题-b-onclick-alert-1-hostile-b">敌意标题 &lt;b onclick');
    expect(nav).toContain('href="#小节-section"');
    expect(page).toContain('<h3 id="小节-section">小节 · Section</h3>');
    expect(page).toContain('<h2 id="setext-title">Setext title</h2>');
    expect(page).toContain('<h4 id="注意-notes">注意 · Notes</h4>');
    // A heading inside a table cell is a bold paragraph, not an outline entry.
    expect(page).toContain('<p class="md-heading">OK heading in a cell</p>');
    expect(nav).not.toContain("OK heading");
  });
});
