/**
 * The HTML standard text opens in a real browser (Debian chromium, driven by
 * playwright-core): served over loopback, rendered without console errors, headings,
 * tables and code blocks laid out, and the anchors of operations reachable.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSpecDocs } from "../src/docs/index.js";
import { loadSpec } from "../src/load.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const root = new URL("../../../", import.meta.url);
let server: Server;
let browser: Browser;
let base = "";
const pages: Record<string, string> = {};

beforeAll(async () => {
  pages["/exchange.html"] = renderSpecDocs(
    await loadSpec(new URL("specs/exchange/v1/openapi.yaml", root).pathname),
    "html",
  );
  pages["/data.html"] = renderSpecDocs(
    await loadSpec(new URL("specs/data/v1", root).pathname),
    "html",
  );
  server = createServer((req, res) => {
    const page = pages[req.url ?? ""];
    res.writeHead(page ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(page ?? "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});

describe("HTML docs in chromium", () => {
  it("renders the exchange spec: title, operations, tables, anchors, no console errors", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/exchange.html`);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.locator("h1").first().textContent()).toContain("govex");
    expect(await page.locator("table").count()).toBeGreaterThan(40);
    await page.goto(`${base}/exchange.html#publishCatalogEntry`);
    const heading = page.locator("#publishCatalogEntry").first();
    expect(await heading.textContent()).toContain("POST /catalog/entries");
    expect(await heading.isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("renders the data standard's code tables as real table rows", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/data.html`);
    const femaleRow = page.locator("tr", { hasText: "Female" }).first();
    expect(await femaleRow.locator("td").count()).toBe(3);
    expect(await femaleRow.textContent()).toContain("女");
    await page.close();
  });
});
