/**
 * specs/provider v1 (and the parts of specs/exchange v1 it refers to) loaded from the YAML
 * files, turned into JSON Schema 2020-12 and checked with @govex/validator: every response a
 * test sees is held against the operation's declared response, and every problem against the
 * registry (type, zh-CN title, status) and the request id.
 */
import { readFileSync } from "node:fs";
import { getValidator, type Validator } from "@govex/validator";
import { expect } from "vitest";
import { parse } from "yaml";

type Json = Record<string, unknown>;
const root = new URL("../../../../", import.meta.url);
const load = (path: string): Json =>
  parse(readFileSync(new URL(path, root), "utf8"), { maxAliasCount: -1 }) as Json;

export const providerSpec = load("specs/provider/v1/openapi.yaml");
export const exchangeSpec = load("specs/exchange/v1/openapi.yaml");
const specs = { provider: providerSpec, exchange: exchangeSpec };
type SpecName = keyof typeof specs;
const DATA = "https://govex.dev/specs/data/v1/";
const EXCHANGE_SCHEMAS = "../../exchange/v1/openapi.yaml#/components/schemas/";

/** An OpenAPI schema as plain JSON Schema, components in `$defs` named `<spec>.<name>`. */
function toJsonSchema(node: unknown, spec: SpecName): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, spec));
  if (typeof node !== "object" || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "$ref" && typeof value === "string") {
      if (value.startsWith("#/components/schemas/"))
        out.$ref = `#/$defs/${spec}.${value.slice(21)}`;
      else if (value.startsWith("../../data/v1/")) out.$ref = DATA + value.slice(14);
      else if (value.startsWith(EXCHANGE_SCHEMAS))
        out.$ref = `#/$defs/exchange.${value.slice(EXCHANGE_SCHEMAS.length)}`;
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

/** Resolve a local `$ref` (`#/components/<kind>/<name>`) of the provider spec, or an exchange one. */
export function resolve<T>(node: T): T {
  const ref = (node as Json).$ref;
  if (typeof ref !== "string") return node;
  const [file, pointer] = ref.includes("#") ? ref.split("#") : ["", ref];
  const spec = file === "" ? providerSpec : exchangeSpec;
  let value: unknown = spec;
  for (const segment of (pointer ?? "").split("/").slice(1)) value = (value as Json)[segment];
  return resolve(value as T);
}

export interface SpecOperation {
  method: string;
  path: string;
  operation: Json;
  /** Path-level and operation-level parameters, resolved. */
  parameters: Json[];
}

export const specOperations = new Map<string, SpecOperation>();
for (const [path, item] of Object.entries(providerSpec.paths as Json)) {
  const pathItem = item as Json;
  for (const method of ["get", "post", "put", "patch", "delete"]) {
    const operation = pathItem[method] as Json | undefined;
    if (!operation) continue;
    const parameters = [
      ...((pathItem.parameters as Json[]) ?? []),
      ...((operation.parameters as Json[]) ?? []),
    ].map((p) => resolve(p));
    specOperations.set(operation.operationId as string, { method, path, operation, parameters });
  }
}

const validators = new Map<string, Promise<Validator>>();
function validatorFor(key: string, schema: unknown, spec: SpecName): Promise<Validator> {
  let found = validators.get(key);
  if (!found) {
    found = getValidator({ $defs: defs, ...(toJsonSchema(schema, spec) as Json) });
    validators.set(key, found);
  }
  return found;
}

const problemLabels = ((exchangeSpec.components as Json).schemas as Record<string, Json>)
  .ProblemType?.["x-enum-labels"] as Record<
  string,
  { "zh-CN": string; en: string; status: number }
>;

export interface SeenResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

const header = (response: SeenResponse, name: string) => {
  const value = response.headers[name];
  return Array.isArray(value) ? value.join(", ") : value === undefined ? undefined : String(value);
};

/**
 * Assert that a response is what specs/provider v1 declares for the operation and status; a
 * status the operation does not list must still be a registered problem. `operationId`
 * undefined: a path outside the spec (a problem, e.g. 404).
 */
export async function expectSpecResponse(
  operationId: string | undefined,
  response: SeenResponse,
): Promise<unknown> {
  const contentType = header(response, "content-type") ?? "";
  const declared =
    operationId === undefined
      ? undefined
      : ((specOperations.get(operationId)?.operation.responses as Json | undefined)?.[
          String(response.status)
        ] as Json | undefined);
  let mediaType = "application/problem+json";
  let schema: unknown = { $ref: "#/components/schemas/Problem" };
  let spec: SpecName = "exchange";
  if (declared) {
    const resolved = resolve(declared);
    const [type, media] = Object.entries(resolved.content as Json)[0] as [string, Json];
    mediaType = type;
    schema = media.schema;
    spec = "provider";
    for (const [name, declaredHeader] of Object.entries((resolved.headers ?? {}) as Json)) {
      const value = header(response, name.toLowerCase());
      expect(value, `${name} header`).toMatch(/^\d+$/);
      void declaredHeader;
    }
  }
  expect(contentType.split(";")[0]).toBe(mediaType);
  const body: unknown = JSON.parse(response.body);
  const validator = await validatorFor(`${operationId}:${response.status}`, schema, spec);
  expect(validator.validate(body, { lang: "en" })).toEqual([]);
  if (mediaType === "application/problem+json") {
    const problem = body as { type: string; title: string; status: number; instance?: string };
    const label = problemLabels[problem.type];
    expect(label, `registered type ${problem.type}`).toBeDefined();
    expect(problem.title).toBe(label?.["zh-CN"]);
    expect(problem.status).toBe(label?.status);
    expect(problem.status).toBe(response.status);
    expect(problem.instance).toBe(header(response, "x-request-id"));
  } else {
    expect(response.status).toBeLessThan(300);
  }
  return body;
}
