import { describe, expect, it } from "vitest";
import { diffOpenApi, diffSchemaSets } from "../../src/diff/index.js";
import { SCHEMA_CASES } from "./schema-cases.js";
import { asSet, inRequest, inResponse } from "./wrap.js";

const SCOPES = [
  ["schema", 0, (a: unknown, b: unknown) => diffSchemaSets(asSet(a), asSet(b))],
  ["request", 1, (a: unknown, b: unknown) => diffOpenApi(inRequest(a), inRequest(b))],
  ["response", 2, (a: unknown, b: unknown) => diffOpenApi(inResponse(a), inResponse(b))],
] as const;

describe("schema checks, by direction", () => {
  for (const [scope, index, diff] of SCOPES) {
    it.each(SCHEMA_CASES.map((c) => [c.name, c] as const))(`${scope}: %s`, (_name, c) => {
      const result = diff(c.old, c.new);
      const got = result.changes.map((ch) => [ch.id, ch.level]);
      const want = c.expected.map(([id, levels]) => [id.replace("{s}", scope), levels[index]]);
      expect(got).toEqual(want);
      for (const change of result.changes) {
        expect(change.direction).toBe(
          scope === "schema" || !change.id.startsWith(scope) ? undefined : scope,
        );
        expect(change.message["zh-CN"].length).toBeGreaterThan(10);
        expect(change.message.en).toMatch(/^[A-Z$]/);
      }
    });
  }
});

describe("locations and pointers", () => {
  const old = {
    type: "object",
    properties: {
      items: {
        type: "array",
        items: { type: "object", properties: { name: { type: "string", maxLength: 50 } } },
      },
    },
  };
  const now = structuredClone(old);
  now.properties.items.items.properties.name.maxLength = 20;

  it("schema sets use the schema path", () => {
    const [change] = diffSchemaSets(asSet(old), asSet(now)).changes;
    expect(change).toMatchObject({
      id: "schema-max-length-decreased",
      level: "ERR",
      location: "t.schema.json /properties/items/items/properties/name",
      pointer: "t.schema.json#/properties/items/items/properties/name",
      old: 50,
      new: 20,
    });
    expect(change?.direction).toBeUndefined();
  });

  it("OpenAPI uses the operation and the data path", () => {
    const [change] = diffOpenApi(inRequest(old), inRequest(now)).changes;
    expect(change).toMatchObject({
      id: "request-max-length-decreased",
      level: "ERR",
      direction: "request",
      location: "POST /t request body /items/[]/name",
      pointer:
        "#/paths/~1t/post/requestBody/content/application~1json/schema/properties/items/items/properties/name",
    });
  });

  it("a removed property points into the old document", () => {
    const [change] = diffSchemaSets(
      asSet({ properties: { a: {} } }),
      asSet({ properties: {} }),
    ).changes;
    expect(change).toMatchObject({
      id: "schema-optional-property-removed",
      pointer: "t.schema.json#/properties/a",
      old: "a",
    });
  });
});

describe("readOnly and writeOnly properties (OpenAPI 3.1.0 §4.8.24.4)", () => {
  const entry = (required: string[]) => ({
    type: "object",
    required,
    properties: {
      id: { type: "string", readOnly: true },
      secret: { type: "string", writeOnly: true },
      name: { type: "string" },
    },
  });

  it.each([
    ["a required readOnly id does not bind requests", ["name"], ["name", "id"], "request", []],
    [
      "a required readOnly id binds responses",
      ["name"],
      ["name", "id"],
      "response",
      [["response-property-became-required", "INFO"]],
    ],
    [
      "a required writeOnly secret does not bind responses",
      ["name", "secret"],
      ["name"],
      "response",
      [],
    ],
    [
      "a required writeOnly secret binds requests",
      ["name"],
      ["name", "secret"],
      "request",
      [["request-property-became-required", "ERR"]],
    ],
  ] as const)("%s", (_name, before, after, scope, want) => {
    const wrap = scope === "request" ? inRequest : inResponse;
    const result = diffOpenApi(wrap(entry([...before])), wrap(entry([...after])));
    expect(result.changes.map((c) => [c.id, c.level])).toEqual(want);
  });

  it("data standards have no such exception", () => {
    const result = diffSchemaSets(asSet(entry(["name"])), asSet(entry(["name", "id"])));
    expect(result.changes.map((c) => c.id)).toEqual(["schema-property-became-required"]);
  });
});
