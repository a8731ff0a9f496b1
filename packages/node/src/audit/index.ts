/**
 * The node's audit log: an RFC 9162 Merkle tree of every access, persisted in the database, with
 * signed checkpoints (C2SP signed notes), inclusion and consistency proofs, and the verifier a
 * department runs against them.
 *
 * @module
 */
export * from "./appender.js";
export * from "./check.js";
export * from "./checkpoints.js";
export * from "./entry.js";
export * from "./log.js";
export * from "./verify.js";
