import { describe, expect, it } from "vitest";
import { diffOpenApi } from "../../src/diff/index.js";
import { OPENAPI_CASES } from "./openapi-cases.js";
import { doc } from "./wrap.js";

describe("OpenAPI checks", () => {
  it.each(OPENAPI_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const result = diffOpenApi(c.old, c.new);
    expect(result.changes.map((ch) => [ch.id, ch.level])).toEqual(
      c.expected.map(([id, level]) => [id, level]),
    );
    c.expected.forEach(([, , location], i) => {
      if (location !== undefined) expect(result.changes[i]?.location).toBe(location);
    });
    expect(result.counts.ERR + result.counts.WARN + result.counts.INFO).toBe(result.changes.length);
  });
});

describe("shared components", () => {
  const entry = (maxLength: number) => ({
    type: "object",
    properties: { name: { type: "string", maxLength } },
  });
  const api = (maxLength: number) =>
    doc(
      {
        "/entries": {
          post: {
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Entry" } } },
            },
            responses: {
              "201": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Entry" } } },
              },
            },
          },
        },
        "/entries/{id}": {
          put: {
            requestBody: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Entry" } } },
            },
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/Entry" } } },
              },
            },
          },
        },
      },
      { components: { schemas: { Entry: entry(maxLength) } } },
    );

  it("are compared once per direction and reported where they are defined", () => {
    const result = diffOpenApi(api(100), api(50));
    expect(result.changes.map((c) => [c.id, c.level, c.location, c.direction])).toEqual([
      ["request-max-length-decreased", "ERR", "components.schemas.Entry /name", "request"],
      ["response-max-length-decreased", "INFO", "components.schemas.Entry /name", "response"],
    ]);
    expect(result.changes[0]?.pointer).toBe("#/components/schemas/Entry/properties/name");
    expect(result.changes[0]?.message.en).toContain("reached from POST /entries request body");
  });

  it("a $ref whose target changed is reported with the differences between the targets", () => {
    const before = doc(
      {
        "/e": {
          get: {
            responses: {
              "200": {
                description: "ok",
                content: { "application/json": { schema: { $ref: "#/components/schemas/A" } } },
              },
            },
          },
        },
      },
      { components: { schemas: { A: { type: "string" }, B: { type: "integer" } } } },
    );
    const after = structuredClone(before) as {
      paths: {
        "/e": {
          get: {
            responses: { "200": { content: { "application/json": { schema: { $ref: string } } } } };
          };
        };
      };
    };
    after.paths["/e"].get.responses["200"].content["application/json"].schema.$ref =
      "#/components/schemas/B";
    const result = diffOpenApi(before, after);
    expect(result.changes.map((c) => [c.id, c.level, c.old, c.new])).toEqual([
      ["response-ref-target-changed", "INFO", "#/components/schemas/A", "#/components/schemas/B"],
      ["response-type-changed", "ERR", "string", "integer"],
    ]);
  });
});

describe("$ref cycles terminate", () => {
  const tree = (name: string, maxLength: number) => ({
    type: "object",
    properties: {
      label: { type: "string", maxLength },
      children: { type: "array", items: { $ref: `#/components/schemas/${name}` } },
    },
  });
  const api = (name: string, maxLength: number) =>
    doc(
      {
        "/t": {
          get: {
            responses: {
              "200": {
                description: "ok",
                content: {
                  "application/json": { schema: { $ref: `#/components/schemas/${name}` } },
                },
              },
            },
          },
        },
      },
      { components: { schemas: { [name]: tree(name, maxLength) } } },
    );

  it("a self-referencing component", () => {
    const result = diffOpenApi(api("Node", 10), api("Node", 5));
    expect(result.changes.map((c) => c.id)).toEqual(["response-max-length-decreased"]);
  });

  it("two self-referencing components compared with each other", () => {
    const result = diffOpenApi(api("Node", 10), api("Tree", 5));
    expect(result.changes.map((c) => c.id)).toEqual([
      "response-ref-target-changed",
      "response-max-length-decreased",
      "response-ref-target-changed",
      "component-schema-removed",
      "component-schema-added",
    ]);
  });

  it("a $ref to itself", () => {
    const loop = (n: number) =>
      doc(
        {},
        {
          components: { schemas: { L: { $ref: "#/components/schemas/L" } } },
          paths: {
            "/l": {
              get: {
                responses: {
                  "200": {
                    description: "ok",
                    content: {
                      "application/json": { schema: { $ref: "#/components/schemas/L" }, "x-n": n },
                    },
                  },
                },
              },
            },
          },
        },
      );
    expect(diffOpenApi(loop(1), loop(2)).changes).toEqual([]);
  });
});
