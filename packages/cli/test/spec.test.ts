import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli } from "./helpers.js";

const root = join(import.meta.dirname, "..", "..", "..");
const specs = {
  data: join(root, "specs/data/v1"),
  exchange: join(root, "specs/exchange/v1/openapi.yaml"),
  provider: join(root, "specs/provider/v1/openapi.yaml"),
};
const dir = mkdtempSync(join(tmpdir(), "govex-spec-cli-"));

function api(maxLength: number, extraEnum = false): string {
  const file = join(dir, `api-${maxLength}-${extraEnum}.yaml`);
  writeFileSync(
    file,
    `openapi: 3.1.0
info: { title: t, version: 1.0.0 }
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content: { application/json: { schema: { type: object, properties: { name: { type: string, maxLength: ${maxLength} } } } } }
      responses:
        "200":
          description: ok
          content: { application/json: { schema: { type: object, properties: { state: { type: string, enum: [a, b${extraEnum ? ", c" : ""}] } } } } }
`,
  );
  return file;
}

describe("govex spec", () => {
  test("lint: this repository's specs are clean (exit 0), in text and SARIF", async () => {
    const text = await cli([
      "spec",
      "lint",
      specs.data,
      specs.exchange,
      specs.provider,
      "--lang",
      "en",
    ]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/0 error\(s\), 0 warning\(s\)/);
    const sarif = await cli(["spec", "lint", specs.provider, "--format", "sarif"]);
    expect(JSON.parse(sarif.stdout).version).toBe("2.1.0");
  });

  test("lint: an invalid spec exits 1 with zh-CN messages", async () => {
    const bad = join(dir, "bad.schema.json");
    writeFileSync(
      bad,
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "Thing",
        type: "object",
      }),
    );
    const { code, stdout } = await cli(["spec", "lint", bad]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/缺少中文标题/);
  });

  test("diff: a tightened request constraint is ERR and exits 1; --fail-on none exits 0", async () => {
    const before = api(100);
    const after = api(50);
    const { code, stdout } = await cli(["spec", "diff", before, after, "--lang", "en"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/ERR/);
    expect((await cli(["spec", "diff", before, after, "--fail-on", "none"])).code).toBe(0);
  });

  test("diff: a new response enum value is WARN: exit 0 by default, 1 with --fail-on WARN; JSON, Markdown and JUnit", async () => {
    const before = api(100);
    const after = api(100, true);
    const json = await cli(["spec", "diff", before, after, "--format", "json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.counts.WARN).toBeGreaterThanOrEqual(1);
    expect((await cli(["spec", "diff", before, after, "--fail-on", "WARN"])).code).toBe(1);
    expect((await cli(["spec", "diff", before, after, "--format", "markdown"])).stdout).toMatch(
      /^#/m,
    );
    expect((await cli(["spec", "diff", before, after, "--format", "junit"])).stdout).toMatch(
      /<testsuite/,
    );
  });

  test("diff: identical specs exit 0; a missing file and a bad flag exit 2", async () => {
    expect((await cli(["spec", "diff", specs.exchange, specs.exchange])).code).toBe(0);
    const missing = await cli(["spec", "diff", join(dir, "nope.yaml"), specs.exchange]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^govex: /);
    expect(
      (await cli(["spec", "diff", specs.exchange, specs.exchange, "--format", "pdf"])).code,
    ).toBe(2);
    expect((await cli(["spec", "diff", specs.exchange])).code).toBe(2);
    expect((await cli(["spec", "frobnicate"])).code).toBe(2);
  });

  test("docs: writes Markdown to a file and HTML to stdout", async () => {
    const out = join(dir, "data.md");
    expect((await cli(["spec", "docs", specs.data, "--out", out])).code).toBe(0);
    expect(readFileSync(out, "utf8")).toMatch(/^# 数据规范/);
    const html = await cli(["spec", "docs", specs.provider, "--format", "html", "--langs", "en"]);
    expect(html.stdout).toMatch(/^<!doctype html>/);
  });

  test("help: govex spec --help prints the usage, govex spec alone is a usage error", async () => {
    expect((await cli(["spec", "--help", "--lang", "en"])).stdout).toMatch(
      /govex spec diff <old> <new>/,
    );
    expect((await cli(["spec"])).code).toBe(2);
  });
});
