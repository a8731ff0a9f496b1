/**
 * @govex/node: the reference exchange node — so far its foundations: the working-day calendar,
 * the storage layer (embedded PGlite or PostgreSQL) with migrations, the shared nonce and
 * Idempotency-Key stores, and the RFC 9162 audit log with signed checkpoints.
 * @module
 */
export * from "./audit/index.js";
export * from "./calendar/index.js";
export * from "./errors.js";
export * from "./store/index.js";
