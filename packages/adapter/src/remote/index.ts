/**
 * @govex/adapter/remote: what an adapter over a remote service (a JSON API, a SOAP service)
 * needs — secrets from the environment, request templates, JSONata / JSON Pointer selection,
 * hostile-response hygiene, keyset reads over a service's own paging, and a changes feed.
 * @module
 */
export * from "./keyset.js";
export * from "./select.js";
