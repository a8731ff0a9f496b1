import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  checkDivision,
  DIVISION_TABLE_LATEST_YEAR,
  lookupDivision,
} from "../src/divisions/lookup.js";

describe("lookupDivision (GB/T 2260 with history)", () => {
  // Spot checks from data-src/README.md first.
  test.each([
    ["110101", {}, { name: "东城区", inForce: true, to: null, province: "北京市" }],
    ["110103", {}, { name: "崇文区", inForce: false, from: 1980, to: 2010 }],
    ["110103", { year: 2005 }, { name: "崇文区", inForce: true }],
    ["659010", {}, { name: "胡杨河市", from: 2019, inForce: true }],
    ["540481", {}, { name: "米林市", from: 2023 }],
    ["440524", {}, { name: "潮阳县", inForce: false }],
    ["120110", { year: 1985 }, { name: "东郊区", inForce: true }],
    ["120110", { year: 2000 }, { name: "东丽区", inForce: true }],
    ["371700", {}, { name: "菏泽市", alternateNames: ["荷泽市"], level: "prefecture" }],
    ["370000", {}, { level: "province", name: "山东省" }],
    ["370102", {}, { level: "county", province: "山东省", prefecture: "济南市" }],
  ])("%s %o", (code, opts, want) => {
    expect(lookupDivision(code, opts)).toMatchObject(want);
  });

  test.each(["130171", "830000", "000000", "11010", "abcdef", ""])(
    "%s is not a GB/T 2260 code",
    (code) => {
      expect(lookupDivision(code)).toBeNull();
    },
  );

  test("checkDivision reports unknown codes, wrong shapes and codes not in force", () => {
    expect(checkDivision("130171").issues[0]?.code).toBe("unknown_division_code");
    expect(checkDivision("11010").issues[0]?.code).toBe("invalid_length");
    expect(checkDivision("11010a").issues[0]?.code).toBe("invalid_character");
    expect(checkDivision("110103", { year: 2015 }).issues[0]).toMatchObject({
      code: "division_not_in_force",
      params: { code: "110103", year: 2015, from: 1980, to: 2010 },
    });
    expect(checkDivision("110101", { year: 2015 }).valid).toBe(true);
  });

  test("the table is versioned by its latest year", () => {
    expect(DIVISION_TABLE_LATEST_YEAR).toBe(2025);
  });

  test("the committed table is what the build script makes of data-src/gb2260.json", () => {
    const pkg = join(import.meta.dirname, "..");
    // Throws (exit 1) when the committed table is stale.
    execFileSync(process.execPath, ["--import", "tsx", "scripts/build-divisions.ts", "--check"], {
      cwd: pkg,
    });
  });
});
