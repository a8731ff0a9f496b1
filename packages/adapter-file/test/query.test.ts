import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AdapterError, type SourceFactory } from "@govex/adapter";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys, createSource } from "../src/index.js";
import { sortKeys } from "../src/key-view.js";
import { issueSummary, open, scanAll, tempMappingDir, writeFiles } from "./helpers/files.js";
import { encodeGbk } from "./helpers/gbk.js";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const USCC = "统一社会信用代码";

describe("a directory of CSV/TSV files as a source", () => {
  it("createSource is a SourceFactory", () => {
    const factory: SourceFactory = createSource;
    expect(factory).toBe(createSource);
  });

  it("reads the committed GBK export (encoding auto, CRLF, quoted comma, quote and line break)", async () => {
    const { base, data } = tempMappingDir();
    copyFileSync(join(fixtures, "market-registry-gbk.csv"), join(data, "market-registry-gbk.csv"));
    const source = await open(base, { pattern: "*.csv" });
    expect(source.files()).toMatchObject([
      { file: "market-registry-gbk.csv", format: "csv", encoding: "gb18030", rows: 5 },
    ]);
    const rows = await scanAll(source, USCC);
    await expect(`${JSON.stringify(rows, null, 2)}\n`).toMatchFileSnapshot(
      "./fixtures/market-registry-gbk.rows.json",
    );
    expect(rows.map((r) => r[USCC])).toEqual([
      "91350100MA2X00010W",
      "91350100MA2X00020X",
      "91350105MA2X000408",
      "92350102MA2X00030Q",
      "93350100MA2X00050T",
    ]);
    expect(rows[0]?.住所).toBe('福州市台江区,"示例"大厦 8 层');
    // An empty cell is an absent field.
    expect(Object.hasOwn(rows[3] as object, "注册资本（万元）")).toBe(false);
    expect(await source.check()).toEqual({ status: "ok" });
    expect(source.issues()).toEqual([]);
    await source.close();
  });

  it("merges files, and serves UTF-8 with BOM, GBK and TSV side by side", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a.csv": Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("id,name\n3,丙\n")]),
      "b.csv": encodeGbk("id,name\n1,甲\n"),
      "c.tsv": "id\tname\n2\t乙\n",
      "notes.txt": "not matched",
    });
    const source = await open(base, { pattern: "*.?sv" });
    expect(await scanAll(source, "id")).toEqual([
      { id: "1", name: "甲" },
      { id: "2", name: "乙" },
      { id: "3", name: "丙" },
    ]);
    expect(source.files().map((f) => [f.file, f.format, f.encoding])).toEqual([
      ["a.csv", "csv", "utf8"],
      ["b.csv", "csv", "gb18030"],
      ["c.tsv", "tsv", "utf8"],
    ]);
  });

  it("pages in code point order (characters beyond U+FFFF after U+E000–U+FFFF), with filters and fields", async () => {
    const { base, data } = tempMappingDir();
    const keys = ["b", "a", "\uFF21", "\u{20000}", "10", "9", "Z", "张"];
    writeFiles(data, {
      "k.csv": `k,grade,city\n${keys.map((k, i) => `${k},${i % 2 === 0 ? "A" : "B"},${i < 4 ? "福州" : "厦门"}`).join("\n")}\n`,
    });
    const source = await open(base);
    const sorted = [...keys].sort(compareKeys);
    expect(sorted).toEqual(["10", "9", "Z", "a", "b", "张", "\uFF21", "\u{20000}"]);
    for (const size of [1, 3, 100]) {
      expect((await scanAll(source, "k", {}, size)).map((r) => r.k)).toEqual(sorted);
    }
    const a = await scanAll(source, "k", { grade: "A" }, 2);
    expect(a.map((r) => r.k)).toEqual(sorted.filter((k) => keys.indexOf(k) % 2 === 0));
    const both = await scanAll(source, "k", { grade: "A", city: "厦门" }, 1);
    expect(both.map((r) => r.k)).toEqual(["10", "Z"]);
    expect(
      await source.scan({ keyField: "k", filter: { grade: "C" }, fields: [], limit: 5 }),
    ).toEqual([]);
    expect(
      await source.scan({ keyField: "k", filter: { nope: "A" }, fields: [], limit: 5 }),
    ).toEqual([]);
    // Fields: those asked for plus the key; the key is never left out.
    expect(
      await source.scan({ keyField: "k", filter: {}, fields: ["city"], after: "Z", limit: 2 }),
    ).toEqual([
      { k: "a", city: "福州" },
      { k: "b", city: "福州" },
    ]);
    expect(await source.get({ keyField: "k", key: "\u{20000}", fields: ["grade"] })).toEqual({
      k: "\u{20000}",
      grade: "B",
    });
    expect(await source.get({ keyField: "k", key: "nope", fields: [] })).toBeUndefined();
    // Another key field is another index over the same rows.
    expect((await scanAll(source, "city")).length).toBe(0);
    expect(source.issues().filter((i) => i.code === "duplicate_key").length).toBe(2);
  });

  it("never serves a duplicated key: both rows withheld, get says record_invalid, the issue says where", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "2023.csv": "id,v\n1,old\n2,x\n",
      "2024.csv": "id,v\n1,new\n3,y\n,no key\n",
    });
    const source = await open(base);
    expect((await scanAll(source, "id")).map((r) => r.id)).toEqual(["2", "3"]);
    const error = await source.get({ keyField: "id", key: "1", fields: [] }).catch((e) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ code: "record_invalid" });
    expect(error.params.locations).toEqual([
      { file: "2023.csv", line: 2 },
      { file: "2024.csv", line: 2 },
    ]);
    expect(JSON.stringify(error.params)).not.toContain("old");
    expect(issueSummary(source)).toEqual([
      ["missing_key", "2024.csv", 4],
      ["duplicate_key", "2023.csv", 2],
    ]);
    expect(source.issues()[1]?.en).toContain("2023.csv:2, 2024.csv:2");
    expect(await source.check()).toEqual({
      status: "degraded",
      detail: "2 issue(s): missing_key ×1, duplicate_key ×1",
    });
  });

  it("filters compare exactly: injection strings and __proto__ match nothing and harm nothing", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a.csv": `id,name,__proto__\n1,"x' OR '1'='1",{"admin":true}\n2,y,\n`,
    });
    const source = await open(base);
    const hostile = ["' OR '1'='1", "x' OR '1'='1'; --", "*", ".*", "\u0000", "y ", "Y"];
    for (const name of hostile) {
      expect(
        await source.scan({ keyField: "id", filter: { name }, fields: [], limit: 10 }),
      ).toEqual([]);
    }
    expect(
      (
        await source.scan({
          keyField: "id",
          filter: { name: "x' OR '1'='1" },
          fields: [],
          limit: 10,
        })
      ).length,
    ).toBe(1);
    const proto = JSON.parse('{"__proto__":"{\\"admin\\":true}"}') as Record<string, string>;
    const [row] = await source.scan({ keyField: "id", filter: proto, fields: [], limit: 10 });
    expect(row?.id).toBe("1");
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, "__proto__")?.value).toBe('{"admin":true}');
    expect((row as { admin?: unknown }).admin).toBeUndefined();
    // A key field named __proto__ works like any other.
    const byProto = await scanAll(source, "__proto__");
    expect(byProto.map((r) => r.id)).toEqual(["1"]);
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it("key order is UTF-8 byte order, with or without characters beyond U+FFFF (property)", () => {
    const codePoint = fc
      .oneof(
        fc.integer({ min: 0x20, max: 0x7f }),
        fc.integer({ min: 0xd000, max: 0xffff }),
        fc.integer({ min: 0x10000, max: 0x10ffff }),
      )
      .filter((c) => c < 0xd800 || c > 0xdfff);
    const key = fc.array(codePoint, { maxLength: 6 }).map((cps) => String.fromCodePoint(...cps));
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 40 }), (keys) => {
        const want = [...keys].sort(utf8);
        expect([...keys].sort(compareKeys)).toEqual(want);
        expect(sortKeys([...keys])).toEqual(want);
      }),
    );
  });

  it("returns fresh rows: a caller changing one does not change the source", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "a.csv": "id,v\n1,x\n" });
    const source = await open(base);
    const [row] = await source.scan({ keyField: "id", filter: {}, fields: [], limit: 1 });
    (row as Record<string, unknown>).v = "changed";
    expect(await source.get({ keyField: "id", key: "1", fields: [] })).toEqual({ id: "1", v: "x" });
  });

  it("caps the rows held: past maxRows start-up fails with config_invalid at /source/maxRows", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a.csv": `id\n${Array.from({ length: 60 }, (_, i) => i).join("\n")}\n`,
      "b.csv": `id\n${Array.from({ length: 60 }, (_, i) => i + 100).join("\n")}\n`,
    });
    const error = await open(base, { maxRows: 100 }, { file: "registry.yaml" }).catch((e) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ code: "config_invalid", path: "/source/maxRows" });
    expect(error.message).toContain("registry.yaml");
    expect(error.message).toContain("raise maxRows");
    const one = await open(base, { maxRows: 59 }).catch((e) => e);
    expect(one).toMatchObject({ code: "config_invalid", path: "/source/maxRows" });
    const fits = await open(base, { maxRows: 120 });
    expect((await scanAll(fits, "id")).length).toBe(120);
  });

  it("a closed source answers unavailable", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "a.csv": "id\n1\n" });
    const source = await open(base);
    await source.close();
    await expect(
      source.scan({ keyField: "id", filter: {}, fields: [], limit: 1 }),
    ).rejects.toMatchObject({
      code: "unavailable",
    });
  });

  it("honours an aborted signal", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "a.csv": "id\n1\n" });
    const source = await open(base);
    const signal = AbortSignal.abort();
    await expect(
      source.scan({ keyField: "id", filter: {}, fields: [], limit: 1, signal }),
    ).rejects.toThrow();
    await expect(source.check(signal)).rejects.toThrow();
  });
});
