export * from "./diff/index.js";
export * from "./docs/index.js";
export * from "./lint/index.js";
export * from "./load.js";
export * from "./release/index.js";
