/**
 * @govex/node: the reference exchange node (共享交换平台 of 国办发〔2017〕39号) — specs/exchange v1
 * over HTTP (`createExchangeNode`, `startLocalNode`), and its parts: the registry, catalog, share
 * requests on the official working-day calendar, access rules, data access proxied to providers,
 * the Merkle audit log, storage on embedded PGlite or PostgreSQL.
 * @module
 */
export * from "./access/index.js";
export * from "./audit/index.js";
export * from "./bulk/index.js";
export * from "./calendar/index.js";
export * from "./catalog/index.js";
export * from "./census/index.js";
export * from "./errors.js";
export * from "./events/index.js";
export * from "./local-node.js";
export * from "./node.js";
export { isNodeProblem, NodeProblem } from "./server/problem.js";
export { EXCHANGE_SPEC } from "./server/spec.js";
export * from "./sharing/index.js";
export * from "./store/index.js";
