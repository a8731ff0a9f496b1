/**
 * The storage layer of the node: one `Db` interface over two drivers (PGlite embedded,
 * PostgreSQL by URL), forward-only migrations, and the shared stores built on it.
 *
 * @module
 */
export * from "./db.js";
export * from "./errors.js";
export * from "./idempotency.js";
export * from "./migrate.js";
export * from "./nonce-store.js";
export * from "./open-store.js";
export { redactUrl } from "./postgres-driver.js";
