import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkOrgCode } from "../src/identifiers/org-code.js";
import { checkResidentId } from "../src/identifiers/resident-id.js";
import { checkUscc } from "../src/identifiers/uscc.js";

// The standards' own examples, read from the table in fixtures/identifiers.md (copied from
// shared/testdata): `| kind | value | verdict | source |`.
const rows = readFileSync(join(import.meta.dirname, "fixtures", "identifiers.md"), "utf8")
  .split("\n")
  .filter((l) => /^\| (公民身份号码|统一社会信用代码|组织机构代码) \|/.test(l))
  .map((l) => l.split("|").map((c) => c.trim()))
  .map(([, kind, value, verdict, source]) => ({
    kind: kind as string,
    value: (value as string).split(" ")[0] as string,
    valid: (verdict as string).startsWith("valid"),
    source: source as string,
  }));

const check: Record<string, (v: string) => { valid: boolean }> = {
  公民身份号码: (v) => checkResidentId(v),
  统一社会信用代码: (v) => checkUscc(v),
  组织机构代码: (v) => checkOrgCode(v),
};

describe("the standards' own examples (shared/testdata/identifiers.md)", () => {
  test("the table has every example", () => {
    expect(rows.length).toBe(5);
  });

  test.each(rows.map((r) => [`${r.kind} ${r.value} (${r.source})`, r]))("%s", (_name, row) => {
    expect((check[row.kind] as (v: string) => { valid: boolean })(row.value).valid).toBe(row.valid);
  });
});
