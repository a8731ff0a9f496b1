/**
 * The exchange and provider specs' own examples validate against their schemas, with the
 * govex formats and cross-field rules (@govex/validator), and the conventions that the
 * specs promise hold for every operation (docs/en/protocol.md § Conventions).
 */
import { readFileSync } from "node:fs";
import { getValidator } from "@govex/validator";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

type Json = Record<string, unknown>;
const root = new URL("../../../", import.meta.url);
const load = (path: string): Json =>
  parse(readFileSync(new URL(path, root), "utf8"), { maxAliasCount: -1 }) as Json;
const specs = {
  exchange: load("specs/exchange/v1/openapi.yaml"),
  provider: load("specs/provider/v1/openapi.yaml"),
};
type SpecName = keyof typeof specs;
const DATA = "https://govex.dev/specs/data/v1/";
const METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** Turn an OpenAPI schema into plain JSON Schema 2020-12 with every component in $defs. */
function toJsonSchema(node: unknown, spec: SpecName): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, spec));
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "discriminator") continue; // an OpenAPI annotation, not a JSON Schema keyword
    if (key === "$ref" && typeof value === "string") {
      if (value.startsWith("#/components/schemas/"))
        out.$ref = `#/$defs/${spec}.${value.slice(21)}`;
      else if (value.startsWith("../../data/v1/")) out.$ref = DATA + value.slice(14);
      else if (value.startsWith("../../exchange/v1/openapi.yaml#/components/schemas/"))
        out.$ref = `#/$defs/exchange.${value.split("/").pop()}`;
      else throw new Error(`unexpected $ref ${value}`);
      continue;
    }
    out[key] = toJsonSchema(value, spec);
  }
  return out;
}

const defs: Json = {};
for (const name of Object.keys(specs) as SpecName[]) {
  const schemas = ((specs[name].components as Json).schemas ?? {}) as Json;
  for (const [key, schema] of Object.entries(schemas))
    defs[`${name}.${key}`] = toJsonSchema(schema, name);
}

interface ExampleCase {
  spec: SpecName;
  where: string;
  schema: unknown;
  value: unknown;
}

function resolveExample(spec: SpecName, example: Json): unknown {
  const ref = example.$ref;
  if (typeof ref === "string") {
    const name = ref.replace("#/components/examples/", "");
    return (((specs[spec].components as Json).examples as Json)[name] as Json).value;
  }
  return example.value;
}

function resolveRef<T>(spec: SpecName, node: T): T {
  const ref = (node as Json).$ref;
  if (typeof ref !== "string") return node;
  const [, kind, name] = ref.replace("#/components/", "/").split("/");
  return ((specs[spec].components as Json)[kind as string] as Json)[name as string] as T;
}

const cases: ExampleCase[] = [];
const operations: { spec: SpecName; method: string; path: string; op: Json; params: Json[] }[] = [];
for (const spec of Object.keys(specs) as SpecName[]) {
  const webhooks = Object.entries((specs[spec].webhooks ?? {}) as Json).map(
    ([name, item]) => [`webhook ${name}`, item] as const,
  );
  for (const [path, item] of [...Object.entries(specs[spec].paths as Json), ...webhooks]) {
    const pathItem = item as Json;
    for (const method of METHODS) {
      const op = pathItem[method] as Json | undefined;
      if (!op) continue;
      const params = [
        ...((pathItem.parameters as Json[]) ?? []),
        ...((op.parameters as Json[]) ?? []),
      ].map((p) => resolveRef(spec, p));
      operations.push({ spec, method, path, op, params });
      for (const param of params) {
        if (param.example !== undefined)
          cases.push({
            spec,
            where: `${method} ${path} parameter ${param.name}`,
            schema: param.schema,
            value: param.example,
          });
      }
      const bodies: [string, Json][] = [];
      if (op.requestBody) bodies.push(["request", op.requestBody as Json]);
      for (const [status, response] of Object.entries(op.responses as Json))
        bodies.push([status, resolveRef(spec, response as Json)]);
      for (const [label, body] of bodies) {
        for (const [mediaType, media] of Object.entries((body.content ?? {}) as Json)) {
          const { schema, examples } = media as Json;
          for (const [exampleName, example] of Object.entries((examples ?? {}) as Json)) {
            cases.push({
              spec,
              where: `${method} ${path} ${label} ${mediaType} example ${exampleName}`,
              schema,
              value: resolveExample(spec, example as Json),
            });
          }
        }
      }
    }
  }
}

describe("spec examples validate (with the govex formats and rules)", () => {
  it("found the examples of both specs", () => {
    expect(cases.filter((c) => c.spec === "exchange").length).toBeGreaterThan(80);
    expect(cases.filter((c) => c.spec === "provider").length).toBeGreaterThan(15);
  });

  it("would catch a broken example (the check is not vacuous)", async () => {
    const publish = cases.find((c) => c.where.startsWith("post /catalog/entries request"));
    const record = cases.find((c) =>
      c.where.startsWith("get /catalog/entries/{prefix}/{suffix} 200"),
    );
    if (!publish || !record) throw new Error("examples missing");
    const broken = { ...(publish.value as Json), providerCode: "11370000MB1234562B" };
    const validator = await getValidator({
      ...(toJsonSchema(publish.schema, "exchange") as Json),
      $defs: defs,
    });
    expect(validator.validate(broken, { lang: "en" }).map((i) => i.path)).toEqual([
      "/providerCode",
    ]);
    const wrapper = await getValidator({
      ...(toJsonSchema(record.schema, "exchange") as Json),
      $defs: defs,
    });
    expect(
      wrapper
        .validate({ ...(record.value as Json), status: "gone" }, { lang: "en" })
        .map((i) => i.code),
    ).toEqual(["enum"]);
  });

  it.each(cases.map((c) => [c.spec, c.where, c] as const))("%s: %s", async (_spec, _where, c) => {
    const validator = await getValidator({
      ...(toJsonSchema(c.schema, c.spec) as Json),
      $defs: defs,
    });
    const issues = validator.validate(c.value, { lang: "en" });
    expect(issues).toEqual([]);
  });
});

describe("spec conventions hold for every operation", () => {
  it("has no CJK object keys (an ASCII comma inside Chinese text splits a YAML flow mapping)", () => {
    const cjkKeys: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}/${i}`);
      } else if (typeof node === "object" && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (/[\u4e00-\u9fff]/.test(key)) cjkKeys.push(`${path}/${key}`);
          walk(value, `${path}/${key}`);
        }
      }
    };
    for (const [name, spec] of Object.entries(specs)) walk(spec, name);
    expect(cjkKeys).toEqual([]);
  });

  it.each(operations.map((o) => [o.spec, `${o.method} ${o.path}`, o] as const))(
    "%s: %s",
    (_spec, _name, { spec, method, op, params }) => {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary).toMatch(/[\u4e00-\u9fff]/);
      expect(op["x-summary-en"]).toMatch(/^[A-Z]/);
      // Every non-safe request takes a required Idempotency-Key.
      const key = params.find((p) => p.name === "Idempotency-Key");
      if (method !== "get") expect(key).toMatchObject({ in: "header", required: true });
      else expect(key).toBeUndefined();
      // Every error response is problem+json with the registry's Problem schema.
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400) continue;
        const content = resolveRef(spec, response as Json).content as Json;
        expect(Object.keys(content)).toEqual(["application/problem+json"]);
        expect(((content["application/problem+json"] as Json).schema as Json).$ref).toMatch(
          /#\/components\/schemas\/Problem$/,
        );
      }
    },
  );

  it("lists every registered problem type in the protocol docs, in both languages", () => {
    const problemType = ((specs.exchange.components as Json).schemas as Json).ProblemType as Json;
    for (const doc of ["docs/en/protocol.md", "docs/zh-CN/protocol.md"]) {
      const text = readFileSync(new URL(doc, root), "utf8");
      for (const type of problemType.enum as string[])
        expect(text).toContain(`\`${type.replace("https://govex.dev/problems/", "")}\``);
    }
  });

  it("gives every registered problem type a zh-CN and English title and a status", () => {
    const problemType = ((specs.exchange.components as Json).schemas as Json).ProblemType as Json;
    const labels = problemType["x-enum-labels"] as Record<
      string,
      { "zh-CN": string; en: string; status: number }
    >;
    for (const type of problemType.enum as string[]) {
      expect(type).toMatch(/^https:\/\/govex\.dev\/problems\/[a-z-]+$/);
      expect(labels[type]).toMatchObject({
        "zh-CN": expect.stringMatching(/[\u4e00-\u9fff]/),
        en: expect.any(String),
        status: expect.any(Number),
      });
    }
  });
});
