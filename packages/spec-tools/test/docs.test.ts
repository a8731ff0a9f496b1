import { describe, expect, it } from "vitest";
import { renderSpecDocs } from "../src/docs/index.js";
import { loadSpec } from "../src/load.js";

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
