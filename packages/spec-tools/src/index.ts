export * from "./docs/index.js";
export * from "./lint/index.js";
export * from "./load.js";
