import { type ClientOptions, GovexClient } from "./client.js";
import type { paths as ExchangePaths } from "./generated/exchange.js";
import type { paths as ProviderPaths } from "./generated/provider.js";

export { type ClientOptions, type ClientResponse, GovexClient, toNdjson } from "./client.js";
export { Deadline } from "./deadline.js";
export * from "./export-reader.js";
export type {
  components as ExchangeComponents,
  operations as ExchangeOperations,
  paths as ExchangePaths,
} from "./generated/exchange.js";
export type {
  components as ProviderComponents,
  operations as ProviderOperations,
  paths as ProviderPaths,
} from "./generated/provider.js";
export { ClientError, type Problem, ProblemError } from "./problem.js";
export { backoffDelay, parseRetryAfter, type RetryOptions } from "./retry.js";
export type * from "./types.js";
export * from "./webhooks.js";

/**
 * A typed client for an exchange node (specs/exchange/v1).
 *
 * @example
 * const client = createExchangeClient({ baseUrl: "https://exchange.example.gov.cn/v1", signer, keys });
 * const { data } = await client.request("get", "/catalog/entries", { params: { query: { q: "户籍" } } });
 */
export function createExchangeClient(options: ClientOptions): GovexClient<ExchangePaths> {
  return new GovexClient<ExchangePaths>(options);
}

/** A typed client for a department system's provider API (specs/provider/v1), as the exchange node calls it. */
export function createProviderClient(options: ClientOptions): GovexClient<ProviderPaths> {
  return new GovexClient<ProviderPaths>(options);
}
