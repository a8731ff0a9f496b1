/**
 * The generator on its own fixture spec tree (test/generator-fixtures/specs): the files it writes
 * (file snapshots, which tsc also typechecks and Biome checks), and the verdicts of the
 * generated zod schemas against Ajv2020 plus the cross-field rules, as @govex/validator decides.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { GenerateError } from "../scripts/generator/emit.js";
import { generateFiles, readSpecs } from "../scripts/generator/files.js";
import { syncGenerated } from "../scripts/generator/sync.js";
import { govexFormats } from "../src/formats.js";
import { govexRules } from "../src/rules.js";
import { SPEC_ANNOTATION_KEYWORDS } from "../src/spec-vocabulary.js";
import * as fixtures from "./generator-fixtures/__snapshots__/index.js";

const specDir = fileURLToPath(new URL("./generator-fixtures/specs", import.meta.url));
const OPTIONS = { srcImport: "../../../src", sourceLabel: "test/generator-fixtures/specs" };
const files = generateFiles(specDir, OPTIONS);

describe("generated files for the fixture specs", () => {
  it("are the expected set", () => {
    expect([...files.keys()]).toEqual([
      "code-color.ts",
      "cycle-a.ts",
      "cycle-b.ts",
      "data-schemas.ts",
      "elements.ts",
      "index.ts",
      "profile-local.ts",
      "sample.ts",
      "specs.ts",
    ]);
  });

  it.each([...files.keys()])("%s matches its snapshot", async (name) => {
    await expect(files.get(name)).toMatchFileSnapshot(`./generator-fixtures/__snapshots__/${name}`);
  });

  it("are deterministic", () => {
    expect([...generateFiles(specDir, OPTIONS)]).toEqual([...files]);
  });

  it("declare a cycle's schemas through z.lazy with an explicit type", () => {
    const elements = files.get("elements.ts") as string;
    expect(elements).toContain("export const TreeSchema: z.ZodType<Tree> = z.strictObject({");
    expect(elements).toContain("z.array(z.lazy(() => TreeSchema))");
    expect(files.get("cycle-a.ts")).toContain("z.lazy(() => CycleBSchema)");
    expect(files.get("cycle-b.ts")).toContain("z.lazy(() => CycleASchema)");
  });

  it("resolve an absolute $id reference like a relative one", () => {
    const sample = files.get("sample.ts") as string;
    expect(sample).toContain("residentId: ResidentIdSchema.optional()");
    expect(sample).toMatch(/import \{[^}]*ResidentIdSchema[^}]*\} from "\.\/elements\.js";/);
  });

  it("name code tables after the table, without the code- prefix", () => {
    expect(fixtures.ColorCodes).toEqual(["01", "02", "99"]);
    expect(fixtures.ColorLabels["99"]).toEqual({ "zh-CN": "其他", en: "Other" });
    expect(Object.keys(fixtures.dataSchemas)).toEqual([
      "code-color",
      "cycle-a",
      "cycle-b",
      "profiles/local",
      "sample",
    ]);
    expect(fixtures.dataSpecIds["profiles/local"]).toBe(
      "https://fixtures.govex.dev/v1/profiles/local.schema.json",
    );
  });
});

describe("generate --check (syncGenerated)", () => {
  const dir = mkdtempSync(join(tmpdir(), "govex-generated-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes, then finds nothing to do, then names stale, missing and extra files", () => {
    expect(syncGenerated(files, dir, true).changes).toHaveLength(files.size);
    expect(syncGenerated(files, dir, false).changes.every((c) => c.why === "missing")).toBe(true);
    expect(syncGenerated(files, dir, true).changes).toEqual([]);
    writeFileSync(join(dir, "sample.ts"), "// edited by hand\n");
    rmSync(join(dir, "cycle-a.ts"));
    writeFileSync(join(dir, "old-spec.ts"), "export {};\n");
    expect(syncGenerated(files, dir, true).changes).toEqual([
      { file: "cycle-a.ts", why: "missing" },
      { file: "sample.ts", why: "stale" },
      { file: "old-spec.ts", why: "extra" },
    ]);
    syncGenerated(files, dir, false);
    expect(syncGenerated(files, dir, true).changes).toEqual([]);
    expect(readFileSync(join(dir, "sample.ts"), "utf8")).toBe(files.get("sample.ts"));
  });
});

describe("generation errors", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each([
    ["a $ref to a file that is not a spec", { $ref: "nowhere.schema.json" }, /no spec has \$id/],
    ["a $ref to a missing $defs entry", { $ref: "#/$defs/none" }, /no \$defs entry/],
    ["a $ref into properties", { $ref: "#/properties/a" }, /only #\/\$defs\/<name>/],
    ["an unknown format", { type: "string", format: "ipv6" }, /unknown format "ipv6"/],
    ["a pattern ajv's unicode mode rejects", { type: "string", pattern: "\\-" }, /invalid pattern/],
    ["multipleOf 0", { type: "number", multipleOf: 0 }, /multipleOf must be greater than 0/],
    ["a code without labels", { type: "string", enum: ["1"], "x-enum-labels": {} }, /no zh-CN/],
  ])("%s", (_, schema, message) => {
    const dir = mkdtempSync(join(tmpdir(), "govex-specs-"));
    dirs.push(dir);
    const spec = { $id: "https://x.test/bad.schema.json", ...schema };
    writeFileSync(join(dir, "bad.schema.json"), JSON.stringify(spec));
    expect(() => generateFiles(dir, { format: false })).toThrow(GenerateError);
    expect(() => generateFiles(dir, { format: false })).toThrow(message);
  });
});

// ---- verdicts ---------------------------------------------------------------------------------

function makeAjv() {
  // As @govex/validator configures it (AJV_OPTIONS): strict, allErrors, unicode patterns.
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true });
  ajv.addVocabulary([...SPEC_ANNOTATION_KEYWORDS]);
  for (const [name, f] of Object.entries(govexFormats)) {
    ajv.addFormat(name, { type: "string", validate: f.validate });
  }
  for (const s of readSpecs(specDir)) ajv.addSchema(s.schema);
  return ajv;
}

const ajv = makeAjv();

/** The validator's verdict: ajv, then (on a structurally valid record) the root's rules. */
function reference(spec: string, data: unknown): boolean {
  const validate = ajv.getSchema(fixtures.dataSpecIds[spec as fixtures.SpecName]);
  if (!validate) throw new Error(`ajv has no ${spec}`);
  if (!validate(data)) return false;
  const rules = spec === "sample" || spec === "profiles/local" ? ["person-resident-id"] : [];
  return rules.every((r) =>
    (govexRules[r]?.check(data) ?? []).every((i) => i.severity !== "error"),
  );
}

const BASE = { code: "AB", color: "01", kind: "乙" };
const ASTRAL = "😀";
const raw = (json: string): unknown => JSON.parse(json);

/** [what, spec, data]: each keyword on both sides of its limit. */
const cases: [string, string, unknown][] = [
  ["minimal", "sample", BASE],
  ["not an object", "sample", [BASE]],
  ["null", "sample", null],
  ["missing required", "sample", { code: "AB", color: "01" }],
  ["required with null enum member", "sample", { ...BASE, kind: null }],
  ["enum number", "sample", { ...BASE, kind: 3 }],
  ["enum 3.0 equals 3", "sample", raw('{"code":"AB","color":"01","kind":3.0}')],
  ["enum string '3'", "sample", { ...BASE, kind: "3" }],
  ["unknown key on a closed object", "sample", { ...BASE, extra: 1 }],
  [
    "__proto__ key on a closed object",
    "sample",
    raw('{"code":"AB","color":"01","kind":"乙","__proto__":{}}'),
  ],
  [
    "constructor key on a closed object",
    "sample",
    raw('{"code":"AB","color":"01","kind":"乙","constructor":1}'),
  ],
  [
    "__proto__ key on an open object",
    "sample",
    { ...BASE, extensions: raw('{"__proto__":{"note":1},"x":1}') },
  ],
  ["typed key on an open object", "sample", { ...BASE, extensions: { note: 1 } }],
  ["code too short", "sample", { ...BASE, code: "A" }],
  ["code of one astral + one letter", "sample", { ...BASE, code: `Z${ASTRAL}` }],
  [
    "code of 4 astral after a capital is 5 code points",
    "sample",
    { ...BASE, code: `Z${ASTRAL.repeat(4)}` },
  ],
  ["code of 3 astral after a capital", "sample", { ...BASE, code: `Z${ASTRAL.repeat(3)}` }],
  ["lone surrogate counts as one", "sample", { ...BASE, code: "Z\ud83d\ud83d" }],
  ["pattern unanchored at the end", "sample", { ...BASE, code: "Abcd" }],
  ["pattern fails", "sample", { ...BASE, code: "abcd" }],
  ["code table", "sample", { ...BASE, color: "03" }],
  ["const", "sample", { ...BASE, version: 1 }],
  ["const 1.0", "sample", raw('{"code":"AB","color":"01","kind":"乙","version":1.0}')],
  ["const wrong", "sample", { ...BASE, version: 2 }],
  ["format date", "sample", { ...BASE, birthDate: "2024-02-29" }],
  ["format date, no such day", "sample", { ...BASE, birthDate: "2023-02-29" }],
  ["format resident ID", "sample", { ...BASE, residentId: "11010519491231002X" }],
  ["resident ID check character", "sample", { ...BASE, residentId: "110105194912310021" }],
  [
    "rule: birth date mismatch",
    "sample",
    { ...BASE, residentId: "11010519491231002X", birthDate: "1950-01-01" },
  ],
  ["rule: sex mismatch", "sample", { ...BASE, residentId: "11010519491231002X", sex: "1" }],
  ["rule: sex matches", "sample", { ...BASE, residentId: "11010519491231002X", sex: "2" }],
  ["dependentRequired met", "sample", { ...BASE, approvalDate: "2020-01-01", approver: "王" }],
  ["dependentRequired missing", "sample", { ...BASE, approvalDate: "2020-01-01" }],
  ["minLength 1", "sample", { ...BASE, approver: "" }],
  ["if/then: 甲 needs amount", "sample", { ...BASE, kind: "甲" }],
  ["if/then: 甲 with amount", "sample", { ...BASE, kind: "甲", amount: 0.07 }],
  ["else: 乙 must not have amount", "sample", { ...BASE, amount: 1 }],
  ["multipleOf 0.01 float", "sample", { ...BASE, kind: "甲", amount: 19.99 }],
  ["multipleOf 0.01 fails", "sample", { ...BASE, kind: "甲", amount: 0.035 }],
  ["exclusiveMinimum", "sample", { ...BASE, kind: "甲", amount: 0 }],
  ["exclusiveMaximum", "sample", { ...BASE, kind: "甲", amount: 1000000 }],
  ["NaN is no number", "sample", { ...BASE, kind: "甲", amount: Number.NaN }],
  ["Infinity is no number", "sample", { ...BASE, kind: "甲", amount: Number.POSITIVE_INFINITY }],
  ["integer", "sample", { ...BASE, count: 100 }],
  ["integer 1.0", "sample", raw('{"code":"AB","color":"01","kind":"乙","count":1.0}')],
  ["integer fraction", "sample", { ...BASE, count: 1.5 }],
  ["integer above maximum", "sample", { ...BASE, count: 101 }],
  ["integer below minimum", "sample", { ...BASE, count: -1 }],
  ["type list null", "sample", { ...BASE, ratio: null }],
  ["type list number", "sample", { ...BASE, ratio: 0.5 }],
  ["type list out of range", "sample", { ...BASE, ratio: 2 }],
  ["type list wrong type", "sample", { ...BASE, ratio: "0.5" }],
  ["items ok", "sample", { ...BASE, tags: ["a", ASTRAL.repeat(3)] }],
  ["items maxLength astral", "sample", { ...BASE, tags: [ASTRAL.repeat(4)] }],
  ["minItems", "sample", { ...BASE, tags: [] }],
  ["maxItems", "sample", { ...BASE, tags: ["a", "b", "c", "d"] }],
  ["uniqueItems", "sample", { ...BASE, tags: ["a", "a"] }],
  [
    "uniqueItems deep",
    "sample",
    {
      ...BASE,
      points: [
        [1, 2],
        [1, 2],
      ],
    },
  ],
  [
    "uniqueItems deep, differing",
    "sample",
    {
      ...BASE,
      points: [
        [1, 2],
        [2, 1],
      ],
    },
  ],
  [
    "recursive tree",
    "sample",
    { ...BASE, tree: { label: "a", children: [{ label: "b", children: [{ label: "c" }] }] } },
  ],
  [
    "recursive tree, deep error",
    "sample",
    { ...BASE, tree: { label: "a", children: [{ label: "b", children: [{ label: 1 }] }] } },
  ],
  [
    "recursive tree, unknown key deep",
    "sample",
    { ...BASE, tree: { label: "a", children: [{ label: "b", x: 1 }] } },
  ],
  ["propertyNames + additionalProperties schema", "sample", { ...BASE, labels: { ab: "x" } }],
  ["propertyNames fails", "sample", { ...BASE, labels: { Ab: "x" } }],
  ["additionalProperties schema fails", "sample", { ...BASE, labels: { ab: 1 } }],
  ["propertyNames on __proto__", "sample", { ...BASE, labels: raw('{"__proto__":"x"}') }],
  [
    "additionalProperties schema on an own __proto__",
    "sample",
    { ...BASE, scores: raw('{"a":1,"__proto__":"x"}') },
  ],
  [
    "additionalProperties schema on an own __proto__, valid",
    "sample",
    { ...BASE, scores: raw('{"a":1,"__proto__":2}') },
  ],
  [
    "uniqueItems sees an own __proto__ key",
    "sample",
    { ...BASE, records: [raw('{"__proto__":1}'), {}] },
  ],
  ["uniqueItems on equal objects", "sample", { ...BASE, records: [{ a: 1 }, { a: 1 }] }],
  ["anyOf mobile", "sample", { ...BASE, contact: { mobile: "13912345678" } }],
  ["anyOf email", "sample", { ...BASE, contact: { email: "a@example.cn" } }],
  ["anyOf none", "sample", { ...BASE, contact: {} }],
  ["anyOf with bad format", "sample", { ...BASE, contact: { mobile: "12345" } }],
  ["oneOf card", "sample", { ...BASE, payment: { card: "x" } }],
  ["oneOf both", "sample", { ...BASE, payment: { card: "x", cash: true } }],
  ["oneOf none", "sample", { ...BASE, payment: {} }],
  ["oneOf non-object matches both", "sample", { ...BASE, payment: 5 }],
  ["not", "sample", { ...BASE, nickname: "administrator" }],
  ["not passes", "sample", { ...BASE, nickname: "ad" }],
  ["allOf", "sample", { ...BASE, span: { from: 1, to: 2 } }],
  ["allOf missing from", "sample", { ...BASE, span: { to: 2 } }],
  ["allOf wrong to", "sample", { ...BASE, span: { from: 1, to: "2" } }],
  ["null type", "sample", { ...BASE, empty: null }],
  ["null type fails", "sample", { ...BASE, empty: 0 }],
  ["true schema", "sample", { ...BASE, anything: [{ x: Number.NaN }] }],
  ["profile", "profiles/local", { ...BASE, extensions: { LOCAL: { localCode: "L-001" } } }],
  ["profile without extension", "profiles/local", BASE],
  [
    "profile with the core's unknown key",
    "profiles/local",
    { ...BASE, extra: 1, extensions: { LOCAL: { localCode: "L-001" } } },
  ],
  [
    "profile with a bad local code",
    "profiles/local",
    { ...BASE, extensions: { LOCAL: { localCode: "L-01" } } },
  ],
  [
    "profile, rule of the core",
    "profiles/local",
    {
      ...BASE,
      residentId: "11010519491231002X",
      sex: "1",
      extensions: { LOCAL: { localCode: "L-001" } },
    },
  ],
  [
    "profile with an own __proto__ at the root",
    "profiles/local",
    raw(
      '{"code":"AB","color":"01","kind":"乙","extensions":{"LOCAL":{"localCode":"L-001"}},"__proto__":{}}',
    ),
  ],
  [
    "profile with an own __proto__ in the open extensions",
    "profiles/local",
    { ...BASE, extensions: raw('{"LOCAL":{"localCode":"L-001"},"__proto__":{}}') },
  ],
  ["cycle across files", "cycle-a", { name: "a", b: { n: 1, a: { b: { a: {} } } } }],
  ["cycle across files, deep error", "cycle-a", { b: { a: { b: { n: 1.5 } } } }],
  ["code table alone", "code-color", "02"],
  ["code table alone, wrong", "code-color", "2"],
];

describe("generated zod schemas agree with Ajv2020 and the rules", () => {
  it.each(cases)("%s (%s)", (_, spec, data) => {
    const zod = (fixtures.dataSchemas as Record<string, z.ZodType>)[spec] as z.ZodType;
    expect(zod.safeParse(data).success).toBe(reference(spec, data));
  });

  it("accept every example and reject every x-examples-invalid of the fixtures", () => {
    for (const s of readSpecs(specDir)) {
      const zod = (fixtures.dataSchemas as Record<string, z.ZodType | undefined>)[s.name];
      if (!zod) continue;
      for (const e of (s.schema.examples ?? []) as unknown[]) {
        expect(zod.safeParse(e).success, `${s.name} ${JSON.stringify(e)}`).toBe(true);
      }
      for (const x of (s.schema["x-examples-invalid"] ?? []) as { data: unknown }[]) {
        expect(zod.safeParse(x.data).success, `${s.name} ${JSON.stringify(x.data)}`).toBe(false);
      }
    }
  });
});

describe("issues of the generated zod schemas", () => {
  const issues = (data: unknown) => fixtures.SampleSchema.safeParse(data).error?.issues ?? [];

  it("name the JSON Schema keyword and the field", () => {
    expect(issues({ ...BASE, code: "A" })).toMatchObject([
      { code: "custom", path: ["code"], params: { keyword: "minLength", limit: 2 } },
    ]);
    expect(issues({ ...BASE, residentId: "110105194912310021" })).toMatchObject([
      { path: ["residentId"], params: { keyword: "format", format: "cn-resident-id" } },
    ]);
  });

  it("carry a rule's code, rule name and params, at the rule's path", () => {
    expect(issues({ ...BASE, residentId: "11010519491231002X", sex: "1" })).toMatchObject([
      {
        code: "custom",
        path: ["sex"],
        message: "resident_id_sex_mismatch",
        params: {
          keyword: "x-govex-rules",
          code: "resident_id_sex_mismatch",
          rule: "person-resident-id",
        },
      },
    ]);
  });

  it("run a rule only on an object that passed every other check", () => {
    // The sex disagrees with the ID, but the code fails first: only the code is reported.
    const found = issues({ ...BASE, code: "ab", residentId: "11010519491231002X", sex: "1" });
    expect(found.map((i) => (i as { params?: { keyword?: string } }).params?.keyword)).toEqual([
      "pattern",
    ]);
  });

  it("keep unknown keys of open objects, and drop an own __proto__ key from the output", () => {
    const data = { ...BASE, extensions: raw('{"__proto__":{"polluted":1},"x":1}') };
    const out = fixtures.SampleSchema.parse(data);
    expect(out.extensions).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(out.extensions)).toBe(Object.prototype);
  });
});
