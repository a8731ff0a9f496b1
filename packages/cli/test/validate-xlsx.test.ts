import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, test } from "vitest";
import { cli } from "./helpers.js";

const root = join(import.meta.dirname, "..", "..", "..");
const bin = join(root, "packages", "cli", "src", "bin.ts");
const dir = mkdtempSync(join(tmpdir(), "govex-cli-xlsx-"));
const ID = "11010519491231002X";

/** The real process, from source, as process.test.ts runs it. */
function govex(args: string[]) {
  return spawnSync(
    process.execPath,
    ["--conditions=@govex/source", "--import", "tsx", bin, ...args],
    {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", LANG: "C.UTF-8" },
    },
  );
}

async function workbook(name: string, sheets: Record<string, ExcelJS.CellValue[][]>) {
  const wb = new ExcelJS.Workbook();
  for (const [sheet, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheet);
    for (const row of rows) ws.addRow(row);
  }
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

let good: string;
let mixed: string;
beforeAll(async () => {
  good = await workbook("good.xlsx", {
    人员: [
      ["姓名", "公民身份号码", "出生日期"],
      ["示例甲", ID, new Date(Date.UTC(1949, 11, 31))],
    ],
  });
  mixed = await workbook("mixed.xlsx", {
    甲: [
      ["name", "residentId"],
      ["示例甲", ID],
    ],
    乙: [
      ["name", "residentId", "mobile"],
      ["示例乙", ID, "13800138000"],
      ["示例丙", ID, "123"],
    ],
  });
});

describe("govex validate on workbooks: exit codes from the real process", () => {
  test.each([
    ["a valid workbook", () => [good, "--schema", "person"], 0, ""],
    [
      "every sheet: one invalid row in sheet 乙",
      () => [mixed, "--schema", "person"],
      1,
      "mixed.xlsx[乙]:3",
    ],
    [
      "--sheet 甲 (valid)",
      () => [mixed, "--schema", "person", "--sheet", "甲"],
      0,
      "工作表 「甲」",
    ],
    ["--sheet 2 (乙)", () => [mixed, "--schema", "person", "--sheet", "2"], 1, "invalid_mobile"],
    ["--sheet 丁: no such sheet", () => [mixed, "--schema", "person", "--sheet", "丁"], 2, "甲"],
    ["an empty .xlsx file", () => [file("empty.xlsx", ""), "--schema", "person"], 0, "empty_input"],
    [
      "an empty file under --strict",
      () => [file("empty.csv", ""), "--schema", "person", "--strict"],
      1,
      "empty_input",
    ],
    [
      "not a ZIP",
      () => [file("junk.xlsx", Buffer.from([0, 1, 2, 3, 0, 0xff])), "--schema", "person"],
      1,
      "xlsx_not_zip",
    ],
    [
      "an encrypted workbook",
      () => [
        file(
          "secret.xlsx",
          Buffer.concat([Buffer.from("d0cf11e0a1b11ae1", "hex"), Buffer.alloc(64)]),
        ),
        "--schema",
        "person",
      ],
      1,
      "xlsx_encrypted",
    ],
    [
      "a CSV named .xlsx: validated as CSV, warned",
      () => [file("really-csv.xlsx", `name,residentId\n示例甲,${ID}\n`), "--schema", "person"],
      0,
      "format_mismatch",
    ],
    [
      "the same under --strict",
      () => [join(dir, "really-csv.xlsx"), "--schema", "person", "--strict"],
      1,
      "format_mismatch",
    ],
  ])("%s → exit %d", (_name, args, want, text) => {
    const r = govex(["validate", ...args()]);
    expect(r.status).toBe(want);
    expect(r.stdout + r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
  });
});

describe("govex validate on workbooks: reports", () => {
  test("json: sheet and cell on each issue, sheets on each file", async () => {
    const r = await cli([
      "validate",
      mixed,
      "--schema",
      "person",
      "--format",
      "json",
      "--lang",
      "en",
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files).toMatchObject([
      { format: "xlsx", sheets: ["甲", "乙"], records: 3, invalid: 1 },
    ]);
    expect(out.issues).toMatchObject([
      { record: 3, line: 3, sheet: "乙", cell: "C3", path: "/mobile", code: "invalid_mobile" },
    ]);
  });

  test("text and junit name the sheet and the row as Excel shows them", async () => {
    const text = await cli(["validate", mixed, "--schema", "person", "--lang", "en"]);
    expect(text.stdout).toContain(
      'mixed.xlsx (xlsx, sheets "甲", "乙"): 3 records, 2 valid, 1 invalid',
    );
    expect(text.stdout).toMatch(/mixed\.xlsx\[乙\]:3 record 3 \/mobile \(C3\) invalid_mobile/);
    const junit = await cli(["validate", mixed, "--schema", "person", "--format", "junit"]);
    expect(junit.stdout).toContain('name="record 3 (sheet 乙 row 3)"');
  });

  test("--help names xlsx, --sheet and --strict; an empty --sheet is a usage error", async () => {
    const help = await cli(["validate", "--help"], { LANG: "en_US.UTF-8" });
    expect(help.stdout).toMatch(/--input-format auto\|ndjson\|json\|csv\|tsv\|xlsx/);
    expect(help.stdout).toContain("--sheet <name|position>");
    expect(help.stdout).toContain("--strict");
    const empty = await cli(["validate", good, "--schema", "person", "--sheet", " "]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("--sheet");
  });

  test("a duplicate header is a file-level error: exit 1 even when every row is valid", async () => {
    const dup = await workbook("dup.xlsx", {
      S: [
        ["name", "residentId", "姓名"],
        ["示例甲", ID, "示例甲"],
      ],
    });
    const r = await cli(["validate", dup, "--schema", "person", "--format", "json"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).issues).toMatchObject([
      { record: 0, sheet: "S", code: "csv_duplicate_header", severity: "error" },
    ]);
  });
});
