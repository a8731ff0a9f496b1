import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatLint, lintSchemaSet, lintSpec } from "../src/lint/index.js";

const root = new URL("../../../", import.meta.url);
const good = () => ({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "https://govex.dev/specs/data/v1/thing.schema.json",
  title: "事物",
  description: "一个事物。",
  "x-title-en": "Thing",
  "x-description-en": "A thing.",
  "x-version": "1.0.0",
  type: "object",
  properties: {
    code: {
      title: "代码",
      "x-title-en": "Code",
      type: "string",
      enum: ["1", "2"],
      "x-standard": "GB/T 0000",
      "x-enum-labels": { "1": { "zh-CN": "一", en: "One" }, "2": { "zh-CN": "二", en: "Two" } },
    },
    when: { title: "日期", "x-title-en": "Date", type: "string", format: "date" },
  },
  examples: [{ code: "1", when: "2026-01-01" }],
});

type Mutate = (s: ReturnType<typeof good>) => unknown;
const cases: [string, Mutate, string][] = [
  ["no zh-CN title", (s) => ({ ...s, title: "Thing" }), "schema-title-zh"],
  ["no zh-CN description", (s) => ({ ...s, description: undefined }), "schema-description-zh"],
  [
    "a property without a title",
    (s) => ({ ...s, properties: { ...s.properties, extra: { type: "string" } } }),
    "schema-title-zh",
  ],
  ["no English title", (s) => ({ ...s, "x-title-en": undefined }), "schema-title-en"],
  ["no x-version", (s) => ({ ...s, "x-version": "one" }), "schema-version"],
  [
    "an $id without the major version",
    (s) => ({ ...s, $id: "https://govex.dev/specs/data/thing.schema.json" }),
    "schema-id",
  ],
  [
    "an $id whose major differs from x-version",
    (s) => ({ ...s, "x-version": "2.0.0" }),
    "schema-id-major",
  ],
  [
    "$dynamicRef",
    (s) => ({
      ...s,
      properties: { ...s.properties, when: { ...s.properties.when, $dynamicRef: "#x" } },
    }),
    "schema-banned-keyword",
  ],
  [
    "unevaluatedProperties",
    (s) => ({ ...s, unevaluatedProperties: false }),
    "schema-banned-keyword",
  ],
  [
    "an unknown format",
    (s) => ({
      ...s,
      properties: { ...s.properties, when: { ...s.properties.when, format: "cn-date" } },
    }),
    "schema-format-known",
  ],
  [
    "a code table value without a label",
    (s) => ({
      ...s,
      properties: { ...s.properties, code: { ...s.properties.code, enum: ["1", "2", "3"] } },
    }),
    "schema-code-table-labels",
  ],
  ["no examples", (s) => ({ ...s, examples: [] }), "schema-examples"],
  [
    "an example that does not validate",
    (s) => ({ ...s, examples: [{ code: "9" }] }),
    "schema-examples-valid",
  ],
  [
    "an invalid example that passes",
    (s) => ({ ...s, "x-examples-invalid": [{ data: { code: "1" }, codes: ["enum"] }] }),
    "schema-invalid-examples-fail",
  ],
];

describe("lintSchemaSet: the govex rules", () => {
  it("passes a good schema", () => {
    expect(lintSchemaSet({ "thing.schema.json": good() })).toEqual([]);
  });

  it.each(cases)("flags %s", (_label, mutate, rule) => {
    const problems = lintSchemaSet({
      "thing.schema.json": mutate(good()) as Record<string, unknown>,
    });
    expect(problems.map((p) => p.rule)).toContain(rule);
    for (const p of problems) expect(p.message["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
  });

  it("does not ask for titles on properties that only constrain (if/then/allOf)", () => {
    // A JSON Schema "then" keyword, built from JSON so that it is plain data.
    const s = {
      ...good(),
      ...JSON.parse('{"if":{"properties":{"code":{"const":"1"}}},"then":{"required":["when"]}}'),
    };
    expect(lintSchemaSet({ "thing.schema.json": s })).toEqual([]);
  });

  it("survives hostile input: 10,000-deep nesting and __proto__ keys", () => {
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 10_000; i++) deep = { properties: { a: deep } };
    const hostile = {
      ...good(),
      properties: {
        ...good().properties,
        deep,
        ...JSON.parse('{"__proto__": {"polluted": true}}'),
      },
    };
    const problems = lintSchemaSet({ "thing.schema.json": hostile });
    expect(problems.map((p) => p.rule)).toContain("schema-compiles");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("lintSpec on this repository's specs", () => {
  it.each(["specs/data/v1", "specs/exchange/v1/openapi.yaml", "specs/provider/v1/openapi.yaml"])(
    "%s lints clean",
    async (path) => {
      const result = await lintSpec(new URL(path, root).pathname);
      expect(result.problems).toEqual([]);
    },
  );
});

describe("OpenAPI lint", () => {
  const dir = mkdtempSync(join(tmpdir(), "govex-lint-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "api.yaml");
  writeFileSync(
    file,
    `openapi: 3.1.0
info: { title: t, version: 1.0.0, license: { name: MIT, identifier: MIT }, description: d }
servers: [{ url: "https://example.gov.cn/v1" }]
security: []
tags: [{ name: x, description: x }]
paths:
  /things:
    post:
      operationId: createThing
      tags: [x]
      summary: Create a thing
      description: Creates a thing for testing.
      requestBody:
        content:
          application/json:
            schema: { type: object }
      responses:
        "201": { description: created, content: { application/json: { schema: { type: object }, example: {} } } }
        "400": { description: bad, content: { application/json: { schema: { type: object }, example: {} } } }
`,
  );

  it("finds Redocly's and govex's problems, and renders text, JSON and SARIF", async () => {
    const result = await lintSpec(file);
    const rules = result.problems.map((p) => p.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        "rule/operation-summary-zh-cn",
        "rule/operation-summary-en",
        "rule/media-type-examples",
        "rule/error-problem-json",
        "govex-idempotency-key",
      ]),
    );
    expect(result.errors).toBeGreaterThanOrEqual(5);
    expect(formatLint(result, "text", { lang: "en" })).toMatch(/error\(s\)/);
    expect(formatLint(result, "text")).toMatch(/个错误/);
    const sarif = JSON.parse(formatLint(result, "sarif"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBe(result.problems.length);
    expect(JSON.parse(formatLint(result, "json")).errors).toBe(result.errors);
  });

  it("reports a missing file as a SpecLoadError", async () => {
    await expect(lintSpec(join(dir, "nope.yaml"))).rejects.toMatchObject({
      name: "SpecLoadError",
      code: "spec_not_found",
    });
  });
});
