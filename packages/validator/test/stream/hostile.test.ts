import { closeSync, mkdtempSync, openSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { getValidator, type RecordResult, validateFile, validateStream } from "../../src/index.js";
import { chunked, collect, fixtures } from "../helpers/io.js";

const applicant = join(fixtures, "schemas/applicant.schema.json");
const ok = '{"residentId":"11010519491231002X","name":"张三"}';

function summary(results: RecordResult[]): [number, number, string[]][] {
  return results.map((r) => [r.record, r.line ?? 0, r.issues.map((i) => i.code)]);
}

describe("hostile input", () => {
  it("a 50 MB line is one record_too_large issue, read without buffering, and the rest continues", async () => {
    const dir = mkdtempSync(join(tmpdir(), "govex-big-"));
    const file = join(dir, "big.ndjson");
    const fd = openSync(file, "w");
    writeSync(fd, `${ok}\n{"name":"`);
    const block = Buffer.alloc(1024 * 1024, 0x61);
    for (let i = 0; i < 50; i++) writeSync(fd, block);
    writeSync(fd, `"}\n${ok}\n`);
    closeSync(fd);
    const v = await getValidator(applicant);
    const report = await validateFile(file, v);
    expect(report).toMatchObject({ records: 3, valid: 2, invalid: 1, truncated: false });
    expect(report.issues.map((i) => [i.record, i.line, i.code])).toEqual([
      [2, 2, "record_too_large"],
    ]);
    expect(Number(report.issues[0]?.params.bytes)).toBeGreaterThan(50 * 1024 * 1024);
  });

  it("a long element of a JSON array and a long CSV row are skipped the same way", async () => {
    const v = await getValidator({ type: "object" });
    const big = "x".repeat(5000);
    const json = Buffer.from(`[{"a":"${big}"},{"b":1}]`);
    expect(
      summary(
        await collect(
          validateStream(chunked(json, 1000), v, { format: "json", maxRecordBytes: 1024 }),
        ),
      ),
    ).toEqual([
      [1, 1, ["record_too_large"]],
      [2, 1, []],
    ]);
    const csv = Buffer.from(`a,b\n"${big}",1\n2,3\n`);
    expect(
      summary(
        await collect(
          validateStream(chunked(csv, 1000), v, { format: "csv", maxRecordBytes: 1024 }),
        ),
      ),
    ).toEqual([
      [1, 2, ["record_too_large"]],
      [2, 3, []],
    ]);
  });

  it("10,000-deep nesting is nesting_too_deep in NDJSON and JSON arrays, never a stack overflow", async () => {
    const v = await getValidator(applicant);
    const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;
    const deepObj = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    const nd = Buffer.from(`${deep}\n${deepObj}\n${ok}\n`);
    expect(summary(await collect(validateStream(chunked(nd), v, { format: "ndjson" })))).toEqual([
      [1, 1, ["nesting_too_deep"]],
      [2, 2, ["nesting_too_deep"]],
      [3, 3, []],
    ]);
    const arr = Buffer.from(`[${deep},${deepObj},${ok}]`);
    expect(
      summary(await collect(validateStream(chunked(arr, 4096), v, { format: "json" }))),
    ).toEqual([
      [1, 1, ["nesting_too_deep"]],
      [2, 1, ["nesting_too_deep"]],
      [3, 1, []],
    ]);
  });

  it("validate() on a 10,000-deep value through a recursive schema, rules and messages does not overflow", async () => {
    const v = await getValidator({
      $defs: {
        node: {
          type: "object",
          properties: { a: { $ref: "#/$defs/node" } },
          additionalProperties: false,
        },
      },
      $ref: "#/$defs/node",
    });
    let value: Record<string, unknown> = { bad: 1 };
    for (let i = 0; i < 10_000; i++) value = { a: value };
    const issues = v.validate(value);
    expect(issues.length).toBe(1);
    expect(["nesting_too_deep", "additional_properties"]).toContain(issues[0]?.code);
    expect(typeof issues[0]?.message).toBe("string");
  });

  it("__proto__ and constructor keys never pollute Object.prototype", async () => {
    const v = await getValidator(applicant);
    const nd = Buffer.from(
      [
        '{"__proto__":{"polluted":1},"residentId":"11010519491231002X","name":"a"}',
        '{"constructor":{"prototype":{"polluted":1}},"residentId":"11010519491231002X","name":"a"}',
      ].join("\n"),
    );
    const results = await collect(validateStream(chunked(nd), v));
    expect(results.map((r) => r.issues.map((i) => [i.path, i.code]))).toEqual([
      [["/__proto__", "additional_properties"]],
      [["/constructor", "additional_properties"]],
    ]);
    const csv = Buffer.from(
      "residentId,name,__proto__.polluted,constructor.prototype.polluted\n11010519491231002X,a,1,1\n",
    );
    const rows = await collect(validateStream(chunked(csv), v, { format: "csv" }));
    expect(rows.at(-1)?.issues.map((i) => [i.path, i.code])).toEqual([
      ["/__proto__", "additional_properties"],
      ["/constructor", "additional_properties"],
    ]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("an empty input has no records and says so: an empty_input warning", async () => {
    const v = await getValidator(applicant);
    for (const format of ["auto", "ndjson", "json", "csv", "tsv", "xlsx"] as const) {
      const results = await collect(validateStream(chunked(Buffer.alloc(0)), v, { format }));
      expect(results).toMatchObject([
        { record: 0, valid: true, issues: [{ code: "empty_input", severity: "warning" }] },
      ]);
    }
    const dir = mkdtempSync(join(tmpdir(), "govex-empty-"));
    for (const name of ["empty.ndjson", "empty.json", "empty.csv", "empty.tsv", "empty.xlsx"]) {
      const file = join(dir, name);
      closeSync(openSync(file, "w"));
      const report = await validateFile(file, v, { lang: "en" });
      expect(report).toMatchObject({ records: 0, valid: 0, invalid: 0 });
      expect(report.issues).toMatchObject([
        { record: 0, path: "", code: "empty_input", severity: "warning" },
      ]);
      expect(report.issues[0]?.message).toContain("no records");
    }
    // A header without rows is as empty; blank lines are too.
    const headerOnly = join(dir, "header.csv");
    writeFileSync(headerOnly, "name,residentId\r\n\r\n");
    expect((await validateFile(headerOnly, v)).issues.map((i) => i.code)).toContain("empty_input");
  });

  it("a directory and a missing file are usage errors", async () => {
    const v = await getValidator(applicant);
    await expect(validateFile(fixtures, v)).rejects.toMatchObject({ code: "input_is_directory" });
    await expect(validateFile(join(fixtures, "missing.ndjson"), v)).rejects.toMatchObject({
      code: "input_not_found",
    });
  });

  it("garbage after a JSON document is reported once and does not stop validation", async () => {
    const v = await getValidator({ type: "object" });
    const results = await collect(
      validateStream(chunked(Buffer.from('{"a":1} xx yy')), v, { format: "json" }),
    );
    expect(summary(results)).toEqual([
      [1, 1, []],
      [0, 1, ["json_trailing_data"]],
    ]);
  });
});
