import { describe, expect, it } from "vitest";
import { getValidator } from "../src/index.js";

type Row = [name: string, schema: object, data: unknown, want: [path: string, code: string][]];

const obj = (properties: object, extra: object = {}) => ({ type: "object", properties, ...extra });

const rows: Row[] = [
  ["required", obj({ a: { type: "string" } }, { required: ["a"] }), {}, [["/a", "required"]]],
  ["type", obj({ a: { type: "integer" } }), { a: "1" }, [["/a", "type"]]],
  ["enum", obj({ a: { enum: ["1", "2"] } }), { a: "3" }, [["/a", "enum"]]],
  ["const", obj({ a: { const: "x" } }), { a: "y" }, [["/a", "const"]]],
  ["pattern", obj({ a: { type: "string", pattern: "^\\d+$" } }), { a: "x" }, [["/a", "pattern"]]],
  [
    "format (standard)",
    obj({ a: { type: "string", format: "ipv4" } }),
    { a: "x" },
    [["/a", "format"]],
  ],
  [
    "additional_properties",
    obj({}, { additionalProperties: false }),
    { b: 1 },
    [["/b", "additional_properties"]],
  ],
  ["min_length", obj({ a: { type: "string", minLength: 2 } }), { a: "x" }, [["/a", "min_length"]]],
  ["max_length counts code points", obj({ a: { type: "string", maxLength: 1 } }), { a: "𠀀" }, []],
  [
    "max_length",
    obj({ a: { type: "string", maxLength: 1 } }),
    { a: "张三" },
    [["/a", "max_length"]],
  ],
  ["minimum", obj({ a: { type: "number", minimum: 1 } }), { a: 0 }, [["/a", "minimum"]]],
  ["maximum", obj({ a: { type: "number", maximum: 1 } }), { a: 2 }, [["/a", "maximum"]]],
  [
    "exclusive_minimum",
    obj({ a: { type: "number", exclusiveMinimum: 1 } }),
    { a: 1 },
    [["/a", "exclusive_minimum"]],
  ],
  [
    "exclusive_maximum",
    obj({ a: { type: "number", exclusiveMaximum: 1 } }),
    { a: 1 },
    [["/a", "exclusive_maximum"]],
  ],
  ["multiple_of", obj({ a: { type: "number", multipleOf: 2 } }), { a: 3 }, [["/a", "multiple_of"]]],
  ["min_items", obj({ a: { type: "array", minItems: 1 } }), { a: [] }, [["/a", "min_items"]]],
  ["max_items", obj({ a: { type: "array", maxItems: 1 } }), { a: [1, 2] }, [["/a", "max_items"]]],
  [
    "unique_items",
    obj({ a: { type: "array", uniqueItems: true } }),
    { a: [{ x: 1 }, { x: 1 }] },
    [["/a", "unique_items"]],
  ],
  [
    "any_of folds its branches",
    obj({ a: { anyOf: [{ type: "integer" }, { type: "string", minLength: 3 }] } }),
    { a: "x" },
    [["/a", "any_of"]],
  ],
  [
    "one_of",
    obj({ a: { oneOf: [{ type: "integer" }, { type: "number" }] } }),
    { a: 1 },
    [["/a", "one_of"]],
  ],
  ["not", obj({ a: { not: { const: 0 } } }), { a: 0 }, [["/a", "not"]]],
  [
    "if/then reports what the branch requires",
    {
      type: "object",
      properties: { t: { type: "string" }, c: { type: "string" } },
      if: { properties: { t: { const: "有条件共享" } }, required: ["t"] },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a promise
      then: { required: ["c"] },
    },
    { t: "有条件共享" },
    [["/c", "required"]],
  ],
  [
    "if_then when the branch error is not itself precise",
    {
      type: "object",
      properties: { t: { type: "string" } },
      if: { properties: { t: { const: "a" } }, required: ["t"] },
      // biome-ignore lint/suspicious/noThenProperty: a JSON Schema keyword, not a promise
      then: false,
    },
    { t: "a" },
    [["", "false_schema"]],
  ],
  [
    "dependent_required",
    obj({ a: {}, b: {} }, { dependentRequired: { a: ["b"] } }),
    { a: 1 },
    [["/b", "dependent_required"]],
  ],
  [
    "property_names",
    { type: "object", propertyNames: { pattern: "^[a-z]+$" } },
    { A1: 1 },
    [["", "property_names"]],
  ],
  [
    "escapes pointers",
    obj({}, { additionalProperties: false }),
    { "a/b~c": 1 },
    [["/a~1b~0c", "additional_properties"]],
  ],
];

describe("ajv errors → govex issues", () => {
  it.each(rows)("%s", async (_name, schema, data, want) => {
    const v = await getValidator(schema);
    const issues = v.validate(data);
    expect(issues.map((i) => [i.path, i.code])).toEqual(want);
    for (const i of issues) {
      expect(i.record).toBe(0);
      expect(i.severity).toBe("error");
      expect(i.message).toMatch(/。/);
    }
  });

  it("returns the same frozen empty array for every valid value", async () => {
    const v = await getValidator({ type: "string" });
    const a = v.validate("x");
    expect(a).toBe(v.validate("y"));
    expect(Object.isFrozen(a)).toBe(true);
  });

  it("caps issues with maxErrors", async () => {
    const v = await getValidator({ type: "object", additionalProperties: false });
    const data = Object.fromEntries(Array.from({ length: 50 }, (_x, i) => [`k${i}`, i]));
    expect(v.validate(data)).toHaveLength(50);
    expect(v.validate(data, { maxErrors: 5 })).toHaveLength(5);
  });
});
