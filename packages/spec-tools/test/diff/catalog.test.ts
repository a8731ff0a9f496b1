import { describe, expect, it } from "vitest";
import { CHECKS } from "../../src/diff/index.js";
import { OPENAPI_CASES } from "./openapi-cases.js";
import { SCHEMA_CASES } from "./schema-cases.js";
import { SET_CASES } from "./set-cases.js";

const covered = new Set<string>([
  ...SCHEMA_CASES.flatMap((c) =>
    c.expected.flatMap(([id]) =>
      ["schema", "request", "response"].map((s) => id.replace("{s}", s)),
    ),
  ),
  ...OPENAPI_CASES.flatMap((c) => c.expected.map(([id]) => id)),
  ...SET_CASES.flatMap((c) => c.expected.map(([id]) => id)),
]);

describe("the check catalog", () => {
  it("has at least 100 distinct, stable kebab-case ids", () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(100);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it("every check has a table case", () => {
    expect(CHECKS.map((c) => c.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("every table case names a check of the catalog", () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    expect([...covered].filter((id) => !ids.has(id))).toEqual([]);
  });

  it("titles are bilingual, and the release flags are where release needs them", () => {
    for (const check of CHECKS) {
      expect(check.title["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
      expect(check.title.en).toMatch(/^[A-Z$]/);
      if (check.docsOnly) expect(check.level).toBe("INFO");
    }
    const flag = (id: string) => CHECKS.find((c) => c.id === id);
    expect(flag("description-changed")?.docsOnly).toBe(true);
    expect(flag("examples-changed")?.docsOnly).toBe(true);
    expect(flag("code-table-label-changed")?.docsOnly).toBe(true);
    expect(flag("operation-added")?.additive).toBe(true);
    expect(flag("request-property-added")?.additive).toBe(true);
    expect(flag("response-status-added")?.additive).toBe(true);
    expect(flag("schema-added")?.additive).toBe(true);
    expect(flag("request-property-removed")).toMatchObject({ level: "ERR", kind: "openapi" });
    expect(flag("schema-enum-value-added")).toMatchObject({ level: "WARN", kind: "schema" });
    expect(flag("code-table-value-removed")).toMatchObject({ level: "ERR", kind: "both" });
  });

  it("is frozen", () => {
    expect(Object.isFrozen(CHECKS[0])).toBe(true);
  });
});
