import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { cli, demoData, tempFile } from "./helpers.js";

const people = join(demoData, "people.ndjson");
const valid = tempFile(
  "one.ndjson",
  `${JSON.stringify({ name: "示例甲", residentId: "11010519491231002X", sex: "2", birthDate: "1949-12-31" })}\n`,
);

describe("govex validate: exit codes", () => {
  test.each([
    ["all records valid", [valid, "--schema", "person"], 0],
    ["some records invalid", [people, "--schema", "person"], 1],
    ["missing --schema", [people], 2],
    ["no file", ["--schema", "person"], 2],
    ["unknown schema", [people, "--schema", "persn"], 2],
    ["missing file", ["/nonexistent/people.ndjson", "--schema", "person"], 2],
    ["a directory", [demoData, "--schema", "person"], 2],
    ["unknown flag", [people, "--schema", "person", "--bogus"], 2],
    ["bad --max-errors", [people, "--schema", "person", "--max-errors", "-1"], 2],
    ["bad --format", [people, "--schema", "person", "--format", "xml"], 2],
    ["bad --encoding", [people, "--schema", "person", "--encoding", "latin1"], 2],
    ["bad --lenient", [people, "--schema", "person", "--lenient", "everything"], 2],
    ["--workers 0", [people, "--schema", "person", "--workers", "0"], 2],
    ["--workers many", [people, "--schema", "person", "--workers", "many"], 2],
    ["--workers 1 (no threads)", [valid, "--schema", "person", "--workers", "1"], 0],
    ["--workers 2 on a small file", [valid, "--schema", "person", "--workers", "2"], 0],
  ])("%s → exit %i", async (_name, args, want) => {
    const { code, stderr } = await cli(["validate", ...args]);
    expect(code).toBe(want);
    if (want === 2) {
      // One clear line, no stack trace.
      expect(stderr).toMatch(/^govex: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("govex validate: reports", () => {
  test.each([
    ["text", "zh-CN"],
    ["text", "en"],
    ["json", "zh-CN"],
    ["json", "en"],
    ["junit", "zh-CN"],
    ["junit", "en"],
  ])("%s report in %s matches its fixture", async (format, lang) => {
    const { stdout } = await cli([
      "validate",
      people,
      "--schema",
      "person",
      "--format",
      format,
      "--lang",
      lang,
    ]);
    const ext = format === "junit" ? "xml" : format === "json" ? "json" : "txt";
    await expect(stdout.replaceAll(people, "people.ndjson")).toMatchFileSnapshot(
      `fixtures/people.${lang}.${ext}`,
    );
  });

  test("--format json prints exactly one object with the summary and the issues", async () => {
    const { stdout } = await cli(["validate", people, "--schema", "person", "--format", "json"]);
    const report = JSON.parse(stdout);
    expect(report.summary).toMatchObject({ records: 27, valid: 20, invalid: 7 });
    expect(report.issues[0]).toMatchObject({
      file: people,
      record: 21,
      path: "/residentId",
      code: "invalid_check_character",
    });
    for (const i of report.issues)
      expect(Object.keys(i)).toEqual(
        expect.arrayContaining(["file", "record", "path", "code", "message"]),
      );
  });

  test("--max-errors caps the issues but not the counts", async () => {
    const { stdout, code } = await cli([
      "validate",
      people,
      "--schema",
      "person",
      "--format",
      "json",
      "--max-errors",
      "2",
    ]);
    const report = JSON.parse(stdout);
    expect(code).toBe(1);
    expect(report.issues).toHaveLength(2);
    expect(report.summary).toMatchObject({ records: 27, invalid: 7, truncated: true });
  });

  test("--lenient uscc turns a wrong check character into a warning", async () => {
    const file = tempFile(
      "le.ndjson",
      `${JSON.stringify({ uscc: "91350100M000100Y44", name: "示例公司" })}\n`,
    );
    const strict = await cli(["validate", file, "--schema", "legal-entity", "--format", "json"]);
    const lenient = await cli([
      "validate",
      file,
      "--schema",
      "legal-entity",
      "--format",
      "json",
      "--lenient",
      "uscc",
    ]);
    expect(strict.code).toBe(1);
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.stdout).issues[0]).toMatchObject({
      code: "invalid_check_character",
      severity: "warning",
    });
  });

  test("GBK CSV is detected and validated like its UTF-8 twin", async () => {
    const [utf8, gbk] = await Promise.all(
      ["legal-entities.csv", "legal-entities-gbk.csv"].map(async (f) =>
        JSON.parse(
          (
            await cli([
              "validate",
              join(demoData, f),
              "--schema",
              "legal-entity",
              "--format",
              "json",
            ])
          ).stdout,
        ),
      ),
    );
    expect(gbk.summary).toEqual(utf8.summary);
    expect(gbk.files[0].encoding).toBe("gb18030");
    expect(gbk.issues.map((i: { message: string }) => i.message)).toEqual(
      utf8.issues.map((i: { message: string }) => i.message),
    );
  });

  test("several files: one report, a file that cannot be read makes the exit code 2", async () => {
    const { code, stdout, stderr } = await cli([
      "validate",
      valid,
      "/nonexistent.ndjson",
      "--schema",
      "person",
      "--format",
      "json",
    ]);
    expect(code).toBe(2);
    expect(JSON.parse(stdout).errors).toEqual([
      expect.objectContaining({ file: "/nonexistent.ndjson", code: "input_not_found" }),
    ]);
    expect(stderr).toContain("/nonexistent.ndjson");
  });

  test("a user schema by path may use the govex formats and $ref the built-in specs", async () => {
    const schema = tempFile(
      "applicant.schema.json",
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        required: ["id", "employer"],
        properties: {
          id: { type: "string", format: "cn-resident-id" },
          employer: { $ref: "https://govex.dev/specs/data/v1/elements.schema.json#/$defs/uscc" },
        },
      }),
    );
    const data = tempFile(
      "applicants.ndjson",
      '{"id":"11010519491231002X","employer":"91350100M000100Y43"}\n{"id":"110105194912310021","employer":"x"}\n',
    );
    const { code, stdout } = await cli(["validate", data, "--schema", schema, "--format", "json"]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).summary).toMatchObject({ records: 2, valid: 1, invalid: 1 });
  });
});

describe("govex: other commands", () => {
  test("--version prints the package version", async () => {
    const { code, stdout } = await cli(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  test.each([
    [{ LANG: "en_US.UTF-8" }, "Usage:"],
    [{ LANG: "zh_CN.UTF-8" }, "用法:"],
  ])("--help follows the locale %o", async (env, want) => {
    const { code, stdout } = await cli(["--help"], env);
    expect(code).toBe(0);
    expect(stdout).toContain(want);
  });

  test("schemas lists the built-in specs with their titles", async () => {
    const { stdout } = await cli(["schemas"]);
    expect(stdout).toMatch(/^person\s+自然人/m);
    expect(stdout).toMatch(/^catalog-entry\s+/m);
  });

  test("an unknown command is a usage error", async () => {
    expect((await cli(["frobnicate"])).code).toBe(2);
  });
});
