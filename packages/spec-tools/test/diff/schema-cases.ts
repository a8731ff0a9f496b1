// biome-ignore-all lint/suspicious/noThenProperty: "then" is a JSON Schema keyword here
/**
 * Table of schema changes, each judged in the three places a schema is used: a data
 * standard (schema set), an OpenAPI request body and an OpenAPI response body.
 * `{s}` in an expected id stands for the scope prefix (`schema`, `request`, `response`).
 */
import type { Level } from "../../src/diff/index.js";

export type Levels = [schema: Level, request: Level, response: Level];
export interface SchemaCase {
  name: string;
  old: unknown;
  new: unknown;
  expected: [id: string, levels: Levels][];
}

const NARROW: Levels = ["ERR", "ERR", "INFO"];
const WIDEN: Levels = ["WARN", "INFO", "WARN"];
const CHANGE: Levels = ["ERR", "ERR", "ERR"];
const MAYBE: Levels = ["WARN", "WARN", "WARN"];
const INFO: Levels = ["INFO", "INFO", "INFO"];

const str = (x: object = {}) => ({ type: "string", ...x });
const num = (x: object = {}) => ({ type: "number", ...x });
const arr = (x: object = {}) => ({ type: "array", items: str(), ...x });
const obj = (x: object = {}) => ({ type: "object", properties: { a: str(), b: num() }, ...x });

const bound = (
  keyword: string,
  sub: string,
  make: (x: object) => object,
  lo: number,
  hi: number,
  tighter: "lower" | "higher",
): SchemaCase[] => {
  const [narrow, wide] =
    tighter === "lower" ? ["decreased", "increased"] : ["increased", "decreased"];
  const tight = tighter === "lower" ? lo : hi;
  const loose = tighter === "lower" ? hi : lo;
  return [
    {
      name: `${keyword} ${loose} → ${tight}`,
      old: make({ [keyword]: loose }),
      new: make({ [keyword]: tight }),
      expected: [[`{s}-${sub}-${narrow}`, NARROW]],
    },
    {
      name: `${keyword} ${tight} → ${loose}`,
      old: make({ [keyword]: tight }),
      new: make({ [keyword]: loose }),
      expected: [[`{s}-${sub}-${wide}`, WIDEN]],
    },
    {
      name: `${keyword} set`,
      old: make({}),
      new: make({ [keyword]: tight }),
      expected: [[`{s}-${sub}-${narrow}`, NARROW]],
    },
    {
      name: `${keyword} removed`,
      old: make({ [keyword]: tight }),
      new: make({}),
      expected: [[`{s}-${sub}-${wide}`, WIDEN]],
    },
  ];
};

export const SCHEMA_CASES: readonly SchemaCase[] = [
  // JSON Schema 2020-12 Validation §6.1.1 type; "integer" ⊂ "number".
  {
    name: "number → integer narrows",
    old: num(),
    new: { type: "integer" },
    expected: [["{s}-type-narrowed", NARROW]],
  },
  { name: "any → string narrows", old: {}, new: str(), expected: [["{s}-type-narrowed", NARROW]] },
  {
    name: "[string, number] → string narrows",
    old: { type: ["string", "number"] },
    new: str(),
    expected: [["{s}-type-narrowed", NARROW]],
  },
  {
    name: "integer → number widens",
    old: { type: "integer" },
    new: num(),
    expected: [["{s}-type-widened", ["WARN", "INFO", "ERR"]]],
  },
  {
    name: "string → any widens",
    old: str(),
    new: {},
    expected: [["{s}-type-widened", ["WARN", "INFO", "ERR"]]],
  },
  {
    name: "true → false schema narrows",
    old: true,
    new: false,
    expected: [["{s}-type-narrowed", NARROW]],
  },
  {
    name: "string → number changes",
    old: str(),
    new: num(),
    expected: [["{s}-type-changed", CHANGE]],
  },
  {
    name: "string → [string, null]",
    old: str(),
    new: { type: ["string", "null"] },
    expected: [["{s}-nullable-added", ["WARN", "INFO", "ERR"]]],
  },
  {
    name: "[string, null] → string",
    old: { type: ["string", "null"] },
    new: str(),
    expected: [["{s}-nullable-removed", NARROW]],
  },
  {
    name: "OpenAPI 3.0 nullable: true read as null",
    old: { type: "string", nullable: true },
    new: str(),
    expected: [["{s}-nullable-removed", NARROW]],
  },
  ...bound("maximum", "max", num, 5, 10, "lower"),
  ...bound("exclusiveMaximum", "exclusive-max", num, 5, 10, "lower"),
  ...bound("minimum", "min", num, 5, 10, "higher"),
  ...bound("exclusiveMinimum", "exclusive-min", num, 5, 10, "higher"),
  ...bound("maxLength", "max-length", str, 30, 50, "lower"),
  ...bound("minLength", "min-length", str, 1, 2, "higher"),
  ...bound("maxItems", "max-items", arr, 5, 10, "lower"),
  ...bound("minItems", "min-items", arr, 1, 2, "higher"),
  ...bound("maxProperties", "max-properties", obj, 5, 10, "lower"),
  ...bound("minProperties", "min-properties", obj, 1, 2, "higher"),
  { name: "minLength 0 is the same as none", old: str(), new: str({ minLength: 0 }), expected: [] },
  {
    name: "pattern added",
    old: str(),
    new: str({ pattern: "^\\d+$" }),
    expected: [["{s}-pattern-added", NARROW]],
  },
  {
    name: "pattern removed",
    old: str({ pattern: "^\\d+$" }),
    new: str(),
    expected: [["{s}-pattern-removed", WIDEN]],
  },
  {
    name: "pattern changed",
    old: str({ pattern: "^\\d+$" }),
    new: str({ pattern: "^[0-9]{6}$" }),
    expected: [["{s}-pattern-changed", MAYBE]],
  },
  {
    name: "format added",
    old: str(),
    new: str({ format: "cn-uscc" }),
    expected: [["{s}-format-added", NARROW]],
  },
  {
    name: "format removed",
    old: str({ format: "date" }),
    new: str(),
    expected: [["{s}-format-removed", WIDEN]],
  },
  {
    name: "format date → date-time",
    old: str({ format: "date" }),
    new: str({ format: "date-time" }),
    expected: [["{s}-format-changed", CHANGE]],
  },
  {
    name: "multipleOf 0.01 → 0.1 narrows",
    old: num({ multipleOf: 0.01 }),
    new: num({ multipleOf: 0.1 }),
    expected: [["{s}-multiple-of-narrowed", NARROW]],
  },
  {
    name: "multipleOf added",
    old: num(),
    new: num({ multipleOf: 2 }),
    expected: [["{s}-multiple-of-narrowed", NARROW]],
  },
  {
    name: "multipleOf 2 → 1 widens",
    old: num({ multipleOf: 2 }),
    new: num({ multipleOf: 1 }),
    expected: [["{s}-multiple-of-widened", WIDEN]],
  },
  {
    name: "multipleOf 2 → 3 changes",
    old: num({ multipleOf: 2 }),
    new: num({ multipleOf: 3 }),
    expected: [["{s}-multiple-of-changed", CHANGE]],
  },
  {
    name: "const added",
    old: str(),
    new: str({ const: "1.0" }),
    expected: [["{s}-const-added", NARROW]],
  },
  {
    name: "const removed",
    old: str({ const: "1.0" }),
    new: str(),
    expected: [["{s}-const-removed", WIDEN]],
  },
  {
    name: "const changed",
    old: str({ const: "1.0" }),
    new: str({ const: "2.0" }),
    expected: [["{s}-const-changed", CHANGE]],
  },
  {
    name: "const null added counts",
    old: {},
    new: { const: null },
    expected: [["{s}-const-added", NARROW]],
  },
  {
    name: "uniqueItems added",
    old: arr(),
    new: arr({ uniqueItems: true }),
    expected: [["{s}-unique-items-added", NARROW]],
  },
  {
    name: "uniqueItems removed",
    old: arr({ uniqueItems: true }),
    new: arr({ uniqueItems: false }),
    expected: [["{s}-unique-items-removed", WIDEN]],
  },
  {
    name: "enum value removed",
    old: str({ enum: ["a", "b"] }),
    new: str({ enum: ["a"] }),
    expected: [["{s}-enum-value-removed", NARROW]],
  },
  {
    name: "enum value added",
    old: str({ enum: ["a"] }),
    new: str({ enum: ["a", "b"] }),
    expected: [["{s}-enum-value-added", WIDEN]],
  },
  {
    name: "enum reordered is no change",
    old: str({ enum: ["a", "b"] }),
    new: str({ enum: ["b", "a"] }),
    expected: [],
  },
  {
    name: "enum added",
    old: str(),
    new: str({ enum: ["a"] }),
    expected: [["{s}-enum-added", NARROW]],
  },
  {
    name: "enum removed",
    old: str({ enum: ["a"] }),
    new: str(),
    expected: [["{s}-enum-removed", WIDEN]],
  },
  {
    name: "code removed from a code table (x-enum-labels)",
    old: str({
      enum: ["1", "2"],
      "x-enum-labels": { "1": { "zh-CN": "男", en: "Male" }, "2": { "zh-CN": "女", en: "Female" } },
    }),
    new: str({ enum: ["1"], "x-enum-labels": { "1": { "zh-CN": "男", en: "Male" } } }),
    expected: [["code-table-value-removed", CHANGE]],
  },
  {
    name: "code table label changed",
    old: str({ enum: ["1"], "x-enum-labels": { "1": { "zh-CN": "男", en: "Man" } } }),
    new: str({ enum: ["1"], "x-enum-labels": { "1": { "zh-CN": "男", en: "Male" } } }),
    expected: [["code-table-label-changed", INFO]],
  },
  {
    name: "required property removed",
    old: obj({ required: ["a"] }),
    new: { type: "object", properties: { b: num() } },
    expected: [["{s}-property-removed", CHANGE]],
  },
  {
    name: "optional property removed",
    old: obj(),
    new: { type: "object", properties: { b: num() } },
    expected: [["{s}-optional-property-removed", ["ERR", "WARN", "WARN"]]],
  },
  {
    name: "property renamed",
    old: obj(),
    new: { type: "object", properties: { name: str(), b: num() } },
    expected: [["{s}-property-renamed", CHANGE]],
  },
  {
    name: "optional property added",
    old: obj(),
    new: obj({ properties: { a: str(), b: num(), c: str() } }),
    expected: [["{s}-property-added", INFO]],
  },
  {
    name: "optional property added to a closed object",
    old: obj({ additionalProperties: false }),
    new: obj({ additionalProperties: false, properties: { a: str(), b: num(), c: str() } }),
    expected: [["{s}-property-added-to-closed-object", WIDEN]],
  },
  {
    name: "required property added",
    old: obj(),
    new: obj({ properties: { a: str(), b: num(), c: str() }, required: ["c"] }),
    expected: [["{s}-required-property-added", NARROW]],
  },
  {
    name: "property became required",
    old: obj(),
    new: obj({ required: ["a"] }),
    expected: [["{s}-property-became-required", NARROW]],
  },
  {
    name: "property became optional",
    old: obj({ required: ["a"] }),
    new: obj(),
    expected: [["{s}-property-became-optional", WIDEN]],
  },
  {
    name: "additionalProperties closed",
    old: obj(),
    new: obj({ additionalProperties: false }),
    expected: [["{s}-additional-properties-closed", NARROW]],
  },
  {
    name: "additionalProperties opened",
    old: obj({ additionalProperties: false }),
    new: obj({ additionalProperties: true }),
    expected: [["{s}-additional-properties-opened", WIDEN]],
  },
  {
    name: "additionalProperties schema narrowed",
    old: obj({ additionalProperties: str() }),
    new: obj({ additionalProperties: str({ maxLength: 5 }) }),
    expected: [["{s}-max-length-decreased", NARROW]],
  },
  // patternProperties (JSON Schema 2020-12 Core §10.3.2.2): judged against additionalProperties.
  {
    name: "patternProperties entry added to an open object",
    old: obj(),
    new: obj({ patternProperties: { "^x-": str() } }),
    expected: [["{s}-pattern-property-added", NARROW]],
  },
  {
    name: "patternProperties entry removed from an open object",
    old: obj({ patternProperties: { "^x-": str() } }),
    new: obj(),
    expected: [["{s}-pattern-property-removed", WIDEN]],
  },
  {
    name: "patternProperties entry added to a closed object",
    old: obj({ additionalProperties: false }),
    new: obj({ additionalProperties: false, patternProperties: { "^x-": str() } }),
    expected: [["{s}-pattern-property-added-to-closed-object", WIDEN]],
  },
  {
    name: "patternProperties entry removed from a closed object",
    old: obj({ additionalProperties: false, patternProperties: { "^x-": str() } }),
    new: obj({ additionalProperties: false }),
    expected: [["{s}-pattern-property-removed-from-closed-object", NARROW]],
  },
  {
    name: "patternProperties key changed is one removed and one added",
    old: obj({ patternProperties: { "^x-": str() } }),
    new: obj({ patternProperties: { "^ext-": str() } }),
    expected: [
      ["{s}-pattern-property-removed", WIDEN],
      ["{s}-pattern-property-added", NARROW],
    ],
  },
  {
    name: "patternProperties entry that allows anything constrains nothing",
    old: obj(),
    new: obj({ patternProperties: { "^x-": {} } }),
    expected: [],
  },
  {
    name: "patternProperties schema narrowed",
    old: obj({ patternProperties: { "^x-": str() } }),
    new: obj({ patternProperties: { "^x-": str({ maxLength: 8 }) } }),
    expected: [["{s}-max-length-decreased", NARROW]],
  },
  // prefixItems (§10.3.1.1) and the items after them (§10.3.1.2).
  {
    name: "prefixItems longer on an open tuple",
    old: { type: "array", prefixItems: [str()] },
    new: { type: "array", prefixItems: [str(), num()] },
    expected: [["{s}-prefix-items-added", NARROW]],
  },
  {
    name: "prefixItems set",
    old: { type: "array" },
    new: { type: "array", prefixItems: [str()] },
    expected: [["{s}-prefix-items-added", NARROW]],
  },
  {
    name: "prefixItems shorter on an open tuple",
    old: { type: "array", prefixItems: [str(), num()] },
    new: { type: "array", prefixItems: [str()] },
    expected: [["{s}-prefix-items-removed", WIDEN]],
  },
  {
    name: "closed tuple (items: false) extended",
    old: { type: "array", prefixItems: [str()], items: false },
    new: { type: "array", prefixItems: [str(), num()], items: false },
    expected: [["{s}-tuple-extended", WIDEN]],
  },
  {
    name: "closed tuple (items: false) shortened",
    old: { type: "array", prefixItems: [str(), num()], items: false },
    new: { type: "array", prefixItems: [str()], items: false },
    expected: [["{s}-tuple-shortened", NARROW]],
  },
  {
    name: "prefixItems position narrowed",
    old: { type: "array", prefixItems: [str(), num()] },
    new: { type: "array", prefixItems: [str({ maxLength: 2 }), num()] },
    expected: [["{s}-max-length-decreased", NARROW]],
  },
  {
    name: "items added",
    old: { type: "array" },
    new: arr(),
    expected: [["{s}-items-added", NARROW]],
  },
  {
    name: "items removed",
    old: arr(),
    new: { type: "array" },
    expected: [["{s}-items-removed", WIDEN]],
  },
  {
    name: "items schema changed",
    old: arr(),
    new: arr({ items: num() }),
    expected: [["{s}-type-changed", CHANGE]],
  },
  {
    name: "oneOf added",
    old: {},
    new: { oneOf: [str(), num()] },
    expected: [["{s}-one-of-added", NARROW]],
  },
  {
    name: "oneOf removed",
    old: { oneOf: [str(), num()] },
    new: {},
    expected: [["{s}-one-of-removed", WIDEN]],
  },
  {
    name: "oneOf branch added",
    old: { oneOf: [str(), num()] },
    new: { oneOf: [str(), num(), { type: "boolean" }] },
    expected: [["{s}-one-of-branch-added", WIDEN]],
  },
  {
    name: "oneOf branch removed",
    old: { oneOf: [str(), num(), { type: "boolean" }] },
    new: { oneOf: [num(), str()] },
    expected: [["{s}-one-of-branch-removed", NARROW]],
  },
  {
    name: "oneOf branch changed in place",
    old: { oneOf: [str({ maxLength: 9 }), num()] },
    new: { oneOf: [str({ maxLength: 8 }), num()] },
    expected: [["{s}-max-length-decreased", NARROW]],
  },
  {
    name: "anyOf added",
    old: {},
    new: { anyOf: [str(), num()] },
    expected: [["{s}-any-of-added", NARROW]],
  },
  {
    name: "anyOf removed",
    old: { anyOf: [str(), num()] },
    new: {},
    expected: [["{s}-any-of-removed", WIDEN]],
  },
  {
    name: "anyOf branch added",
    old: { anyOf: [str()] },
    new: { anyOf: [str(), num()] },
    expected: [["{s}-any-of-branch-added", WIDEN]],
  },
  {
    name: "anyOf branch removed",
    old: { anyOf: [str(), num()] },
    new: { anyOf: [str()] },
    expected: [["{s}-any-of-branch-removed", NARROW]],
  },
  {
    name: "allOf branch added",
    old: { allOf: [str()] },
    new: { allOf: [str(), { minLength: 2 }] },
    expected: [["{s}-all-of-branch-added", NARROW]],
  },
  {
    name: "allOf branch removed",
    old: { allOf: [str(), { minLength: 2 }] },
    new: { allOf: [str()] },
    expected: [["{s}-all-of-branch-removed", WIDEN]],
  },
  // if/then/else (JSON Schema 2020-12 Core §10.2.2): then/else apply only beside if.
  {
    name: "conditional added",
    old: obj(),
    new: obj({ if: { required: ["a"] }, then: { required: ["b"] } }),
    expected: [["{s}-conditional-added", NARROW]],
  },
  {
    name: "conditional removed",
    old: obj({ if: { required: ["a"] }, else: { required: ["b"] } }),
    new: obj(),
    expected: [["{s}-conditional-removed", WIDEN]],
  },
  {
    name: "if alone constrains nothing",
    old: obj(),
    new: obj({ if: { required: ["a"] } }),
    expected: [],
  },
  {
    name: "if added beside an inert then",
    old: obj({ then: { required: ["b"] } }),
    new: obj({ if: { required: ["a"] }, then: { required: ["b"] } }),
    expected: [["{s}-conditional-added", NARROW]],
  },
  {
    name: "condition (if) changed",
    old: obj({ if: { required: ["a"] }, then: { required: ["b"] } }),
    new: obj({ if: { required: ["b"] }, then: { required: ["b"] } }),
    expected: [["{s}-if-changed", MAYBE]],
  },
  {
    name: "then added beside an else",
    old: obj({ if: { required: ["a"] }, else: { required: ["b"] } }),
    new: obj({
      if: { required: ["a"] },
      then: { required: ["a", "b"] },
      else: { required: ["b"] },
    }),
    expected: [["{s}-then-added", NARROW]],
  },
  {
    name: "then removed, else kept",
    old: obj({ if: { required: ["a"] }, then: { required: ["b"] }, else: { required: ["b"] } }),
    new: obj({ if: { required: ["a"] }, else: { required: ["b"] } }),
    expected: [["{s}-then-removed", WIDEN]],
  },
  {
    name: "else added beside a then",
    old: obj({ if: { required: ["a"] }, then: { required: ["b"] } }),
    new: obj({ if: { required: ["a"] }, then: { required: ["b"] }, else: { required: ["a"] } }),
    expected: [["{s}-else-added", NARROW]],
  },
  {
    name: "else removed, then kept",
    old: obj({ if: { required: ["a"] }, then: { required: ["b"] }, else: { required: ["a"] } }),
    new: obj({ if: { required: ["a"] }, then: { required: ["b"] } }),
    expected: [["{s}-else-removed", WIDEN]],
  },
  {
    name: "then branch narrowed in place",
    old: obj({ if: { required: ["a"] }, then: { properties: { b: num() } } }),
    new: obj({ if: { required: ["a"] }, then: { properties: { b: num({ maximum: 9 }) } } }),
    expected: [["{s}-max-decreased", NARROW]],
  },
  {
    name: "not changed",
    old: { not: str() },
    new: { not: num() },
    expected: [["{s}-not-changed", MAYBE]],
  },
  {
    name: "discriminator changed",
    old: { oneOf: [str(), num()], discriminator: { propertyName: "kind" } },
    new: { oneOf: [str(), num()], discriminator: { propertyName: "type" } },
    expected: [["{s}-discriminator-changed", ["WARN", "ERR", "ERR"]]],
  },
  {
    name: "$ref target changed",
    old: { $ref: "https://example.org/a.json" },
    new: { $ref: "https://example.org/b.json" },
    // docs/decisions/0005-spec-diff-levels.md: transparent over HTTP, the data element in a standard.
    expected: [["{s}-ref-target-changed", ["WARN", "INFO", "INFO"]]],
  },
  {
    name: "default added",
    old: str(),
    new: str({ default: "x" }),
    expected: [["{s}-default-added", INFO]],
  },
  {
    name: "default removed",
    old: str({ default: "x" }),
    new: str(),
    expected: [["{s}-default-removed", MAYBE]],
  },
  {
    name: "default changed",
    old: num({ default: 20 }),
    new: num({ default: 50 }),
    expected: [["{s}-default-changed", MAYBE]],
  },
  {
    name: "deprecated",
    old: str(),
    new: str({ deprecated: true }),
    expected: [["{s}-deprecated-added", INFO]],
  },
  {
    name: "no longer deprecated",
    old: str({ deprecated: true }),
    new: str(),
    expected: [["{s}-deprecated-removed", INFO]],
  },
  {
    name: "readOnly added",
    old: str(),
    new: str({ readOnly: true }),
    expected: [["{s}-read-only-added", ["WARN", "ERR", "INFO"]]],
  },
  {
    name: "readOnly removed",
    old: str({ readOnly: true }),
    new: str(),
    expected: [["{s}-read-only-removed", INFO]],
  },
  {
    name: "writeOnly added",
    old: str(),
    new: str({ writeOnly: true }),
    expected: [["{s}-write-only-added", ["WARN", "INFO", "ERR"]]],
  },
  {
    name: "writeOnly removed",
    old: str({ writeOnly: true }),
    new: str(),
    expected: [["{s}-write-only-removed", INFO]],
  },
  {
    name: "dependentRequired added",
    old: obj(),
    new: obj({ dependentRequired: { a: ["b"] } }),
    expected: [["{s}-dependent-required-added", NARROW]],
  },
  {
    name: "dependentRequired removed",
    old: obj({ dependentRequired: { a: ["b"] } }),
    new: obj(),
    expected: [["{s}-dependent-required-removed", WIDEN]],
  },
  {
    name: "x-govex-rules rule added",
    old: obj(),
    new: obj({ "x-govex-rules": ["person-resident-id"] }),
    expected: [["{s}-govex-rule-added", NARROW]],
  },
  {
    name: "x-govex-rules rule removed",
    old: obj({ "x-govex-rules": ["person-resident-id"] }),
    new: obj(),
    expected: [["{s}-govex-rule-removed", WIDEN]],
  },
  // Documentation only.
  {
    name: "title changed",
    old: str({ title: "姓名" }),
    new: str({ title: "名称" }),
    expected: [["title-changed", INFO]],
  },
  {
    name: "x-title-en changed",
    old: str({ "x-title-en": "Name" }),
    new: str({ "x-title-en": "Full name" }),
    expected: [["title-changed", INFO]],
  },
  {
    name: "description changed",
    old: str({ description: "a" }),
    new: str({ description: "b" }),
    expected: [["description-changed", INFO]],
  },
  {
    name: "examples changed",
    old: str({ examples: ["a"] }),
    new: str({ examples: ["b"] }),
    expected: [["examples-changed", INFO]],
  },
  {
    name: "x-examples-invalid changed",
    old: str({ "x-examples-invalid": [{ data: 1, codes: ["type"] }] }),
    new: str({ "x-examples-invalid": [] }),
    expected: [["examples-changed", INFO]],
  },
  {
    name: "$comment changed",
    old: str({ $comment: "a" }),
    new: str({ $comment: "b" }),
    expected: [["comment-changed", INFO]],
  },
  {
    name: "x-standard changed",
    old: str({ "x-standard": "GB/T 2261.1-2003" }),
    new: str({ "x-standard": "GB/T 2261.1-2024" }),
    expected: [["standard-reference-changed", INFO]],
  },
  {
    name: "$defs entry added",
    old: { $defs: { a: str() } },
    new: { $defs: { a: str(), b: num() } },
    expected: [["def-added", INFO]],
  },
  {
    name: "$defs entry removed",
    old: { $defs: { a: str(), b: num() } },
    new: { $defs: { a: str() } },
    expected: [["def-removed", CHANGE]],
  },
  {
    name: "identical",
    old: obj({ required: ["a"], description: "同" }),
    new: obj({ required: ["a"], description: "同" }),
    expected: [],
  },
];
