/**
 * The shape of the embedded provider spec (src/generated/provider-spec.ts), which
 * scripts/generate.ts writes from specs/provider/v1/openapi.yaml at build time so that the
 * published kit never reads the repository.
 */

/** A JSON Schema 2020-12 object (an OpenAPI 3.1 Schema Object). */
export type JsonSchema = { [keyword: string]: unknown };

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
}

export interface SpecResponse {
  /** The declared media types, e.g. `application/json`, `application/problem+json`. */
  contentTypes: string[];
  /** The `$defs` name of the body's schema, when the response declares one. */
  schema?: string;
  /** The declared response header names, lower-case (e.g. `retry-after`). */
  headers?: string[];
}

export interface SpecOperation {
  operationId: string;
  method: "get" | "post" | "put" | "delete" | "patch";
  /** The path template, e.g. `/resources/{prefix}/{suffix}/records/{key}`. */
  path: string;
  parameters: SpecParameter[];
  requestBody?: { required: boolean; contentTypes: string[]; schema?: string };
  /** By status code, e.g. `"200"`, `"404"`. */
  responses: Record<string, SpecResponse>;
  /** The operation declares `security: []`: served without a signature. */
  public?: true;
}

/** An OpenAPI document's operations and schemas, embedded in a package. */
export interface SpecBundle {
  /** `info.version` of specs/provider v1. */
  version: string;
  /** The spec's path in the standards tree. */
  spec: string;
  /** Every schema the operations use, as `$defs` (data specs referenced by their govex `$id`). */
  schemas: Record<string, JsonSchema>;
  operations: Record<string, SpecOperation>;
}

/** The embedded specs/provider v1. */
export type ProviderSpecBundle = SpecBundle;
