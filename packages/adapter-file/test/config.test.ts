import { AdapterError } from "@govex/adapter";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_ROW_BYTES,
  DEFAULT_MAX_ROWS,
  DEFAULT_MAX_XLSX_BYTES,
  DEFAULT_RESCAN_INTERVAL_MS,
  parseFileSourceConfig,
} from "../src/index.js";
import { compilePattern, isIgnoredName } from "../src/pattern.js";
import { open, tempMappingDir } from "./helpers/files.js";

const minimal = { kind: "file", directory: "./data", pattern: "*.csv" };

describe("the source block", () => {
  it("fills in defaults", () => {
    expect(parseFileSourceConfig(minimal)).toEqual({
      ...minimal,
      format: "auto",
      encoding: "auto",
      headerRow: 1,
      maxRows: DEFAULT_MAX_ROWS,
      maxRowBytes: DEFAULT_MAX_ROW_BYTES,
      maxXlsxBytes: DEFAULT_MAX_XLSX_BYTES,
      rescanIntervalMs: DEFAULT_RESCAN_INTERVAL_MS,
    });
    expect(parseFileSourceConfig({ ...minimal, sheet: "企业登记", format: "xlsx" }).sheet).toBe(
      "企业登记",
    );
  });

  it.each([
    ["a missing pattern", { kind: "file", directory: "d" }, "/source/pattern", "is required"],
    ["a typo", { ...minimal, enconding: "gbk" }, "/source", "unknown setting(s) enconding"],
    [
      "an unknown format",
      { ...minimal, format: "xls" },
      "/source/format",
      'must be one of "auto" | "csv"',
    ],
    ["an unknown encoding", { ...minimal, encoding: "big5" }, "/source/encoding", "must be one of"],
    ["a zero header row", { ...minimal, headerRow: 0 }, "/source/headerRow", "at least 1"],
    ["a fractional maxRows", { ...minimal, maxRows: 1.5 }, "/source/maxRows", "must be an integer"],
    ["a string maxRows", { ...minimal, maxRows: "100" }, "/source/maxRows", "must be a number"],
    ["a sheet at 0", { ...minimal, sheet: 0 }, "/source/sheet", "must be at least 1"],
    ["another kind", { ...minimal, kind: "sql" }, "/source/kind", 'must be one of "file"'],
    [
      "an absolute directory",
      { ...minimal, directory: "/srv/data" },
      "/source/directory",
      "must not be absolute",
    ],
  ])("%s is config_invalid at its path", (_name, block, path, en) => {
    let error: unknown;
    try {
      parseFileSourceConfig(block as Record<string, unknown>, "registry.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdapterError);
    const e = error as AdapterError;
    expect(e.code).toBe("config_invalid");
    expect(e.path).toBe(path);
    expect(e.message).toContain("registry.yaml");
    expect(e.message).toContain(en);
    expect(e.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a missing directory is config_invalid at /source/directory", async () => {
    const { base } = tempMappingDir();
    await expect(open(base, { directory: "no-such-dir" })).rejects.toMatchObject({
      code: "config_invalid",
      path: "/source/directory",
    });
  });

  it("patterns: * and ? only, the rest literal; hidden and Office lock files are never read", () => {
    const cases: [string, string, boolean][] = [
      ["*.csv", "企业登记.csv", true],
      ["*.csv", "a.csv.bak", false],
      ["?.csv", "ab.csv", false],
      ["?.csv", "张.csv", true],
      ["202?-*.xlsx", "2024-登记.xlsx", true],
      ["a.csv", "abcsv", false],
      ["[ab].csv", "a.csv", false],
      ["[ab].csv", "[ab].csv", true],
      ["*", "anything at all", true],
    ];
    for (const [pattern, name, want] of cases)
      expect(compilePattern(pattern)(name), `${pattern} ${name}`).toBe(want);
    expect(["~$book.xlsx", ".~lock.a.csv#", ".hidden.csv", "a.csv"].map(isIgnoredName)).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });
});
