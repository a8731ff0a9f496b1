/**
 * The demo exchange of `govex start`: join the four example departments to a running node as
 * departments join a real exchange, then walk through what a consumer does — every step over
 * real HTTP, signed both ways, printed in zh-CN (or English).
 * @module
 */
export * from "./departments.js";
export * from "./join.js";
export * from "./walk.js";
