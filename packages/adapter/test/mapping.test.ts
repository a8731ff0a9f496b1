import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMapping, MappingError, parseMapping } from "../src/index.js";

const fixtures = join(import.meta.dirname, "fixtures", "hukou");

async function issuesOf(text: string) {
  try {
    await parseMapping(text, { file: "bad.yaml", baseDir: fixtures });
  } catch (error) {
    expect(error).toBeInstanceOf(MappingError);
    return (error as MappingError).issues;
  }
  throw new Error("expected a MappingError");
}

const head = `version: "1"
resource:
  entry: { file: ./entry.json }
key: residentId
source: { kind: memory }
`;

describe("loadMapping", () => {
  it("reads the fixture mapping, derives the record schema with masks", async () => {
    const mapping = await loadMapping(join(fixtures, "mapping.yaml"));
    expect(mapping.resourceCode).toBe("101001/000001");
    expect(mapping.keySource).toBe("SFZH");
    expect([...mapping.fields.keys()]).toEqual([
      "residentId",
      "name",
      "sex",
      "birthDate",
      "address",
    ]);
    const properties = mapping.recordSchema.properties as Record<string, Record<string, unknown>>;
    expect(properties.residentId?.["x-govex-mask"]).toEqual({ kind: "resident-id", grade: 2 });
    expect(properties.name?.["x-govex-mask"]).toEqual({ kind: "name", grade: 2 });
    expect(properties.birthDate).toMatchObject({ type: "string", format: "date" });
    expect(mapping.recordSchema.required).toEqual(["residentId"]);
    expect(mapping.locate("/fields/sex")).toEqual({ line: 11, column: 3 });
    expect(mapping.locate("/fields/sex/transforms/0")).toEqual({ line: 13, column: 18 });
  });

  it.each([
    [
      "an unknown transform, located at its line",
      `${head}fields:\n  residentId: { source: SFZH, transforms: [reverse] }\n`,
      { line: 7, path: "/fields/residentId/transforms/0", code: "one_of" },
    ],
    [
      "an item that is not in the entry",
      `${head}fields:\n  residentId: SFZH\n  nickname: NC\n`,
      { line: 8, path: "/fields/nickname", code: "unknown_item" },
    ],
    [
      "the key not mapped",
      `${head}fields:\n  name: XM\n`,
      { line: 4, path: "/key", code: "key_not_mapped" },
    ],
    [
      "a code-table target outside GB/T 2261.1",
      `${head}fields:\n  residentId: SFZH\n  sex: { source: XB, transforms: [{ codeTable: { table: sex, map: { M: "1", F: "3" } } }] }\n`,
      { line: 8, path: "/fields/sex/transforms/0/codeTable/map/F", code: "code_not_in_table" },
    ],
    [
      "a date pattern without a day",
      `${head}fields:\n  residentId: SFZH\n  birthDate: { source: CSRQ, transforms: [{ date: { from: yyyyMM } }] }\n`,
      { line: 8, path: "/fields/birthDate/transforms/0/date/from", code: "date_pattern_invalid" },
    ],
    [
      "a YAML syntax error",
      `${head}fields:\n  residentId: [SFZH\n`,
      { line: 8, path: "", code: "syntax_error" },
    ],
    [
      "a duplicate key",
      `${head}fields:\n  residentId: SFZH\n  residentId: SFZH2\n`,
      { path: "", code: "syntax_error" },
    ],
    [
      "a __proto__ key",
      `${head}fields:\n  residentId: SFZH\n  __proto__: { source: X }\n`,
      { path: "/fields", code: "forbidden_key" },
    ],
    [
      "a missing entry file",
      `version: "1"\nresource: { entry: { file: ./nope.json } }\nkey: residentId\nsource: { kind: memory }\nfields: { residentId: SFZH }\n`,
      { code: "file_unreadable" },
    ],
    [
      "a wrong format version",
      `version: "2"\nresource: { entry: { file: ./entry.json } }\nkey: residentId\nsource: { kind: memory }\nfields: { residentId: SFZH }\n`,
      { line: 1, path: "/version", code: "const" },
    ],
  ])("reports %s", async (_name, text, want) => {
    const issues = await issuesOf(text);
    expect(issues).toEqual(expect.arrayContaining([expect.objectContaining(want)]));
    for (const issue of issues) {
      expect(issue.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(issue.en).not.toMatch(/[\u4e00-\u9fff]{4}/);
    }
  });

  it("reports every problem at once, in zh-CN and English", async () => {
    const issues = await issuesOf(
      `${head}fields:\n  nickname: NC\n  sex: { source: XB, transforms: [{ codeTable: { table: sex, map: { M: "7" } } }] }\n`,
    );
    expect(issues.map((i) => i.code).sort()).toEqual([
      "code_not_in_table",
      "key_not_mapped",
      "unknown_item",
    ]);
    const error = new MappingError(issues);
    expect(error.localized("zh-CN")).toContain("bad.yaml:7:3 /fields/nickname");
    expect(error.message).toContain("is not an item of the catalog entry");
  });

  it("checks an inline catalog entry against specs/data catalog-entry", async () => {
    const issues = await issuesOf(
      `version: "1"\nresource:\n  entry: { resourceCode: "1/2", items: [] }\nkey: a\nsource: { kind: memory }\nfields: { a: A }\n`,
    );
    expect(issues.some((i) => i.path.startsWith("/resource/entry") && i.line === 3)).toBe(true);
  });

  it("refuses a mapping that is not UTF-8, and a huge one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "govex-mapping-"));
    const gbk = join(dir, "gbk.yaml");
    await writeFile(gbk, Buffer.from([0x76, 0x3a, 0x20, 0xd6, 0xd0, 0xce, 0xc4, 0x0a]));
    await expect(loadMapping(gbk)).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: "not_utf8" })],
    });
    const huge = join(dir, "huge.yaml");
    await writeFile(huge, `a: "${"x".repeat(5 * 1024 * 1024)}"\n`);
    await expect(loadMapping(huge)).rejects.toMatchObject({
      issues: [expect.objectContaining({ code: "file_too_large" })],
    });
  });

  it("accepts a built-in record schema by name", async () => {
    const mapping = await parseMapping(
      `version: "1"\nresource:\n  entry: { file: ./entry.json }\n  recordSchema: person\nkey: residentId\nsource: { kind: memory }\nfields: { residentId: SFZH, name: XM }\n`,
      { baseDir: fixtures },
    );
    expect(mapping.recordSchema.$ref).toBe("https://govex.dev/specs/data/v1/person.schema.json");
  });
});
