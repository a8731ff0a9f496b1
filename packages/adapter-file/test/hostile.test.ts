import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AdapterError } from "@govex/adapter";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { ISSUES_PER_CODE } from "../src/issues.js";
import { issueSummary, open, scanAll, tempMappingDir, writeFiles } from "./helpers/files.js";
import { encodeGbk } from "./helpers/gbk.js";

async function smallWorkbook(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("s");
  sheet.addRow(["id", "name"]);
  sheet.addRow(["1", "甲"]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A ZIP archive of one stored entry whose central directory claims `claimed` unzipped bytes. */
function zipClaiming(claimed: number): Buffer {
  const name = Buffer.from("xl/worksheets/sheet1.xml");
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt32LE(claimed, 24);
  central.writeUInt16LE(name.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + name.length, 12);
  eocd.writeUInt32LE(local.length + name.length, 16);
  return Buffer.concat([local, name, central, name, eocd]);
}

describe("hostile and broken input", () => {
  const gbkCsv = encodeGbk("代码,名称\n1,福州示例有限公司\n2,厦门示例有限公司\n");

  it.each([
    ["GBK read as auto: detected", gbkCsv, "auto", "代码", ["1", "2"], []],
    ["GBK declared gbk", gbkCsv, "gbk", "代码", ["1", "2"], []],
    [
      "GBK declared utf8: the header cannot be decoded, the file is not loaded",
      gbkCsv,
      "utf8",
      "代码",
      [],
      [["invalid_encoding", "a.csv", 1]],
    ],
    [
      "UTF-8 declared gbk: refused rather than read as garbled text",
      Buffer.from("代码,名称\n1,福州示例有限公司\n"),
      "gb18030",
      "代码",
      [],
      [["encoding_mismatch", "a.csv", undefined]],
    ],
    [
      "UTF-8 header, one GBK row, declared utf8: that row is withheld with its line",
      Buffer.concat([Buffer.from("id,name\n1,"), encodeGbk("张三"), Buffer.from("\n2,李四\n")]),
      "utf8",
      "id",
      ["2"],
      [["invalid_encoding", "a.csv", 2]],
    ],
    [
      "UTF-16 is refused",
      Buffer.from("\uFEFFid,name\n1,x\n", "utf16le"),
      "auto",
      "id",
      [],
      [["unsupported_encoding", "a.csv", undefined]],
    ],
  ] as const)("%s", async (_name, bytes, encoding, key, keys, issues) => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "a.csv": bytes });
    const source = await open(base, { encoding });
    expect((await scanAll(source, key)).map((r) => r[key])).toEqual(keys);
    expect(issueSummary(source)).toEqual(issues);
  });

  it("a broken quote: rows before it are served, the rest is one issue at its line", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "a.csv": 'id,name\n1,甲\n2,"乙\n3,丙\n4,丁\n' });
    const source = await open(base);
    expect((await scanAll(source, "id")).map((r) => r.id)).toEqual(["1"]);
    expect(issueSummary(source)).toEqual([["csv_unterminated_quote", "a.csv", 3]]);
    expect(source.issues()[0]?.en).toContain("add the closing quote");
  });

  it("a huge cell (8 MiB) is skipped without being held; the next row is served", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a.csv": Buffer.concat([
        Buffer.from('id,v\n1,"'),
        Buffer.alloc(8 * 1024 * 1024, 0x61),
        Buffer.from('"\n2,ok\n'),
      ]),
    });
    const source = await open(base);
    expect(await scanAll(source, "id")).toEqual([{ id: "2", v: "ok" }]);
    expect(issueSummary(source)).toEqual([["record_too_large", "a.csv", 2]]);
    expect(source.issues()[0]?.params).toMatchObject({ limit: 1024 * 1024 });
  });

  it("many bad rows: 50 listed per file and code, the rest counted", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a.csv": `id,v\n${Array.from({ length: 120 }, (_, i) => `${i}`).join("\n")}\n9999,ok\n`,
    });
    const source = await open(base);
    expect((await scanAll(source, "id")).map((r) => r.id)).toEqual(["9999"]);
    const issues = source.issues();
    expect(issues.length).toBe(ISSUES_PER_CODE + 1);
    expect(issues.at(-1)).toMatchObject({
      code: "more_issues",
      file: "a.csv",
      params: { code: "csv_column_count", count: 120 - ISSUES_PER_CODE },
    });
  });

  it.each([
    ["an empty file", "a.csv", Buffer.alloc(0), "file_empty"],
    ["only blank lines", "a.csv", Buffer.from("\n\r\n  \n"), "no_header"],
    ["an XLSX that is a CSV", "a.xlsx", Buffer.from("id,name\n1,x\n"), "xlsx_not_zip"],
    ["an XLSX that is random bytes", "a.xlsx", Buffer.from([0, 1, 2, 3, 255, 254]), "xlsx_not_zip"],
    ["an XLSX that is empty", "a.xlsx", Buffer.alloc(0), "file_empty"],
    ["a zip bomb (4 GiB claimed)", "a.xlsx", zipClaiming(0xfffffff0), "xlsx_too_large"],
    ["a ZIP that is no workbook", "a.xlsx", zipClaiming(10), "xlsx_unreadable"],
    [
      "an encrypted workbook (OLE compound file)",
      "a.xlsx",
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]),
      "xlsx_encrypted",
    ],
    [
      "a legacy .xls",
      "a.xls",
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      "unsupported_format",
    ],
  ])("%s is one issue of that file, never a crash", async (_name, file, bytes, code) => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { [file]: bytes, "ok.csv": "id,name\n7,好\n" });
    const source = await open(base);
    expect(await scanAll(source, "id")).toEqual([{ id: "7", name: "好" }]);
    expect(issueSummary(source)).toEqual([[code, file, undefined]]);
    expect((await source.check()).status).toBe("degraded");
  });

  it("a truncated XLSX (half of a real one) is refused as not a ZIP archive", async () => {
    const { base, data } = tempMappingDir();
    const whole = await smallWorkbook();
    writeFiles(data, { "half.xlsx": whole.subarray(0, whole.length >> 1), "whole.xlsx": whole });
    const source = await open(base);
    expect(await scanAll(source, "id")).toEqual([{ id: "1", name: "甲" }]);
    expect(issueSummary(source)).toEqual([["xlsx_not_zip", "half.xlsx", undefined]]);
  });

  it("a workbook named .csv is read as the workbook it is", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "export.csv": await smallWorkbook() });
    const source = await open(base);
    expect(await scanAll(source, "id")).toEqual([{ id: "1", name: "甲" }]);
    expect(source.files()[0]).toMatchObject({ file: "export.csv", format: "xlsx" });
  });

  it("a workbook without extension is found by its bytes; lock files, hidden files and symlinks are not read", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      export: await smallWorkbook(),
      "~$export.xlsx": Buffer.from([1, 2, 3]),
      ".hidden.csv": "id\n9\n",
    });
    mkdirSync(join(data, "sub.csv"));
    writeFileSync(join(base, "outside.csv"), "id,name\n8,外\n");
    symlinkSync(join(base, "outside.csv"), join(data, "link.csv"));
    const source = await open(base);
    expect(await scanAll(source, "id")).toEqual([{ id: "1", name: "甲" }]);
    expect(issueSummary(source)).toEqual([
      ["not_a_regular_file", "link.csv", undefined],
      ["not_a_regular_file", "sub.csv", undefined],
    ]);
  });

  it.each([
    ["directory", { directory: "../etc" }, "/source/directory"],
    ["directory", { directory: "data/../../etc" }, "/source/directory"],
    ["directory", { directory: "data\\..\\..\\etc" }, "/source/directory"],
    ["directory", { directory: "/etc" }, "/source/directory"],
    ["directory", { directory: "C:\\Windows" }, "/source/directory"],
    ["directory", { directory: "\\\\server\\share" }, "/source/directory"],
    ["pattern", { pattern: "../*.csv" }, "/source/pattern"],
    ["pattern", { pattern: "/etc/passwd" }, "/source/pattern"],
    ["pattern", { pattern: "..\\x.csv" }, "/source/pattern"],
    ["pattern", { pattern: ".." }, "/source/pattern"],
    ["pattern", { pattern: "a\u0000.csv" }, "/source/pattern"],
  ])("path traversal in the %s %j is config_invalid", async (_what, settings, path) => {
    const { base } = tempMappingDir();
    const error = await open(base, settings).catch((e) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ code: "config_invalid", path });
  });

  it("a pattern's regular-expression characters match themselves", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, {
      "a(1).csv": "id\n1\n",
      "a1.csv": "id\n2\n",
      "b+.csv": "id\n3\n",
      "bb.csv": "id\n4\n",
    });
    expect(
      (await scanAll(await open(base, { pattern: "a(?).csv" }), "id")).map((r) => r.id),
    ).toEqual(["1"]);
    expect((await scanAll(await open(base, { pattern: "b+.csv" }), "id")).map((r) => r.id)).toEqual(
      ["3"],
    );
    const none = await open(base, { pattern: "*.CSV" });
    expect((await scanAll(none, "id")).length).toBe(0);
    expect(none.issues()).toMatchObject([
      { code: "no_matching_files", severity: "warning", params: { pattern: "*.CSV" } },
    ]);
    expect(await none.check()).toEqual({ status: "ok" });
  });
});
