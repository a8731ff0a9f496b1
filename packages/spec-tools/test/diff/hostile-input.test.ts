import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiffInputError, diffOpenApi, diffSchemaSets } from "../../src/diff/index.js";
import { asSet, inRequest, inResponse } from "./wrap.js";

function deep(levels: number, leaf: unknown): unknown {
  let node: unknown = leaf;
  for (let i = 0; i < levels; i++) node = { type: "object", properties: { a: node } };
  return node;
}

describe("hostile input", () => {
  it("10,000-deep nesting is refused with an Error, not a stack overflow", () => {
    const a = deep(10_000, { type: "string" });
    const b = deep(10_000, { type: "number" });
    expect(() => diffSchemaSets(asSet(a), asSet(b))).toThrow(DiffInputError);
    expect(() => diffOpenApi(inRequest(a), inRequest(b))).toThrow(/nested deeper than 256 levels/);
  });

  it("10,000-deep examples are refused too", () => {
    let value: unknown = 1;
    for (let i = 0; i < 10_000; i++) value = [value];
    expect(() => diffSchemaSets(asSet({ examples: [value] }), asSet({ examples: [] }))).toThrow(
      DiffInputError,
    );
  });

  it("nesting within the bound is compared", () => {
    const result = diffSchemaSets(
      asSet(deep(100, { type: "string" })),
      asSet(deep(100, { type: "number" })),
    );
    expect(result.changes.map((c) => c.id)).toEqual(["schema-type-changed"]);
  });

  it("__proto__, constructor and hasOwnProperty are property names like any other", () => {
    const a = JSON.parse(
      '{"type":"object","required":["__proto__"],"properties":{"__proto__":{"type":"string"},"constructor":{"type":"string"}}}',
    );
    const b = JSON.parse(
      '{"type":"object","properties":{"hasOwnProperty":{"type":"integer"},"constructor":{"type":"number"}}}',
    );
    const result = diffSchemaSets(asSet(a), asSet(b));
    expect(result.changes.map((c) => [c.id, c.location])).toEqual([
      ["schema-property-removed", "t.schema.json /properties/__proto__"],
      ["schema-property-added", "t.schema.json /properties/hasOwnProperty"],
      ["schema-type-changed", "t.schema.json /properties/constructor"],
    ]);
    expect(({} as Record<string, unknown>).type).toBeUndefined();
  });

  it("a $ref into __proto__ resolves to nothing", () => {
    const result = diffSchemaSets(
      asSet({ $ref: "#/__proto__/toString" }),
      asSet({ $ref: "#/constructor" }),
    );
    expect(result.changes.map((c) => c.id)).toEqual(["schema-ref-target-changed"]);
  });

  it("keywords of the wrong type are ignored, not trusted", () => {
    const junk = {
      type: 5,
      properties: "x",
      required: { a: 1 },
      enum: "a",
      items: null,
      oneOf: {},
      maxLength: "9",
      "x-enum-labels": [],
    };
    expect(() =>
      diffSchemaSets(asSet(junk), asSet({ ...junk, maxLength: "10", type: [1, "string"] })),
    ).not.toThrow();
    expect(() =>
      diffOpenApi(
        { paths: [], components: 7 },
        { paths: { "/a": 1 }, webhooks: "x", security: "all" },
      ),
    ).not.toThrow();
  });

  it("refuses documents that are not objects", () => {
    expect(() => diffOpenApi(null, {})).toThrow(DiffInputError);
    expect(() => diffOpenApi({}, "openapi: 3.1.0")).toThrow(/two OpenAPI documents/);
  });

  it("property: any JSON as schema is compared without crashing, and a copy of itself has no changes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.jsonValue({ maxDepth: 6 }), (a, b) => {
        expect(diffSchemaSets(asSet(a), asSet(structuredClone(a))).changes).toEqual([]);
        expect(diffOpenApi(inResponse(a), inResponse(structuredClone(a))).changes).toEqual([]);
        const result = diffOpenApi(inRequest(a), inRequest(b));
        expect(result.counts.ERR + result.counts.WARN + result.counts.INFO).toBe(
          result.changes.length,
        );
      }),
      { numRuns: 300 },
    );
  });

  it("property: schema-like values compared with themselves have no changes", () => {
    const keyword = fc.constantFrom(
      "type",
      "properties",
      "required",
      "enum",
      "items",
      "oneOf",
      "allOf",
      "$ref",
      "maxLength",
      "additionalProperties",
      "$defs",
      "__proto__",
    );
    const schema = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.dictionary(
          keyword,
          fc.oneof(
            fc.constantFrom("string", "#/$defs/a", "#", true, false, 3),
            fc.array(fc.constantFrom("a", "b")),
            tie("node"),
          ),
        ),
        fc.dictionary(fc.string(), tie("node"), { maxKeys: 3 }),
      ),
    })).node;
    fc.assert(
      fc.property(schema, (a) => {
        expect(diffSchemaSets(asSet(a), asSet(structuredClone(a))).changes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
