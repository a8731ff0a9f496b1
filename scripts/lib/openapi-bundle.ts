/**
 * Bundle the operations of one govex OpenAPI document for a package that must not read the
 * repository at run time (the conformance kit embeds specs/provider, the exchange node
 * specs/exchange): every operation (method, path, parameters, request body, the declared
 * responses with their media types and headers) and every schema they use as `$defs`. Schemas
 * of another govex OpenAPI document are copied in; the data specs are referenced by their govex
 * `$id`, which @govex/validator already holds.
 *
 * Used by the packages' `scripts/generate.ts`; `writeGenerated` implements their `--check`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { parse } from "yaml";

type Json = Record<string, unknown>;
export type JsonSchema = { [keyword: string]: unknown };

export interface BundledParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
}

export interface BundledResponse {
  contentTypes: string[];
  schema?: string;
  /** Declared response header names, lower-case. */
  headers?: string[];
}

export interface BundledOperation {
  operationId: string;
  method: "get" | "post" | "put" | "delete" | "patch";
  path: string;
  parameters: BundledParameter[];
  requestBody?: { required: boolean; contentTypes: string[]; schema?: string };
  responses: Record<string, BundledResponse>;
  /** The operation declares `security: []`: no signature needed. */
  public?: true;
}

export interface OpenApiBundle {
  version: string;
  spec: string;
  schemas: Record<string, JsonSchema>;
  operations: Record<string, BundledOperation>;
}

const METHODS = ["get", "post", "put", "delete", "patch"] as const;
const OPENAPI_ONLY = new Set(["discriminator", "xml", "externalDocs", "example"]);
const DATA_BASE = "https://govex.dev/specs/data/v1/";
const root = new URL("../../", import.meta.url);

/**
 * @param main the document whose operations are bundled, e.g. `specs/exchange/v1`
 * @param others other OpenAPI documents its schemas may reference, e.g. `["specs/exchange/v1"]`
 */
export async function bundleOpenApi(main: string, others: string[] = []): Promise<OpenApiBundle> {
  const docs = new Map<string, Json>();
  for (const spec of [main, ...others])
    docs.set(spec, parse(await readFile(new URL(`${spec}/openapi.yaml`, root), "utf8")) as Json);

  const at = (doc: string, pointer: string): unknown => {
    let node: unknown = docs.get(doc);
    for (const raw of pointer.replace(/^#?\//, "").split("/")) {
      const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
      node = (node as Json | undefined)?.[key];
    }
    if (node === undefined) throw new Error(`${doc}: ${pointer} does not exist`);
    return node;
  };

  const schemas: Record<string, JsonSchema> = {};
  const origin = new Map<string, string>();

  /** Copy a component schema into `$defs` (once) and return its `$defs` reference. */
  const include = (doc: string, name: string): string => {
    const seen = origin.get(name);
    if (seen !== undefined && seen !== doc)
      throw new Error(`schema ${name} exists in both ${seen} and ${doc}`);
    if (seen === undefined) {
      origin.set(name, doc);
      schemas[name] = {}; // reserve the name before recursing, for cycles
      schemas[name] = rewrite(doc, at(doc, `/components/schemas/${name}`)) as JsonSchema;
    }
    return `#/$defs/${name}`;
  };

  const ref = (doc: string, target: string): string => {
    const local = /^#\/components\/schemas\/([^/]+)$/.exec(target);
    if (local) return include(doc, local[1] as string);
    const other = /^\.\.\/\.\.\/([a-z-]+)\/v1\/openapi\.yaml#\/components\/schemas\/([^/]+)$/.exec(
      target,
    );
    if (other && docs.has(`specs/${other[1]}/v1`))
      return include(`specs/${other[1]}/v1`, other[2] as string);
    const data = /^\.\.\/\.\.\/data\/v1\/([a-z0-9-]+\.schema\.json)(#.*)?$/.exec(target);
    if (data) return `${DATA_BASE}${data[1]}${data[2] ?? ""}`;
    throw new Error(`${doc}: cannot bundle $ref ${target}`);
  };

  /**
   * Rewrite every `$ref` of a schema for the bundle, and drop the OpenAPI 3.1 §4.8.24 keywords
   * that are not JSON Schema 2020-12 (`discriminator`, `xml`, `externalDocs`, `example`): the
   * bundle is compiled by a JSON Schema validator in strict mode.
   */
  const rewrite = (doc: string, node: unknown): unknown => {
    if (Array.isArray(node)) return node.map((item) => rewrite(doc, item));
    if (node === null || typeof node !== "object") return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node as Json)) {
      if (OPENAPI_ONLY.has(key)) continue;
      out[key] =
        key === "$ref" && typeof value === "string" ? ref(doc, value) : rewrite(doc, value);
    }
    return out;
  };

  const resolve = (node: unknown): Json => {
    const target = (node as Json).$ref;
    return typeof target === "string" ? (at(main, target) as Json) : (node as Json);
  };

  /** A body schema: a component by name, or an inline schema stored under `fallback`. */
  const bodySchema = (schema: unknown, fallback: string): string | undefined => {
    if (schema === undefined) return undefined;
    const rewritten = rewrite(main, schema) as Json;
    const target = rewritten.$ref;
    if (
      typeof target === "string" &&
      target.startsWith("#/$defs/") &&
      Object.keys(rewritten).length === 1
    )
      return target.slice("#/$defs/".length);
    schemas[fallback] = rewritten;
    return fallback;
  };

  const doc = docs.get(main) as Json;
  const operations: Record<string, BundledOperation> = {};
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    const pathItem = item as Json;
    const shared = ((pathItem.parameters as unknown[]) ?? []).map(resolve);
    for (const method of METHODS) {
      const operation = pathItem[method] as Json | undefined;
      if (!operation) continue;
      const id = operation.operationId as string;
      const parameters: BundledParameter[] = [
        ...shared,
        ...((operation.parameters as unknown[]) ?? []).map(resolve),
      ].map((p) => ({
        name: p.name as string,
        in: p.in as BundledParameter["in"],
        required: p.required === true,
        schema: rewrite(main, p.schema) as JsonSchema,
      }));
      const responses: Record<string, BundledResponse> = {};
      for (const [status, raw] of Object.entries(operation.responses as Json)) {
        const response = resolve(raw);
        const content = (response.content as Record<string, Json> | undefined) ?? {};
        const types = Object.keys(content);
        const schema = bodySchema(content[types[0] as string]?.schema, `${id}Response${status}`);
        const headers = Object.keys((response.headers as Json | undefined) ?? {}).map((h) =>
          h.toLowerCase(),
        );
        responses[status] = {
          contentTypes: types,
          ...(schema ? { schema } : {}),
          ...(headers.length > 0 ? { headers } : {}),
        };
      }
      const spec: BundledOperation = { operationId: id, method, path, parameters, responses };
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
      if (Array.isArray(operation.security) && operation.security.length === 0) spec.public = true;
      operations[id] = spec;
    }
  }
  return {
    version: (doc.info as Json).version as string,
    spec: main,
    schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1))),
    operations,
  };
}

/**
 * Write a generated module, or with `check` fail (exit 1) when the committed one differs.
 * @param out the file to write
 * @param label its path as the message names it
 * @param command the command that regenerates it
 */
export async function writeGenerated(
  out: URL,
  text: string,
  options: { check: boolean; label: string; command: string },
): Promise<void> {
  const current = await readFile(out, "utf8").catch(() => "");
  if (current === text) return;
  if (options.check) {
    process.stderr.write(`${options.label} is stale: run ${options.command}\n`);
    process.exit(1);
  }
  await writeFile(out, text);
  process.stdout.write(`wrote ${options.label}\n`);
}
