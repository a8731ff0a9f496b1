import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  checkDivision,
  DIVISION_TABLE_LATEST_YEAR,
  DIVISION_TABLE_SIZE,
  DIVISION_TABLE_SOURCES,
  divisionExists,
  lookupDivision,
} from "../src/divisions/lookup.js";

const pkg = join(import.meta.dirname, "..");

describe("lookupDivision (GB/T 2260 with history)", () => {
  // Spot checks from data-src/README.md first.
  test.each([
    ["110101", {}, { name: "东城区", inForce: true, from: 1980, to: null, province: "北京市" }],
    ["110103", {}, { name: "崇文区", inForce: false, from: 1980, to: 2010 }],
    ["659010", {}, { name: "胡杨河市", from: 2019, to: null, inForce: true }],
    ["653228", {}, { name: "和康县", from: 2024, inForce: true }],
    ["653229", {}, { name: "和安县", from: 2024, inForce: true }],
    ["540481", {}, { name: "米林市", from: 2023, inForce: true }],
    ["440524", {}, { name: "潮阳县", from: 1983, to: 1993, inForce: false }],
    // 2025 is provisional: one Chongqing change announced 2025-11-07.
    ["500157", {}, { name: "两江新区", from: 2025, inForce: true }],
    ["500105", {}, { name: "江北区", to: 2025, inForce: false }],
    // Years: in force for at least part of the year, from..to both included.
    ["110103", { year: 2005 }, { name: "崇文区", inForce: true }],
    ["110103", { year: 2010 }, { inForce: true }],
    ["110103", { year: 2011 }, { inForce: false }],
    ["659010", { year: 2018 }, { inForce: false }],
    // Renamed codes: the name in force that year; in the year of renaming, the new name.
    ["120110", { year: 1985 }, { name: "东郊区", inForce: true }],
    ["120110", { year: 1992 }, { name: "东丽区", inForce: true }],
    ["120110", { year: 2000 }, { name: "东丽区", inForce: true }],
    [
      "120110",
      {},
      {
        name: "东丽区",
        history: [
          { name: "东郊区", from: 1980, to: 1992 },
          { name: "东丽区", from: 1992, to: null },
        ],
      },
    ],
    // A gap: 130107 井陉矿区 1980–1989 and 1992 on.
    ["130107", { year: 1991 }, { inForce: false }],
    ["130107", { year: 1995 }, { inForce: true }],
    ["371700", {}, { name: "菏泽市", alternateNames: ["荷泽市"], level: "prefecture" }],
    ["370000", {}, { level: "province", name: "山东省", province: "山东省", prefecture: null }],
    ["370102", {}, { level: "county", province: "山东省", prefecture: "济南市", source: "mca" }],
    ["110100", {}, { name: "市辖区", level: "prefecture", source: "summary" }],
    ["810000", {}, { name: "香港特别行政区", from: 1997 }],
  ])("%s %o", (code, opts, want) => {
    expect(lookupDivision(code, opts)).toMatchObject(want);
  });

  test.each([
    "130171",
    "830000",
    "100000",
    "000000",
    "11010",
    "1101011",
    "abcdef",
    "",
    "__proto__",
  ])("%s is not a GB/T 2260 code", (code) => {
    expect(lookupDivision(code)).toBeNull();
    expect(divisionExists(code)).toBe(false);
  });

  test("province and prefecture names are resolved as of the year asked", () => {
    // 211400 was 锦西市 1989–1994, then 葫芦岛市.
    expect(lookupDivision("211402", { year: 1990 })?.prefecture).toBe("锦西市");
    expect(lookupDivision("211402", { year: 2000 })?.prefecture).toBe("葫芦岛市");
    expect(lookupDivision("211402")?.prefecture).toBe("葫芦岛市");
  });

  test("a non-string code or a non-integer year is a programmer error", () => {
    expect(() => lookupDivision(110101 as unknown as string)).toThrow(
      expect.objectContaining({ code: "invalid_argument" }),
    );
    expect(() => lookupDivision("110101", { year: 2000.5 })).toThrow(
      expect.objectContaining({ code: "invalid_option" }),
    );
    expect(() => checkDivision("110101", { year: Number.NaN })).toThrow(
      expect.objectContaining({ code: "invalid_option" }),
    );
  });
});

describe("checkDivision", () => {
  test.each([
    ["110101", {}, true, []],
    ["440524", {}, true, []],
    ["130171", {}, false, [["unknown_division_code", { code: "130171" }]]],
    ["11010", {}, false, [["invalid_length", { expected: 6, actual: 5 }]]],
    ["11010a", {}, false, [["invalid_character", { position: 6, character: "a" }]]],
    [
      "110103",
      { year: 2015 },
      false,
      [["division_not_in_force", { code: "110103", year: 2015, from: 1980, to: 2010 }]],
    ],
    // Not yet created: no `to` while the code is in force.
    [
      "659010",
      { year: 2010 },
      false,
      [["division_not_in_force", { code: "659010", year: 2010, from: 2019 }]],
    ],
    ["110101", { year: 2015 }, true, []],
    [" 110101 ", {}, true, [["surrounding_whitespace", {}]]],
    ["１１０１０１", {}, true, [["full_width_characters", { position: 1 }]]],
  ] as const)("%s %o", (code, opts, valid, issues) => {
    const r = checkDivision(code, opts);
    expect(r.valid).toBe(valid);
    expect(r.issues.map((i) => [i.code, i.params])).toEqual(issues);
  });

  test("hostile input: a megabyte string is rejected at once", () => {
    const r = checkDivision("1".repeat(1 << 20));
    expect(r.issues[0]?.code).toBe("invalid_length");
    expect(r.value.length).toBeLessThanOrEqual(32);
  });
});

describe("the shipped table", () => {
  test("is versioned by its latest year and its sources' commits", () => {
    expect(DIVISION_TABLE_LATEST_YEAR).toBe(2025);
    expect(DIVISION_TABLE_SIZE).toBe(7065);
    expect(DIVISION_TABLE_SOURCES[0]).toMatchObject({
      id: "yescallop",
      repo: "github.com/yescallop/areacodes",
      commit: "eed219a0678d36bacaa717f62443b10e869f0291",
      licence: "CC0-1.0",
    });
    expect(DIVISION_TABLE_SOURCES.map((s) => s.id)).not.toContain("excluded-nbs-statistical");
  });

  test("holds every code of data-src/gb2260.json with its years", () => {
    const src = JSON.parse(readFileSync(join(pkg, "data-src", "gb2260.json"), "utf8")) as {
      codes: Record<string, { n: string; from: number; to: number | null }>;
    };
    const codes = Object.entries(src.codes);
    expect(codes.length).toBe(DIVISION_TABLE_SIZE);
    for (const [code, c] of codes) {
      expect(divisionExists(code)).toBe(true);
      expect(lookupDivision(code)).toMatchObject({ name: c.n, from: c.from, to: c.to });
    }
  });

  test("the committed table is what the build script makes of data-src/gb2260.json", () => {
    // Exits 1 (and execFileSync throws) when the committed table is stale.
    execFileSync(process.execPath, ["--import", "tsx", "scripts/build-divisions.ts", "--check"], {
      cwd: pkg,
      stdio: "pipe",
    });
  });
});
