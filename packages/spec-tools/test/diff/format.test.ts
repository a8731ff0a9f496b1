import { describe, expect, it } from "vitest";
import { type DiffResult, diffOpenApi, formatDiff } from "../../src/diff/index.js";
import { doc, inRequest } from "./wrap.js";

const OLD = inRequest({
  type: "object",
  required: ["a"],
  properties: { a: { type: "string" }, b: { enum: ["x"] } },
});
const NEW = inRequest({
  type: "object",
  properties: { b: { enum: ["x", "y"] } },
  description: 'A <b>&"new"',
});
const RESULT = diffOpenApi(OLD, NEW, {
  ignore: [{ id: "request-enum-value-added", reason: "y is test-only" }],
});
const EMPTY: DiffResult = { changes: [], ignored: [], counts: { ERR: 0, WARN: 0, INFO: 0 } };

describe("formatDiff", () => {
  it("text: one line a change, level, id, location, message", () => {
    const text = formatDiff(RESULT, "text", { lang: "en" });
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      `INFO description-changed  POST /t request body  ${RESULT.changes[0]?.message.en}`,
    );
    expect(lines[1]).toMatch(
      /^ERR request-property-removed {2}POST \/t request body \/a {2}Request: required property removed \(a → none\): requests that old clients send no longer conform; release a new major version or revert the change\.$/,
    );
    expect(formatDiff(RESULT, "text")).toContain(
      "请求：删除必填属性（a → 无），旧客户端发送的请求不再符合接口；请发布新的主版本，或撤销该变更。",
    );
    expect(formatDiff(EMPTY, "text")).toBe("");
  });

  it("json: the result, whole", () => {
    expect(JSON.parse(formatDiff(RESULT, "json"))).toEqual(JSON.parse(JSON.stringify(RESULT)));
  });

  it("markdown: a changelog section grouped by level, zh-CN or English", () => {
    const zh = formatDiff(RESULT, "markdown", { title: "1.2.0" });
    expect(zh).toContain("### 1.2.0");
    expect(zh.indexOf("#### 不兼容变更（ERR）")).toBeLessThan(zh.indexOf("#### 兼容变更（INFO）"));
    expect(zh).toContain("- `request-property-removed` POST /t request body /a:");
    expect(zh).toContain("#### 已忽略");
    expect(zh).toContain("y is test-only");
    const en = formatDiff(RESULT, "markdown", { lang: "en" });
    expect(en).toContain("### Changes");
    expect(en).toContain("#### Breaking changes (ERR)");
    expect(en).not.toContain("Possibly breaking");
    expect(formatDiff(EMPTY, "markdown", { lang: "en" })).toContain("No changes.");
  });

  it("markdown escapes what would format", () => {
    const result = diffOpenApi(doc({ "/a_*b*": {} }), doc({}));
    expect(formatDiff(result, "markdown", { lang: "en" })).toContain("/a\\_\\*b\\*");
  });

  it("junit: one testcase a change, ERR as failures, ignored as skipped, escaped", () => {
    const xml = formatDiff(RESULT, "junit", { lang: "en" });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<failure /g)).toHaveLength(1);
    expect(xml.match(/<skipped /g)).toHaveLength(1);
    expect(xml).toContain('failures="1"');
    expect(xml).toContain("A &lt;b&gt;&amp;&quot;new&quot;");
    expect(xml).not.toMatch(/<b>/);
  });

  it("junit replaces characters XML cannot carry", () => {
    const result = diffOpenApi(doc({ "/a\u0001": {} }), doc({}));
    expect(formatDiff(result, "junit")).not.toContain("\u0001");
  });

  it("refuses an unknown format", () => {
    expect(() => formatDiff(RESULT, "yaml" as "text")).toThrow(/unknown format yaml/);
  });
});
