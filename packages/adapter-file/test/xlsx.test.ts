import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { cellText, formatNumber } from "../src/cell-text.js";
import { issueSummary, open, scanAll, tempMappingDir, writeFiles } from "./helpers/files.js";

/** An XLSX file written by exceljs. */
async function xlsx(build: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const registry = (workbook: ExcelJS.Workbook) => {
  const sheet = workbook.addWorksheet("企业登记");
  sheet.addRow([
    "统一社会信用代码",
    "企业名称",
    "成立日期",
    "注册资本",
    "是否存续",
    "登记机关",
    "网址",
  ]);
  sheet.addRow([
    "91350100MA2X00010W",
    { richText: [{ text: "福州闽江" }, { text: "示例贸易有限公司", font: { bold: true } }] },
    new Date(Date.UTC(2018, 10, 2)),
    0.1 + 0.2,
    true,
    "福州市市场监督管理局",
    { text: "官网", hyperlink: "https://example.gov.cn/" },
  ]);
  sheet.addRow([
    "91350100MA2X00020X",
    "福州榕城示例科技有限公司",
    new Date(Date.UTC(2019, 2, 15, 8, 30, 0)),
    { formula: "250*2", result: 500 },
    false,
    null,
    null,
  ]);
  // A merged data cell: the value belongs to both rows, as the sheet shows it.
  sheet.mergeCells("F2:F3");
  sheet.getCell("C2").numFmt = "yyyy-mm-dd";
  sheet.getCell("C3").numFmt = "yyyy-mm-dd hh:mm:ss";
  sheet.addRow([]);
  sheet.addRow(["91350105MA2X000408", "马尾示例船舶服务有限公司", null, 1234567890123456, null]);
};

describe("XLSX workbooks", () => {
  it("reads cells as text: dates, numbers without float noise, booleans, rich text, formulas, links, merges", async () => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "registry.xlsx": await xlsx(registry) });
    const source = await open(base, { pattern: "*.xlsx" });
    expect(await scanAll(source, "统一社会信用代码")).toEqual([
      {
        统一社会信用代码: "91350100MA2X00010W",
        企业名称: "福州闽江示例贸易有限公司",
        成立日期: "2018-11-02",
        注册资本: "0.3",
        是否存续: "true",
        登记机关: "福州市市场监督管理局",
        网址: "官网",
      },
      {
        统一社会信用代码: "91350100MA2X00020X",
        企业名称: "福州榕城示例科技有限公司",
        成立日期: "2019-03-15 08:30:00",
        注册资本: "500",
        是否存续: "false",
        登记机关: "福州市市场监督管理局",
      },
      {
        统一社会信用代码: "91350105MA2X000408",
        企业名称: "马尾示例船舶服务有限公司",
        // Excel keeps 15 significant digits: identifiers belong in text cells.
        注册资本: "1234567890123460",
      },
    ]);
    expect(source.files()).toMatchObject([
      { file: "registry.xlsx", format: "xlsx", sheet: "企业登记", rows: 3 },
    ]);
    expect(source.issues()).toEqual([]);
  });

  it.each([
    ["by name", { sheet: "第二页" }],
    ["by 1-based position", { sheet: 2 }],
  ])("picks a sheet %s, with the header below a merged title row", async (_name, settings) => {
    const { base, data } = tempMappingDir();
    const file = await xlsx((workbook) => {
      workbook.addWorksheet("说明").addRow(["这一页不是数据"]);
      const sheet = workbook.addWorksheet("第二页");
      sheet.addRow(["2024 年企业登记导出"]);
      sheet.mergeCells("A1:C1");
      sheet.addRow(["代码", "名称", "备注"]);
      sheet.addRow(["1", "甲", "x"]);
    });
    writeFiles(data, { "book.xlsx": file });
    const source = await open(base, { ...settings, headerRow: 2 });
    expect(await scanAll(source, "代码")).toEqual([{ 代码: "1", 名称: "甲", 备注: "x" }]);
  });

  it("reports merged header cells, naming them, and reads nothing of that file", async () => {
    const { base, data } = tempMappingDir();
    const file = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet("s");
      sheet.addRow(["代码", "地址", null, "名称"]);
      sheet.addRow(["", "省", "市", ""]);
      sheet.addRow(["1", "福建", "福州", "甲"]);
      sheet.mergeCells("B1:C1");
    });
    writeFiles(data, { "merged.xlsx": file });
    const source = await open(base);
    expect(await scanAll(source, "代码")).toEqual([]);
    const [issue] = source.issues();
    expect(issue).toMatchObject({ code: "xlsx_merged_header", file: "merged.xlsx", line: 1 });
    expect(issue?.zh).toContain("B1、C1");
    expect(issue?.en).toContain("unmerge them, or set headerRow");
  });

  it("reports empty and repeated header names, cells outside the header, and error cells", async () => {
    const { base, data } = tempMappingDir();
    const file = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet("s");
      sheet.addRow(["代码", null, "名称", "名称"]);
      sheet.addRow(["1", "无列名", "甲", "重复"]);
      sheet.addRow(["2", null, { error: "#DIV/0!" }, null]);
      sheet.addRow(["3", null, "丙", null, "表头之外"]);
    });
    writeFiles(data, { "cols.xlsx": file });
    const source = await open(base);
    expect(await scanAll(source, "代码")).toEqual([
      { 代码: "1", 名称: "甲" },
      { 代码: "3", 名称: "丙" },
    ]);
    expect(issueSummary(source)).toEqual([
      ["csv_empty_header", "cols.xlsx", 1],
      ["csv_duplicate_header", "cols.xlsx", 1],
      ["xlsx_cell_error", "cols.xlsx", 3],
      ["xlsx_cells_outside_header", "cols.xlsx", undefined],
    ]);
    expect(source.issues()[2]?.params).toEqual({ cell: "C3", error: "#DIV/0!" });
    expect(source.issues()[3]?.params).toEqual({ count: 1, cell: "E4" });
  });

  it("a huge cell is record_too_large; a header row with a __proto__ column stays a plain column", async () => {
    const { base, data } = tempMappingDir();
    const file = await xlsx((workbook) => {
      const sheet = workbook.addWorksheet("s");
      sheet.addRow(["id", "__proto__"]);
      sheet.addRow(["1", "x".repeat(200_000)]);
      sheet.addRow(["2", '{"admin":true}']);
    });
    writeFiles(data, { "big.xlsx": file });
    const source = await open(base, { maxRowBytes: 64 * 1024 });
    const rows = await scanAll(source, "id");
    expect(rows.map((r) => r.id)).toEqual(["2"]);
    expect(Object.getPrototypeOf(rows[0])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(rows[0], "__proto__")?.value).toBe('{"admin":true}');
    expect(issueSummary(source)).toEqual([["record_too_large", "big.xlsx", 2]]);
  });

  it.each([
    ["sheet_not_found", { sheet: "没有这一页" }, "「企业登记」"],
    ["sheet_not_found", { sheet: 3 }, "「企业登记」"],
    ["xlsx_too_large", { maxXlsxBytes: 1024 }, "maxXlsxBytes"],
  ])("%s %j", async (code, settings, mentions) => {
    const { base, data } = tempMappingDir();
    writeFiles(data, { "registry.xlsx": await xlsx(registry) });
    const source = await open(base, settings);
    expect(await scanAll(source, "统一社会信用代码")).toEqual([]);
    expect(issueSummary(source)).toEqual([[code, "registry.xlsx", undefined]]);
    expect(`${source.issues()[0]?.zh} ${source.issues()[0]?.en}`).toContain(mentions);
    expect((await source.check()).status).toBe("degraded");
  });

  it("formats numbers as Excel shows them and dates by their calendar day", () => {
    const cases: [unknown, string | { error: string }][] = [
      [0.1 + 0.2, "0.3"],
      [1 / 3, "0.333333333333333"],
      [-0, "0"],
      [100, "100"],
      [1e21, "1e+21"],
      [new Date(Date.UTC(1900, 0, 1)), "1900-01-01"],
      [new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999.6)), "2024-03-01"],
      [new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 400)), "2024-02-29 12:00:00"],
      [new Date(Number.NaN), { error: "#DATE!" }],
      [{ formula: "A1", result: { error: "#REF!" } }, { error: "#REF!" }],
      [{ sharedFormula: "A1", result: "x" }, "x"],
      [{ text: { richText: [{ text: "a" }, { text: "b" }] }, hyperlink: "h" }, "ab"],
      [{ formula: "A1" }, ""],
      [null, ""],
    ];
    for (const [given, want] of cases) {
      expect(cellText(given), String(given)).toEqual(
        typeof want === "string" ? { text: want } : want,
      );
    }
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("Infinity");
  });
});
