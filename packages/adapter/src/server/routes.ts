/**
 * The operations of specs/provider v1, each a thin call to the adapter. The route's
 * `operationId` names it; `adapterOperation` is the name in a resource's `operations` list
 * (absent for describe and check, which are not per resource).
 */
import type { AccessContext, Adapter, ProviderOperation } from "../adapter.js";
import { AdapterError } from "../errors.js";
import type { OperationId, OperationInput } from "./params.js";

export interface ProviderRoute {
  operationId: OperationId;
  method: "GET" | "POST";
  /** The path under the base path, in fastify's syntax. */
  url: string;
  adapterOperation?: ProviderOperation;
  run(adapter: Adapter, input: OperationInput, context: AccessContext): Promise<unknown>;
}

const RESOURCE = "/resources/:prefix/:suffix";
const code = (input: OperationInput) => `${input.prefix}/${input.suffix}`;

export const PROVIDER_ROUTES: readonly ProviderRoute[] = [
  {
    operationId: "describe",
    method: "GET",
    url: "/describe",
    run: (adapter, _input, context) => adapter.describe(context),
  },
  {
    operationId: "check",
    method: "GET",
    url: "/health",
    run: (adapter, _input, context) => adapter.check(context),
  },
  {
    operationId: "query",
    method: "GET",
    url: `${RESOURCE}/records`,
    adapterOperation: "query",
    run: (adapter, input, context) =>
      adapter.query(
        code(input),
        {
          filter: input.filter,
          limit: input.limit,
          ...(input.fields === undefined ? {} : { fields: input.fields }),
          ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
        },
        context,
      ),
  },
  {
    operationId: "getByKey",
    method: "GET",
    url: `${RESOURCE}/records/:key`,
    adapterOperation: "get",
    run: async (adapter, input, context) => {
      const record = await adapter.get(code(input), input.key ?? "", context);
      if (record === undefined || record === null) {
        // The key is not echoed: it may be personal data (a 公民身份号码).
        throw new AdapterError("not_found", {
          zh: "该资源中没有此主键的记录。请核对主键。",
          en: "The resource has no record with this key: check the key.",
        });
      }
      return record;
    },
  },
  {
    operationId: "verify",
    method: "POST",
    url: `${RESOURCE}/verify`,
    adapterOperation: "verify",
    run: (adapter, input, context) => {
      if (input.body === undefined) throw new TypeError("verify without a body");
      return adapter.verify(code(input), input.body, context);
    },
  },
  {
    operationId: "changesSince",
    method: "GET",
    url: `${RESOURCE}/changes`,
    adapterOperation: "changes",
    run: (adapter, input, context) =>
      adapter.changes(
        code(input),
        { limit: input.limit, ...(input.cursor === undefined ? {} : { cursor: input.cursor }) },
        context,
      ),
  },
];
