/**
 * Meta test of specs/data/v1 against docs/decisions/0001-spec-conventions.md: every spec file
 * (profiles included) has its conventional $id, zh-CN and English text on the root and on every
 * property, a semver x-version, only the allowed keywords, complete enum labels, and examples that
 * plain ajv (draft 2020-12, strict mode) accepts — while every x-examples-invalid record is
 * rejected with the issue codes it names. Cross-field rules (x-govex-rules) are not run here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020Module from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { govexFormats } from "../src/formats.js";
import { SPEC_ANNOTATION_KEYWORDS } from "../src/spec-vocabulary.js";

const SPEC_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../specs/data/v1");
const ID_BASE = "https://govex.dev/specs/data/v1/";
const DIALECT = "https://json-schema.org/draft/2020-12/schema";

const ANNOTATIONS = SPEC_ANNOTATION_KEYWORDS;

// contract.md, "Keywords used by specs are limited to".
const ALLOWED_KEYWORDS = new Set<string>([
  ...["$schema", "$id", "$ref", "$defs", "title", "description", "examples", "type"],
  ...["properties", "required", "additionalProperties", "enum", "const", "pattern", "format"],
  ...["minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
  ...["multipleOf", "items", "minItems", "maxItems", "uniqueItems", "allOf", "anyOf", "oneOf"],
  ...["not", "if", "then", "else", "dependentRequired", "propertyNames", "default", "readOnly"],
  "deprecated",
  ...ANNOTATIONS,
]);
const FORBIDDEN_KEYWORDS = [
  "$dynamicRef",
  "$dynamicAnchor",
  "unevaluatedProperties",
  "unevaluatedItems",
];

// Keywords whose value is one subschema, a map of subschemas, or a list of subschemas.
const SCHEMA_KEYWORDS = [
  "items",
  "not",
  "if",
  "then",
  "else",
  "additionalProperties",
  "propertyNames",
];
const SCHEMA_MAP_KEYWORDS = ["properties", "$defs"];
const SCHEMA_LIST_KEYWORDS = ["allOf", "anyOf", "oneOf"];
// Subschemas under these only restate a property declared elsewhere; they need no text.
const CONDITION_KEYWORDS = new Set(["if", "then", "else", "not"]);

// The issue codes x-examples-invalid may name (specs/data/README.md lists them): ajv keywords in
// snake_case, and the codes govexFormats[…].explain gives.
const KNOWN_CODES = new Set([
  ...["required", "type", "enum", "const", "pattern", "format", "additional_properties"],
  ...["min_length", "max_length", "minimum", "maximum", "exclusive_minimum", "exclusive_maximum"],
  ...["multiple_of", "min_items", "max_items", "unique_items", "dependent_required"],
  ...["property_names", "if_then", "any_of", "one_of", "not"],
  ...["invalid_length", "invalid_character", "invalid_check_character", "invalid_birth_date"],
  ...["birth_date_in_future", "unknown_division_code", "division_not_in_force"],
  ...["legacy_id_not_allowed", "unknown_registration_authority", "unknown_entity_type"],
  ...["invalid_embedded_org_code", "invalid_mobile", "invalid_date", "invalid_date_time"],
  ...["invalid_email", "invalid_uri"],
]);

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const CJK = /[\u3400-\u9fff\u{20000}-\u{3134f}]/u;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type SchemaObject = { [key: string]: Json };

interface Spec {
  file: string; // path relative to SPEC_DIR, "/"-separated
  schema: SchemaObject;
}

interface Located {
  pointer: string; // JSON Pointer from the file root
  schema: SchemaObject;
  describesProperty: boolean; // a property declaration or a $defs entry, outside conditions
  inTest: boolean; // inside an `if` or `not`: a test on the value, not a declaration
}

function listSpecs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = join(dir, d.name);
    if (d.isDirectory()) return listSpecs(full);
    return d.name.endsWith(".schema.json") ? [full] : [];
  });
}

const specs: Spec[] = listSpecs(SPEC_DIR)
  .map((full) => ({
    file: relative(SPEC_DIR, full).split(sep).join("/"),
    schema: JSON.parse(readFileSync(full, "utf8")) as SchemaObject,
  }))
  .sort((a, b) => a.file.localeCompare(b.file));

function isSchemaObject(v: Json | undefined): v is SchemaObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function escapePointer(seg: string): string {
  return seg.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Every subschema of a spec file with its pointer (the root first). */
function walk(root: SchemaObject): Located[] {
  const out: Located[] = [];
  const visit = (
    schema: SchemaObject,
    pointer: string,
    describesProperty: boolean,
    inCondition: boolean,
    inTest: boolean,
  ) => {
    out.push({ pointer, schema, describesProperty, inTest });
    for (const kw of SCHEMA_KEYWORDS) {
      const sub = schema[kw];
      if (isSchemaObject(sub)) {
        const condition = inCondition || CONDITION_KEYWORDS.has(kw);
        visit(sub, `${pointer}/${kw}`, false, condition, inTest || kw === "if" || kw === "not");
      }
    }
    for (const kw of SCHEMA_MAP_KEYWORDS) {
      const map = schema[kw];
      if (!isSchemaObject(map)) continue;
      for (const [name, sub] of Object.entries(map)) {
        if (isSchemaObject(sub)) {
          visit(sub, `${pointer}/${kw}/${escapePointer(name)}`, !inCondition, inCondition, inTest);
        }
      }
    }
    for (const kw of SCHEMA_LIST_KEYWORDS) {
      const list = schema[kw];
      if (!Array.isArray(list)) continue;
      list.forEach((sub, i) => {
        if (isSchemaObject(sub)) visit(sub, `${pointer}/${kw}/${i}`, false, inCondition, inTest);
      });
    }
  };
  visit(root, "", true, false, false);
  return out;
}

type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };
interface AjvError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  parentSchema?: SchemaObject;
  data?: unknown;
}
interface AjvInstance {
  addVocabulary(keywords: string[]): unknown;
  addFormat(name: string, format: { type: "string"; validate: (v: string) => boolean }): unknown;
  addSchema(schema: object): unknown;
  getSchema(ref: string): ValidateFn | undefined;
}
type AjvCtor = new (opts: object) => AjvInstance;

function ajvClass(mod: unknown): AjvCtor {
  let m = mod as { default?: unknown };
  while (typeof m !== "function" && m && typeof m === "object" && "default" in m) {
    m = m.default as { default?: unknown };
  }
  return m as unknown as AjvCtor;
}

// Plain ajv: strict mode, annotation keywords declared, the govex formats, every spec file added.
const Ajv2020 = ajvClass(Ajv2020Module);
const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true });
ajv.addVocabulary([...ANNOTATIONS]);
for (const [name, format] of Object.entries(govexFormats)) {
  ajv.addFormat(name, { type: "string", validate: (v: string) => format.validate(v) });
}
for (const s of specs) ajv.addSchema(s.schema);

function validatorAt(spec: Spec, pointer: string): ValidateFn {
  const id = spec.schema.$id as string;
  const fn = ajv.getSchema(pointer === "" ? id : `${id}#${pointer}`);
  if (!fn) throw new Error(`ajv has no schema at ${id}#${pointer}`);
  return fn;
}

const snake = (keyword: string) => keyword.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

/** The issue codes an error list yields: ajv keywords in snake_case, formats explained by govex. */
function issueCodes(errors: readonly AjvError[]): Set<string> {
  const codes = new Set<string>();
  for (const e of errors) {
    if (e.keyword === "if") codes.add("if_then");
    else if (e.keyword === "format") {
      // A govex format explains itself with the identifier's codes (invalid_check_character …).
      const name = String(e.params.format);
      const format = Object.hasOwn(govexFormats, name)
        ? govexFormats[name as keyof typeof govexFormats]
        : undefined;
      const explained = format && typeof e.data === "string" ? format.explain(e.data) : [];
      for (const issue of explained) codes.add(issue.code);
      if (explained.length === 0) codes.add("format");
    } else codes.add(snake(e.keyword));
  }
  return codes;
}

const textOf = (s: SchemaObject, key: string) =>
  typeof s[key] === "string" ? (s[key] as string) : "";

describe("specs/data/v1", () => {
  it("holds the files of the contract", () => {
    const names = specs.map((s) => s.file);
    for (const want of [
      "elements",
      "code-sex",
      "code-ethnicity",
      "code-country",
      "address",
      "person",
      "legal-entity",
      "catalog-entry",
      "system-inventory",
      "profiles/example-profile",
    ]) {
      expect(names).toContain(`${want}.schema.json`);
    }
  });

  it("gives every file a unique $id", () => {
    const ids = specs.map((s) => s.schema.$id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("holds only schema files and the profiles folder", () => {
    const stray = readdirSync(SPEC_DIR).filter(
      (f) => !f.endsWith(".schema.json") && f !== "profiles",
    );
    expect(stray).toEqual([]);
  });
});

describe.each(specs.map((s) => [s.file, s] as const))("%s", (file, spec) => {
  const root = spec.schema;
  const located = walk(root);

  it("has the conventional $id and the 2020-12 dialect", () => {
    expect(root.$id).toBe(`${ID_BASE}${file}`);
    expect(root.$schema).toBe(DIALECT);
  });

  it("has a semver x-version and root examples", () => {
    expect(root["x-version"]).toMatch(SEMVER);
    expect(Array.isArray(root.examples) && root.examples.length > 0).toBe(true);
  });

  it("has zh-CN and English title and description on the root, every property and every $def", () => {
    const missing: string[] = [];
    for (const { pointer, schema, describesProperty } of located) {
      if (!describesProperty) continue;
      const where = pointer || "(root)";
      if (!CJK.test(textOf(schema, "title"))) missing.push(`${where}: title (zh-CN)`);
      if (!CJK.test(textOf(schema, "description"))) missing.push(`${where}: description (zh-CN)`);
      if (!textOf(schema, "x-title-en").trim()) missing.push(`${where}: x-title-en`);
      if (!textOf(schema, "x-description-en").trim()) missing.push(`${where}: x-description-en`);
    }
    expect(missing).toEqual([]);
  });

  it("uses only the allowed keywords, never $dynamicRef or unevaluated*", () => {
    const bad: string[] = [];
    for (const { pointer, schema } of located) {
      for (const key of Object.keys(schema)) {
        if (FORBIDDEN_KEYWORDS.includes(key) || !ALLOWED_KEYWORDS.has(key))
          bad.push(`${pointer}/${key}`);
      }
      if (pointer !== "" && ("$schema" in schema || "$id" in schema))
        bad.push(`${pointer}: nested $schema/$id`);
    }
    expect(bad).toEqual([]);
    expect(JSON.stringify(root)).not.toMatch(
      /"(\$dynamicRef|unevaluatedProperties|unevaluatedItems)"/,
    );
  });

  it("labels every enum value in zh-CN and English (enums inside if/not are tests, not code tables)", () => {
    const problems: string[] = [];
    for (const { pointer, schema, inTest } of located) {
      const labels = schema["x-enum-labels"];
      if (labels === undefined) {
        if (Array.isArray(schema.enum) && !inTest)
          problems.push(`${pointer}: enum without x-enum-labels`);
        continue;
      }
      const values = Array.isArray(schema.enum) ? schema.enum.map(String) : null;
      if (!values || !isSchemaObject(labels)) {
        problems.push(`${pointer}: x-enum-labels without an enum`);
        continue;
      }
      const keys = Object.keys(labels);
      for (const v of values) {
        const l = labels[v];
        if (!isSchemaObject(l) || !CJK.test(textOf(l, "zh-CN")) || !textOf(l, "en").trim()) {
          problems.push(`${pointer}: label of ${v}`);
        }
      }
      for (const k of keys)
        if (!values.includes(k)) problems.push(`${pointer}: label for unknown value ${k}`);
    }
    expect(problems).toEqual([]);
  });

  it("cites a standard as text wherever x-standard is given", () => {
    for (const { schema } of located) {
      if ("x-standard" in schema) expect(textOf(schema, "x-standard").trim()).not.toBe("");
    }
  });

  it("compiles in strict mode with every $ref resolved", () => {
    expect(() => validatorAt(spec, "")).not.toThrow();
  });

  const withExamples = located.filter(({ schema }) => Array.isArray(schema.examples));
  const valid = withExamples.flatMap(({ pointer, schema }) =>
    (schema.examples as Json[]).map(
      (data, i) => [`${pointer || "(root)"} examples[${i}]`, pointer, data] as const,
    ),
  );
  it.each(valid)("accepts %s", (_name, pointer, data) => {
    const validate = validatorAt(spec, pointer);
    const ok = validate(data);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  const invalid = located.flatMap(({ pointer, schema }) => {
    const list = schema["x-examples-invalid"];
    if (list === undefined) return [];
    if (!Array.isArray(list))
      throw new Error(`${file}${pointer}: x-examples-invalid is not an array`);
    return list.map(
      (entry, i) => [`${pointer || "(root)"} x-examples-invalid[${i}]`, pointer, entry] as const,
    );
  });
  if (invalid.length > 0) {
    it.each(invalid)("rejects %s with the codes it names", (_name, pointer, entry) => {
      expect(isSchemaObject(entry)).toBe(true);
      const { data, codes } = entry as { data: Json; codes: Json };
      expect(Array.isArray(codes) && codes.length > 0).toBe(true);
      for (const c of codes as Json[]) expect(KNOWN_CODES).toContain(c);
      const validate = validatorAt(spec, pointer);
      expect(validate(data)).toBe(false);
      const produced = issueCodes(validate.errors ?? []);
      for (const c of codes as string[]) expect([...produced]).toContain(c);
    });
  }
});
