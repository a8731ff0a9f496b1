/**
 * The adapter contract, typed from specs/provider v1 (the generated types of @govex/client):
 * an adapter answers the provider operations — describe, check, query, get, verify, changes —
 * in the one govex record format (records keyed by 信息项 codes). The provider runtime serves
 * any adapter over HTTP; a mapped adapter (`createMappedAdapter`) builds one from a mapping
 * file and a `Source`, and a vendor can also write one by hand with `defineAdapter`.
 */
import type { ProviderComponents } from "@govex/client";
import { AdapterError } from "./errors.js";

type Schemas = ProviderComponents["schemas"];
type GeneratedResource = Schemas["Description"]["resources"][number];
/** One resource of `describe`; the record schema is any JSON Schema object (generated as Record<string, never>). */
export type ResourceDescription = Omit<GeneratedResource, "recordSchema"> & {
  recordSchema: Record<string, unknown>;
};
export interface Description {
  system: string;
  resources: ResourceDescription[];
}
export type ProviderRecord = Schemas["Record"];
export type RecordPage = Schemas["RecordPage"];
export type Change = Schemas["Change"];
export type ChangePage = Schemas["ChangePage"];
export type ProviderOperation = "query" | "get" | "verify" | "changes";

/** The verify body of specs/provider v1 (`VerifyInput` of the exchange spec). */
export interface VerifyInput {
  key: string;
  values: Record<string, string | number | boolean>;
}
/** The verify answer: match / no match per field, never a value. */
export interface VerifyResult {
  found: boolean;
  fields: Record<string, "match" | "no_match" | "not_available">;
}

/** Who asks and why: the exchange has checked the grant; the provider records it. */
export interface AccessContext {
  /** 使用用途, from the `purpose` query parameter. */
  purpose?: string;
  /** 共享申请编号, from the `Govex-Share-Request` header. */
  shareRequest?: string;
  /** The request id (X-Request-Id) for logs. */
  requestId: string;
  /** The verified signer's key id. */
  keyId?: string;
  signal?: AbortSignal;
}

export interface QueryRequest {
  /** Equality filters by item code. */
  filter: Record<string, string>;
  /** Item codes to return; absent for all. */
  fields?: string[];
  cursor?: string;
  /** 1..1000, default 100 (specs/provider v1 `limit`). */
  limit: number;
}

export interface ChangesRequest {
  cursor?: string;
  limit: number;
}

/** An adapter: every operation in the govex record format. Resource codes are `prefix/suffix`. */
export interface Adapter {
  /** The provider runtime caches the description and refreshes it on every describe call. */
  describe(context: AccessContext): Promise<Description>;
  check(context: AccessContext): Promise<{ status: "ok" | "degraded" }>;
  query(resourceCode: string, request: QueryRequest, context: AccessContext): Promise<RecordPage>;
  get(
    resourceCode: string,
    key: string,
    context: AccessContext,
  ): Promise<ProviderRecord | undefined>;
  verify(resourceCode: string, input: VerifyInput, context: AccessContext): Promise<VerifyResult>;
  changes(
    resourceCode: string,
    request: ChangesRequest,
    context: AccessContext,
  ): Promise<ChangePage>;
  close(): Promise<void>;
}

/** What `defineAdapter` takes: `verify` defaults to comparing against `get`; `changes` and `close` are optional. */
export interface AdapterDefinition {
  describe: Adapter["describe"];
  check: Adapter["check"];
  query: Adapter["query"];
  get: Adapter["get"];
  verify?: Adapter["verify"];
  changes?: Adapter["changes"];
  close?: Adapter["close"];
}

/** Compare given values with a record field by field; the answer never carries a value. */
export function compareForVerify(
  record: ProviderRecord | undefined,
  values: VerifyInput["values"],
): VerifyResult {
  // fromEntries defines own properties: a field named __proto__ stays a field.
  const fields: VerifyResult["fields"] = Object.fromEntries(
    Object.keys(values).map((name) => {
      if (record === undefined || !Object.hasOwn(record, name) || record[name] == null)
        return [name, "not_available"];
      // Compare as strings: the exchange forwards JSON scalars and a source may hold numbers.
      return [name, String(record[name]) === String(values[name]) ? "match" : "no_match"];
    }),
  );
  return { found: record !== undefined, fields };
}

/**
 * Define an adapter by hand, in the govex record format.
 *
 * @example
 * const adapter = defineAdapter({
 *   describe: async () => ({ system: "示例系统", resources: [...] }),
 *   check: async () => ({ status: "ok" }),
 *   query: async (code, request) => ({ items: [] }),
 *   get: async (code, key) => undefined,
 * });
 */
export function defineAdapter(definition: AdapterDefinition): Adapter {
  return {
    describe: definition.describe,
    check: definition.check,
    query: definition.query,
    get: definition.get,
    verify:
      definition.verify ??
      (async (code, input, context) =>
        compareForVerify(await definition.get(code, input.key, context), input.values)),
    changes:
      definition.changes ??
      (async () => {
        throw new AdapterError("not_supported", {
          zh: "该资源不提供增量变更。",
          en: "this resource offers no changes feed",
        });
      }),
    close: definition.close ?? (async () => {}),
  };
}
