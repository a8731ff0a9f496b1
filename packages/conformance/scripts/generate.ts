/**
 * Writes src/generated/provider-spec.ts from specs/provider/v1/openapi.yaml: every operation
 * (method, path, parameters, request body and the declared responses with their media types)
 * and every schema the operations use, bundled as `$defs` — the exchange spec's schemas it
 * references (Problem, VerifyInput, VerifyResult …) copied in, and the data specs referenced
 * by their govex `$id`, which @govex/validator already holds. The published kit therefore never
 * reads the repository. `--check` fails (exit 1) when the committed file is stale.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parse } from "yaml";
import type {
  JsonSchema,
  ProviderSpecBundle,
  SpecOperation,
  SpecParameter,
  SpecResponse,
} from "../src/spec-types.js";

const root = new URL("../../../", import.meta.url);
const SPEC = "specs/provider/v1/openapi.yaml";
const EXCHANGE = "specs/exchange/v1/openapi.yaml";
const DATA_BASE = "https://govex.dev/specs/data/v1/";
const OUT = new URL("../src/generated/provider-spec.ts", import.meta.url);
const check = process.argv.includes("--check");

type Doc = "provider" | "exchange";
type Json = Record<string, unknown>;

const docs: Record<Doc, Json> = {
  provider: parse(await readFile(new URL(SPEC, root), "utf8")) as Json,
  exchange: parse(await readFile(new URL(EXCHANGE, root), "utf8")) as Json,
};

function at(doc: Doc, pointer: string): unknown {
  let node: unknown = docs[doc];
  for (const raw of pointer.replace(/^#?\//, "").split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = (node as Json | undefined)?.[key];
  }
  if (node === undefined) throw new Error(`${doc}: ${pointer} does not exist`);
  return node;
}

const schemas: Record<string, JsonSchema> = {};
const origin = new Map<string, Doc>();

/** Copy a component schema into `$defs` (once) and return its `$defs` reference. */
function include(doc: Doc, name: string): string {
  const seen = origin.get(name);
  if (seen !== undefined && seen !== doc)
    throw new Error(`schema ${name} exists in both the provider and the exchange spec`);
  if (seen === undefined) {
    origin.set(name, doc);
    schemas[name] = {}; // reserve the name before recursing, for cycles
    schemas[name] = rewrite(doc, at(doc, `/components/schemas/${name}`)) as JsonSchema;
  }
  return `#/$defs/${name}`;
}

/** Rewrite every `$ref` of a schema for the bundle. */
function rewrite(doc: Doc, node: unknown): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(doc, item));
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    out[key] = key === "$ref" && typeof value === "string" ? ref(doc, value) : rewrite(doc, value);
  }
  return out;
}

function ref(doc: Doc, target: string): string {
  const local = /^#\/components\/schemas\/([^/]+)$/.exec(target);
  if (local) return include(doc, local[1] as string);
  const exchange = /^\.\.\/\.\.\/exchange\/v1\/openapi\.yaml#\/components\/schemas\/([^/]+)$/.exec(
    target,
  );
  if (exchange) return include("exchange", exchange[1] as string);
  const data = /^\.\.\/\.\.\/data\/v1\/([a-z0-9-]+\.schema\.json)(#.*)?$/.exec(target);
  if (data) return `${DATA_BASE}${data[1]}${data[2] ?? ""}`;
  throw new Error(`${doc}: cannot bundle $ref ${target}`);
}

function resolve(node: unknown): Json {
  const target = (node as Json).$ref;
  return typeof target === "string" ? (at("provider", target) as Json) : (node as Json);
}

/** A body schema: a component by name, or an inline schema stored under `fallback`. */
function bodySchema(schema: unknown, fallback: string): string | undefined {
  if (schema === undefined) return undefined;
  const rewritten = rewrite("provider", schema) as Json;
  const target = rewritten.$ref;
  if (
    typeof target === "string" &&
    target.startsWith("#/$defs/") &&
    Object.keys(rewritten).length === 1
  )
    return target.slice("#/$defs/".length);
  schemas[fallback] = rewritten;
  return fallback;
}

const operations: Record<string, SpecOperation> = {};
for (const [path, item] of Object.entries(docs.provider.paths as Json)) {
  const pathItem = item as Json;
  const shared = ((pathItem.parameters as unknown[]) ?? []).map(resolve);
  for (const method of ["get", "post"] as const) {
    const operation = pathItem[method] as Json | undefined;
    if (!operation) continue;
    const id = operation.operationId as string;
    const parameters: SpecParameter[] = [
      ...shared,
      ...((operation.parameters as unknown[]) ?? []).map(resolve),
    ].map((p) => ({
      name: p.name as string,
      in: p.in as SpecParameter["in"],
      required: p.required === true,
      schema: rewrite("provider", p.schema) as JsonSchema,
    }));
    const responses: Record<string, SpecResponse> = {};
    for (const [status, raw] of Object.entries(operation.responses as Json)) {
      const response = resolve(raw);
      const content = (response.content as Record<string, Json> | undefined) ?? {};
      const types = Object.keys(content);
      const schema = bodySchema(content[types[0] as string]?.schema, `${id}Response${status}`);
      responses[status] = { contentTypes: types, ...(schema ? { schema } : {}) };
    }
    const spec: SpecOperation = { operationId: id, method, path, parameters, responses };
    const body = operation.requestBody as Json | undefined;
    if (body) {
      const content = body.content as Record<string, Json>;
      const types = Object.keys(content);
      const schema = bodySchema(content[types[0] as string]?.schema, `${id}Request`);
      spec.requestBody = {
        required: body.required === true,
        contentTypes: types,
        ...(schema ? { schema } : {}),
      };
    }
    operations[id] = spec;
  }
}

const bundle: ProviderSpecBundle = {
  version: (docs.provider.info as Json).version as string,
  spec: "specs/provider/v1",
  schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))),
  operations,
};

const text = `// generated by scripts/generate.ts from ${SPEC} — do not edit; run \`pnpm --filter @govex/conformance generate\`.
import type { ProviderSpecBundle } from "../spec-types.js";

export const PROVIDER_SPEC: ProviderSpecBundle = ${JSON.stringify(bundle, null, 2)};
`;
const current = await readFile(OUT, "utf8").catch(() => "");
if (current !== text) {
  if (check) {
    process.stderr.write(
      "src/generated/provider-spec.ts is stale: run pnpm --filter @govex/conformance generate\n",
    );
    process.exit(1);
  }
  await writeFile(OUT, text);
  process.stdout.write("wrote src/generated/provider-spec.ts\n");
}
