/**
 * The HTML standard text opens in a real browser (Debian chromium, driven by
 * playwright-core): served over loopback, rendered without console errors, headings,
 * tables and code blocks laid out, the anchors of operations reachable, descriptions rendered
 * as CommonMark (headings in the outline, real lists), Chinese drawn with a CJK font, and a
 * hostile spec inert.
 *
 * Nothing is installed here: scripts/system-deps.sh installs chromium and Debian's
 * fonts-noto-cjk. A screenshot of each rendered spec is written to test-artifacts/spec-docs/
 * (or $GOVEX_TEST_ARTIFACTS/spec-docs/), so a page showing boxes instead of Chinese is seen.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSpecDocs } from "../src/docs/index.js";
import { loadSpec } from "../src/load.js";
import { hostileSpec, keptLinks } from "./docs-hostile.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = new URL("../../../", import.meta.url);
const artifacts = join(
  process.env.GOVEX_TEST_ARTIFACTS ?? new URL("test-artifacts", root).pathname,
  "spec-docs",
);
/** The four standards, by the name their page and screenshot take. */
const SPECS = {
  exchange: "specs/exchange/v1/openapi.yaml",
  provider: "specs/provider/v1/openapi.yaml",
  data: "specs/data/v1",
  adapter: "specs/adapter/v1",
} as const;
let server: Server;
let browser: Browser;
let base = "";
const pages: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, spec] of Object.entries(SPECS))
    pages[`/${name}.html`] = renderSpecDocs(await loadSpec(new URL(spec, root).pathname), "html");
  pages["/hostile.html"] = renderSpecDocs(hostileSpec, "html");
  server = createServer((req, res) => {
    const page = pages[req.url ?? ""];
    res.writeHead(page ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(page ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mkdirSync(artifacts, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  for (const opened of loaded.values()) await (await opened).page.close();
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Each page is loaded once and shared by the tests that read it (layout is the slow part). */
const loaded = new Map<string, Promise<{ page: Page; problems: string[] }>>();
const open = (path: string) => {
  if (!loaded.has(path)) loaded.set(path, load(path));
  return loaded.get(path) as Promise<{ page: Page; problems: string[] }>;
};

/** A page that records every console error or warning, uncaught error and dialog it meets. */
async function load(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${base}${path}`);
  return { page, problems };
}

/** The fonts chromium actually drew a node's text with (CDP CSS.getPlatformFontsForNode). */
async function platformFonts(page: Page, selector: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("DOM.enable");
  await cdp.send("CSS.enable");
  const { root: doc } = await cdp.send("DOM.getDocument", { depth: -1 });
  const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: doc.nodeId, selector });
  const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
  await cdp.detach();
  return fonts;
}

const CJK_FONT = /CJK|Source Han|Noto Sans SC|Noto Serif SC|WenQuanYi|Droid Sans Fallback/i;

describe("HTML docs in chromium", () => {
  it("renders the exchange spec: title, operations, tables, anchors, no console errors", async () => {
    const { page, problems } = await open("/exchange.html");
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator("h1").first().textContent()).toContain("govex");
    expect(await page.locator("table").count()).toBeGreaterThan(40);
    await page.goto(`${base}/exchange.html#publishCatalogEntry`);
    const heading = page.locator("#publishCatalogEntry");
    expect(await heading.textContent()).toContain("POST /catalog/entries");
    expect(await heading.isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it("renders info.description's heading into the outline and its list as <li> elements", async () => {
    const { page, problems } = await open("/exchange.html");
    const zh = page.locator('section[lang="zh-CN"]');
    const heading = zh.locator("h2#约定-conventions");
    expect(await heading.textContent()).toBe("约定 · Conventions");
    // The list right after the heading: six conventions, each a bold name and its rule.
    const items = zh.locator("h2#约定-conventions + ul > li");
    expect(await items.count()).toBe(6);
    expect(await items.first().locator("strong").textContent()).toBe("版本 Versioning");
    expect(await items.first().locator("code").first().textContent()).toBe("/v1");
    // The heading has its entry in the outline, nested under the page title, and the entry
    // brings it into view.
    const entry = page.locator('nav.outline a[href="#约定-conventions"]');
    expect(await entry.count()).toBe(1);
    expect(
      await entry.evaluate((a) => a.closest("ul")?.closest("li")?.querySelector("a")?.textContent),
    ).toContain("govex 政务信息资源共享交换节点接口");
    await entry.click();
    await page.waitForFunction('location.hash === "#%E7%BA%A6%E5%AE%9A-conventions"');
    const box = await heading.boundingBox();
    expect(box && box.y >= 0 && box.y < 900).toBe(true);
    // No raw Markdown left in the rendered text.
    expect(await zh.locator(".description").first().textContent()).not.toMatch(/^## |\*\*/m);
    expect(problems).toEqual([]);
  });

  it("draws Chinese with a CJK font (fonts-noto-cjk), not boxes", async () => {
    const { page } = await open("/exchange.html");
    const fonts = await platformFonts(page, "h2#约定-conventions");
    const cjk = fonts.filter((f) => CJK_FONT.test(f.familyName));
    // The fonts chromium drew with, not the CSS it was asked for: "约定" is two glyphs and they
    // must come from a CJK font, or the page shows boxes. If this fails, run
    // scripts/system-deps.sh (it installs Debian's fonts-noto-cjk).
    expect(
      cjk.reduce((n, f) => n + f.glyphCount, 0),
      JSON.stringify(fonts),
    ).toBeGreaterThanOrEqual(2);
  });

  it("renders the data standard's code tables as real table rows", async () => {
    const { page, problems } = await open("/data.html");
    const femaleRow = page.locator("tr", { hasText: "Female" }).first();
    expect(await femaleRow.locator("td").count()).toBe(3);
    expect(await femaleRow.textContent()).toContain("女");
    const fonts = await platformFonts(page, "h1");
    expect(
      fonts.some((f) => CJK_FONT.test(f.familyName)),
      JSON.stringify(fonts),
    ).toBe(true);
    expect(problems).toEqual([]);
  });

  it.each(Object.keys(SPECS))("screenshots the %s spec as an artifact", async (name) => {
    const { page, problems } = await open(`/${name}.html`);
    expect(await page.locator("main h1").count()).toBe(2); // zh-CN, then English
    expect(await page.locator("nav.outline a").count()).toBeGreaterThan(3);
    const file = join(artifacts, `${name}.png`);
    await page.evaluate("window.scrollTo(0, 0)");
    await page.screenshot({ path: file });
    const png = readFileSync(file);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(png.length).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
  });

  it("renders a hostile spec inert: no script runs, raw HTML shows as text", async () => {
    const { page, problems } = await open("/hostile.html");
    const main = page.locator("main");
    // (Page-side code is passed as text: this package's tsconfig has no DOM types.)
    expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
    expect(await page.locator("script, img, iframe, object, embed, main b").count()).toBe(0);
    expect(
      await page.evaluate(`[...document.querySelectorAll("*")].flatMap((el) =>
        [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name))`),
    ).toEqual([]);
    const text = await main.textContent();
    expect(text).toContain("<script>window.__pwned = 1; alert('script')</script>");
    expect(text).toContain(`<img src="x" onerror="window.__pwned = 2; alert('img')">`);
    expect(text).toContain("[js](javascript:alert(1))");
    // Only http(s), mailto and same-page or relative links remain.
    const hrefs = await main
      .locator("a")
      .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    // Per language: the kept links and the title-breakout one (its title escaped).
    expect(hrefs.length).toBe(2 * (keptLinks.length + 1));
    for (const href of hrefs) expect(new URL(href).protocol).toMatch(/^(https?|mailto):$/);
    // The description's `# heading` is an h2 in the outline, its tags as text.
    expect(
      await page
        .locator("nav.outline a", { hasText: "敌意标题 <b onclick=alert(1)>Hostile</b>" })
        .count(),
    ).toBe(2);
    await page.screenshot({ path: join(artifacts, "hostile.png") });
    expect(problems).toEqual([]);
  });
});
