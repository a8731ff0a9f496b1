import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import ExcelJS from "exceljs";
import { afterAll, describe, expect, it } from "vitest";
import {
  getValidator,
  readXlsxRows,
  type ValidationIssue,
  validateFile,
  validateStream,
} from "../../src/index.js";
import { chunked, collect } from "../helpers/io.js";

const dir = mkdtempSync(join(tmpdir(), "govex-xlsx-"));
afterAll(() => {
  // Files stay in the OS temp dir for inspection on failure; nothing else to release.
});

type Cell = ExcelJS.CellValue;

/** A real .xlsx file on disk, written by exceljs: sheet name → rows (row 1 first). */
async function workbook(name: string, sheets: Record<string, Cell[][]>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [sheet, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheet);
    rows.forEach((row, r) => {
      row.forEach((value, c) => {
        if (value !== undefined && value !== null) ws.getCell(r + 1, c + 1).value = value;
      });
    });
  }
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

/**
 * A ZIP archive with stored (uncompressed) entries (APPNOTE.TXT §4.3), for archives exceljs would
 * not write; `declared` overrides the unzipped size its directory states for some entries.
 */
function storedZip(
  entries: Record<string, string | Buffer>,
  declared: Record<string, number> = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(declared[name] ?? data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(entries).length, 8);
  eocd.writeUInt16LE(Object.keys(entries).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/** A worksheet part of inline strings (ECMA-376 Part 1 §18.3.1.53 is), row 1 first. */
function sheetXml(rows: string[][]): string {
  const cells = (row: string[], r: number) =>
    row
      .map(
        (v, c) =>
          `<c r="${String.fromCharCode(65 + c)}${r}" t="inlineStr"><is><t>${v}</t></is></c>`,
      )
      .join("");
  const body = rows.map((row, i) => `<row r="${i + 1}">${cells(row, i + 1)}</row>`).join("");
  return `<worksheet xmlns="${MAIN}"><sheetData>${body}</sheetData></worksheet>`;
}

/** A workbook's parts: tabs in the order given, tab i in sheet{parts[i]}.xml (default i + 1). */
function book(sheets: Record<string, string>, partNumbers?: string[]): Record<string, string> {
  const tabs = Object.keys(sheets);
  const no = (i: number) => partNumbers?.[i] ?? String(i + 1);
  const parts: Record<string, string> = {
    "xl/workbook.xml": `<workbook xmlns="${MAIN}" xmlns:r="${OFFICE_REL}"><sheets>${tabs
      .map((t, i) => `<sheet name="${t}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
      .join("")}</sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${tabs
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 1}" Type="${OFFICE_REL}/worksheet" Target="worksheets/sheet${no(i)}.xml"/>`,
      )
      .join("")}</Relationships>`,
  };
  tabs.forEach((t, i) => {
    parts[`xl/worksheets/sheet${no(i)}.xml`] = sheets[t] as string;
  });
  return parts;
}

const codes = (issues: ValidationIssue[]) => issues.map((i) => i.code);
const ID = "11010519491231002X";
const where = (i: ValidationIssue) => `${i.sheet}!${i.cell ?? i.line} ${i.path} ${i.code}`;

describe("XLSX cells are typed by the schema", () => {
  // Each column's schema is `const: want`: the row passes only if every cell maps to exactly that.
  const cases: [string, Cell, Record<string, unknown>, unknown][] = [
    ["text in a string", "0012", { type: "string" }, "0012"],
    ["a number in a string: as Excel shows it", 250011, { type: "string" }, "250011"],
    ["0.1+0.2 in a number: 15 digits", 0.1 + 0.2, { type: "number" }, 0.3],
    ["a number in an integer", 42, { type: "integer" }, 42],
    ["text digits in a number", "12.5", { type: "number" }, 12.5],
    ["a boolean", true, { type: "boolean" }, true],
    ["1 in a boolean", 1, { type: "boolean" }, true],
    ["是 in a boolean", "是", { type: "boolean" }, true],
    ["a boolean in a string", false, { type: "string" }, "false"],
    [
      "a date in a date",
      new Date(Date.UTC(1990, 2, 7)),
      { type: "string", format: "date" },
      "1990-03-07",
    ],
    [
      "a date-time in a date-time: China Standard Time",
      new Date(Date.UTC(2024, 0, 2, 9, 30, 15)),
      { type: "string", format: "date-time" },
      "2024-01-02T09:30:15+08:00",
    ],
    [
      "a date with a time in a plain string",
      new Date(Date.UTC(2024, 0, 2, 9, 30, 0)),
      { type: "string" },
      "2024-01-02 09:30:00",
    ],
    [
      "rich text: its runs joined",
      { richText: [{ text: "示例" }, { text: "甲" }] },
      { type: "string" },
      "示例甲",
    ],
    ["a formula: its result", { formula: "100*2", result: 200 }, { type: "number" }, 200],
    ["a formula whose result is 0", { formula: "A1-A1", result: 0 }, { type: "number" }, 0],
    [
      "a formula with a text result",
      { formula: '"a"&"b"', result: "ab" },
      { type: "string" },
      "ab",
    ],
    ["a JSON array in an array", '["a","b"]', { type: "array" }, ["a", "b"]],
  ];

  it.each(cases)("%s", async (name, cell, schema, want) => {
    const path = await workbook(`typed-${cases.findIndex((c) => c[0] === name)}.xlsx`, {
      数据: [["v"], [cell]],
    });
    const v = await getValidator({
      type: "object",
      required: ["v"],
      properties: { v: { ...schema, const: want } },
    });
    const report = await validateFile(path, v, { lang: "en" });
    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({
      records: 1,
      valid: 1,
      invalid: 0,
      format: "xlsx",
      sheets: ["数据"],
    });
  });

  it("a wrong value fails its const: the mapping is really checked", async () => {
    const path = await workbook("typed-wrong.xlsx", { 数据: [["v"], [250011]] });
    const v = await getValidator({
      type: "object",
      properties: { v: { type: "string", const: "x" } },
    });
    const report = await validateFile(path, v, { lang: "en" });
    expect(report.issues.map(where)).toEqual(["数据!A2 /v const"]);
  });

  it("another offset for date-times; an empty cell is an absent property", async () => {
    const path = await workbook("offset.xlsx", {
      S: [
        ["dt", "x"],
        [new Date(Date.UTC(2024, 0, 2, 9, 30, 15)), null],
      ],
    });
    const v = await getValidator({
      type: "object",
      required: ["x"],
      properties: {
        dt: { type: "string", format: "date-time", const: "2024-01-02T09:30:15Z" },
        x: { type: "string" },
      },
    });
    const report = await validateFile(path, v, { lang: "en", utcOffset: "Z" });
    expect(report.issues.map(where)).toEqual(["S!2 /x required"]);
  });
});

describe("XLSX against a built-in spec", () => {
  const header = [
    "统一社会信用代码",
    "名称",
    "登记管理部门",
    "机构类别",
    "法定代表人.姓名",
    "注册资本",
    "成立日期",
    "住所.行政区划代码",
    "住所.详细地址",
    "登记状态",
  ];
  const good: Cell[] = [
    "91110105MA70575591",
    "示例乙1号贸易有限公司",
    "9",
    "91",
    "测丁",
    100,
    new Date(Date.UTC(2001, 1, 15)),
    110105,
    "示例大道 1 号",
    "存续",
  ];

  it("rows are numbered as Excel shows them, per sheet, across blank rows, with the sheet and cell", async () => {
    const bad = [...good];
    bad[5] = "一百"; // 注册资本: a decimal string, not 一百
    const worse = [...bad];
    worse[6] = { formula: "1/0", result: { error: "#DIV/0!" } };
    const path = await workbook("entities.xlsx", {
      北京: [header, good, [], [], bad],
      空表: [],
      广东: [header, good, worse],
    });
    const v = await getValidator("legal-entity");
    const report = await validateFile(path, v, { lang: "en" });
    expect(report).toMatchObject({
      records: 4,
      valid: 2,
      invalid: 2,
      sheets: ["北京", "空表", "广东"],
    });
    expect(report.issues.map((i) => [i.record, i.sheet, i.line, i.cell, i.path, i.code])).toEqual([
      [2, "北京", 5, "F5", "/registeredCapital", "pattern"],
      [4, "广东", 3, "G3", "/establishmentDate", "xlsx_cell_error"],
      [4, "广东", 3, "F3", "/registeredCapital", "pattern"],
    ]);
    const zh = await validateFile(path, v, { sheet: "广东" });
    expect(zh.sheets).toEqual(["广东"]);
    expect(zh.issues.find((i) => i.code === "xlsx_cell_error")?.message).toContain("G3");
    expect(zh.issues.find((i) => i.code === "xlsx_cell_error")?.message).toContain("错误值");
  });

  it("--sheet by position follows the tabs; an unknown sheet is sheet_not_found with the list", async () => {
    const path = await workbook("pick.xlsx", { 甲: [header, good], 乙: [header, good, good] });
    const v = await getValidator("legal-entity");
    expect(await validateFile(path, v, { sheet: 2 })).toMatchObject({ records: 2, sheets: ["乙"] });
    expect(await validateFile(path, v, { sheet: "2" })).toMatchObject({
      records: 2,
      sheets: ["乙"],
    });
    for (const sheet of ["丙", "3", 0] as const) {
      await expect(validateFile(path, v, { sheet })).rejects.toMatchObject({
        code: "sheet_not_found",
        details: { sheets: ["甲", "乙"] },
      });
    }
  });

  it("an 18-digit ID stored as a number lost digits: a warning beside its check failure", async () => {
    const path = await workbook("precision.xlsx", {
      S: [
        ["name", "residentId"],
        ["示例甲", 110105194912310020],
      ],
    });
    const report = await validateFile(path, await getValidator("person"), { lang: "en" });
    expect(report.issues.map((i) => [i.cell, i.code, i.severity])).toContainEqual([
      "B2",
      "xlsx_number_precision",
      "warning",
    ]);
    expect(report.invalid).toBe(1);
  });
});

describe("hostile workbooks are issues, never crashes", () => {
  const person = () => getValidator("person");

  it.each([
    [
      "random bytes named .xlsx",
      "junk.xlsx",
      Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x00, 0x9c, 0x13, 0x37]),
      "xlsx_not_zip",
    ],
    [
      "an encrypted workbook (OLE compound file)",
      "secret.xlsx",
      Buffer.concat([
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        Buffer.alloc(512),
      ]),
      "xlsx_encrypted",
    ],
    [
      "a ZIP without a workbook (a .docx)",
      "letter.xlsx",
      storedZip({ "word/document.xml": "<w/>" }),
      "xlsx_not_workbook",
    ],
    [
      "a truncated ZIP",
      "cut.xlsx",
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]),
      "xlsx_damaged",
    ],
    [
      "a workbook whose sheet is not XML (an exceljs parse error)",
      "notxml.xlsx",
      storedZip({
        "xl/workbook.xml":
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="A" sheetId="1" r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
          '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>',
        "xl/sharedStrings.xml": "<sst/>",
        "xl/worksheets/sheet1.xml": "<<<<\u0000 not xml",
      }),
      "xlsx_unreadable",
    ],
    [
      "a workbook part that lists no sheets",
      "nosheets.xlsx",
      storedZip({
        "xl/workbook.xml": `<x:workbook xmlns:x="${MAIN}"><x:sheets/></x:workbook>`,
        "xl/worksheets/sheet1.xml": sheetXml([["name"], ["示例甲"]]),
      }),
      "xlsx_unreadable",
    ],
    [
      "a sheet listed whose part is missing",
      "lost.xlsx",
      storedZip({
        "xl/workbook.xml": book({ S: "" })["xl/workbook.xml"] as string,
        "xl/_rels/workbook.xml.rels": book({ S: "" })["xl/_rels/workbook.xml.rels"] as string,
      }),
      "xlsx_unreadable",
    ],
    [
      "a directory that understates a sheet's size (a disguised zip bomb)",
      "understated.xlsx",
      storedZip(book({ S: sheetXml([["name"], ["示例甲"]]) }), { "xl/worksheets/sheet1.xml": 40 }),
      "xlsx_unreadable",
    ],
  ])("%s", async (_name, fileName, bytes, code) => {
    const report = await validateFile(file(fileName, bytes), await person(), { lang: "en" });
    expect(report.records).toBe(0);
    expect(report.issues).toMatchObject([{ record: 0, code, severity: "error" }]);
    expect(report.issues[0]?.message).toMatch(/xlsx|XLSX|workbook/);
    const zh = await validateFile(join(dir, fileName), await person());
    expect(zh.issues[0]?.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a damaged deflate stream inside a well-formed directory is xlsx_unreadable, not a hang", async () => {
    const good = await workbook("to-damage.xlsx", {
      S: [["name"], ...Array.from({ length: 2000 }, (_, i) => [`示例${i}`])],
    });
    const bytes = readFileSync(good);
    // Scramble the middle of the archive (the sheet's compressed data), leaving the directory intact.
    for (let i = 200; i < bytes.length / 2; i++) bytes[i] = (bytes[i] as number) ^ 0x5a;
    const report = await validateFile(file("damaged.xlsx", bytes), await person(), { lang: "en" });
    expect(
      report.issues.some((i) => i.code === "xlsx_unreadable" || i.code === "xlsx_damaged"),
    ).toBe(true);
  });

  it("a zip bomb: the declared unzipped size is checked before anything is inflated", async () => {
    // 8 MiB of one repeated row compresses to a few KiB; the limit here is 1 MiB.
    const rows = `<row><c t="inlineStr"><is><t>${"甲".repeat(100)}</t></is></c></row>`.repeat(
      (8 * 1024 * 1024) / 330,
    );
    const wbPath = await workbook("bomb-base.xlsx", { S: [["name"], ["示例"]] });
    const real = await validateFile(wbPath, await person(), { maxUnzippedBytes: 1024 * 1024 });
    expect(real.records).toBe(1); // a small workbook passes the guard
    const bomb = storedZip({
      "xl/workbook.xml": "<workbook/>",
      "xl/worksheets/sheet1.xml": `<worksheet><sheetData>${rows}</sheetData></worksheet>`,
    });
    const report = await validateFile(file("bomb.xlsx", bomb), await person(), {
      lang: "en",
      maxUnzippedBytes: 1024 * 1024,
    });
    expect(report.issues).toMatchObject([{ code: "xlsx_too_large", severity: "error" }]);
    expect(report.issues[0]?.params.limit).toBe(1024 * 1024);
    // A directory that claims 4 GiB (a lying or ZIP64 entry) is refused at the default limit.
    const liar = Buffer.from(bomb);
    const cd = liar.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(0xfffffffe, cd + 24);
    const lied = await validateFile(file("liar.xlsx", liar), await person());
    expect(codes(lied.issues)).toEqual(["xlsx_too_large"]);
  });

  it("a CSV file named .xlsx is validated as CSV, with a format_mismatch warning", async () => {
    const path = file(
      "really.xlsx",
      "name,residentId\r\n示例甲,11010519491231002X\r\n示例乙,123\r\n",
    );
    const report = await validateFile(path, await person(), { lang: "en" });
    expect(report).toMatchObject({ format: "csv", records: 2, valid: 1, invalid: 1 });
    expect(report.issues[0]).toMatchObject({
      record: 0,
      code: "format_mismatch",
      severity: "warning",
    });
    expect(report.issues[0]?.message).toContain(".xlsx");
    // Forced as xlsx it is not a workbook.
    const forced = await validateFile(path, await person(), { format: "xlsx" });
    expect(codes(forced.issues)).toEqual(["xlsx_not_zip"]);
  });

  it("a workbook named .csv is read as a workbook, with a format_mismatch warning", async () => {
    const wb = await workbook("wb-as-csv.xlsx", {
      S: [
        ["name", "residentId"],
        ["示例甲", ID],
      ],
    });
    const path = file("export.csv", readFileSync(wb));
    const report = await validateFile(path, await person());
    expect(report).toMatchObject({ format: "xlsx", records: 1, valid: 1 });
    expect(codes(report.issues)).toEqual(["format_mismatch"]);
  });

  it("duplicate, empty, __proto__ and constructor headers; cells right of the header", async () => {
    const path = await workbook("headers.xlsx", {
      S: [
        ["name", "姓名", null, "__proto__", "constructor", "name"],
        ["示例甲", "示例乙", "x", '{"polluted":1}', "c", "dup", null, "outside"],
      ],
    });
    const report = await validateFile(path, await person(), { lang: "en" });
    const shown = report.issues.map((i) => [
      i.record,
      i.line ?? null,
      i.cell ?? null,
      i.path,
      i.code,
      i.severity,
    ]);
    expect(shown).toEqual(
      expect.arrayContaining([
        [0, 1, null, "", "csv_empty_header", "warning"],
        [0, 1, null, "", "csv_duplicate_header", "error"], // F1 repeats A1 as written; 姓名 is name's title
        [0, 1, null, "", "csv_unknown_header", "warning"],
        [1, 2, "D2", "/__proto__", "additional_properties", "error"],
        [1, 2, "E2", "/constructor", "additional_properties", "error"],
        [0, null, null, "", "xlsx_cells_outside_header", "warning"],
      ]),
    );
    expect(codes(report.issues).filter((c) => c === "csv_duplicate_header")).toHaveLength(2);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(report.issues.find((i) => i.code === "xlsx_cells_outside_header")?.params).toMatchObject(
      {
        count: 1,
        cell: "H2",
      },
    );
  });

  it("error values, uncomputed formulas and a huge cell are issues of their row", async () => {
    const path = await workbook("cells.xlsx", {
      S: [
        ["name", "mobile", "residentId"],
        [{ error: "#N/A" }, "13800138000", ID],
        ["示例甲", { formula: "A2&B2" }, ID],
        ["示例乙".repeat(4000), "13800138000", ID],
        ["示例丙", "13800138000", ID],
      ],
    });
    const report = await validateFile(path, await person(), { lang: "en", maxRecordBytes: 10_000 });
    expect(report.issues.map((i) => [i.record, i.line, i.cell, i.path, i.code])).toEqual([
      [1, 2, "A2", "/name", "xlsx_cell_error"], // not again as a missing name
      [2, 3, "B3", "/mobile", "xlsx_formula_not_computed"],
      [3, 4, undefined, "", "record_too_large"],
    ]);
    expect(report.issues[0]?.message).toContain("#N/A");
    expect(report).toMatchObject({ records: 4, valid: 1, invalid: 3 });
  });

  it("a workbook of empty sheets is empty_input", async () => {
    const path = await workbook("blank.xlsx", { Sheet1: [], Sheet2: [["name"]] });
    const report = await validateFile(path, await person());
    expect(codes(report.issues)).toEqual(["empty_input"]);
  });
});

describe("XLSX archives are read through their ZIP directory", () => {
  const rows = async (path: string, sheet?: string | number) =>
    (await collect(readXlsxRows(path, sheet === undefined ? {} : { sheet }))).map((e) => [
      e.sheet,
      e.line,
      ...(e.header ??
        e.cells?.map((c) => c.cell.kind === "value" && c.cell.value) ?? [e.issue?.code]),
    ]);

  it("whatever order the parts are in, sheets come in tab order with their names", async () => {
    // Tabs: 乙 (sheet2.xml) before 甲 (sheet1.xml). exceljs writes the workbook part last; other
    // writers put it first; the order of the sheets in the archive is not the tabs'.
    const parts = book(
      { 乙: sheetXml([["name"], ["示例乙"]]), 甲: sheetXml([["name"], ["示例甲"]]) },
      ["2", "1"],
    );
    const names = Object.keys(parts);
    const workbookFirst = storedZip(parts);
    const workbookLast = storedZip(
      Object.fromEntries(
        [...names.filter((n) => n !== "xl/workbook.xml").reverse(), "xl/workbook.xml"].map((n) => [
          n,
          parts[n] as string,
        ]),
      ),
    );
    const want = [
      ["乙", 1, "name"],
      ["乙", 2, "示例乙"],
      ["甲", 1, "name"],
      ["甲", 2, "示例甲"],
    ];
    expect(await rows(file("first.xlsx", workbookFirst))).toEqual(want);
    expect(await rows(file("last.xlsx", workbookLast))).toEqual(want);
    expect(await rows(join(dir, "last.xlsx"), 2)).toEqual(want.slice(2));
    expect(await rows(join(dir, "last.xlsx"), "乙")).toEqual(want.slice(0, 2));
  });

  it("Chinese text split between inflated chunks is read whole, shared or inline", async () => {
    const name = (i: number) => `示例人员第${i}号（测试）`;
    const shared = new ExcelJS.Workbook();
    const ws = shared.addWorksheet("S");
    ws.getCell(1, 1).value = "name";
    for (let i = 0; i < 6000; i++) ws.getCell(i + 2, 1).value = name(i);
    await shared.xlsx.writeFile(join(dir, "cjk-shared.xlsx"));
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: join(dir, "cjk-inline.xlsx"),
      useSharedStrings: false,
    });
    const wi = writer.addWorksheet("S");
    wi.addRow(["name"]).commit();
    for (let i = 0; i < 6000; i++) wi.addRow([name(i)]).commit();
    wi.commit();
    await writer.commit();
    for (const f of ["cjk-shared.xlsx", "cjk-inline.xlsx"]) {
      const got = (await rows(join(dir, f))).slice(1);
      expect(got, f).toEqual(Array.from({ length: 6000 }, (_, i) => ["S", i + 2, name(i)]));
    }
  });
});

describe("XLSX streamed", () => {
  it("validateStream reads a workbook from bytes; the reader yields typed cells", async () => {
    const path = await workbook("stream.xlsx", {
      S: [
        ["name", "birthDate", "residentId"],
        ["示例甲", new Date(Date.UTC(1949, 11, 31)), ID],
      ],
    });
    const bytes = readFileSync(path);
    const results = await collect(
      validateStream(chunked(bytes, 1000), await getValidator("person"), { fileName: "x.xlsx" }),
    );
    expect(results.filter((r) => r.record > 0)).toEqual([
      { record: 1, line: 2, valid: true, issues: [] },
    ]);
    const entries = await collect(readXlsxRows(path));
    expect(entries.map((e) => e.header ?? e.cells?.map((c) => [c.address, c.cell]))).toEqual([
      ["name", "birthDate", "residentId"],
      [
        ["A2", { kind: "value", value: "示例甲" }],
        ["B2", { kind: "value", value: new Date(Date.UTC(1949, 11, 31)) }],
        ["C2", { kind: "value", value: ID }],
      ],
    ]);
    // Not a workbook, as a stream: the first bytes tell.
    const junk = await collect(
      validateStream(chunked(Buffer.from("name\n示例甲\n")), await getValidator("person"), {
        format: "xlsx",
      }),
    );
    expect(junk.flatMap((r) => codes(r.issues))).toEqual(["xlsx_not_zip"]);
  });

  it("20,000 rows stream through with their Excel row numbers", async () => {
    const path = join(dir, "big.xlsx");
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: path,
      useSharedStrings: false,
    });
    const ws = writer.addWorksheet("人员");
    ws.addRow(["name", "mobile", "residentId"]).commit();
    for (let i = 0; i < 20_000; i++)
      ws.addRow([`示例${i}`, i === 19_999 ? "123" : "13800138000", ID]).commit();
    ws.commit();
    await writer.commit();
    const report = await validateFile(path, await getValidator("person"), { lang: "en" });
    expect(report).toMatchObject({ records: 20_000, valid: 19_999, invalid: 1 });
    expect(report.issues.map(where)).toEqual(["人员!B20001 /mobile invalid_mobile"]);
  });
});
