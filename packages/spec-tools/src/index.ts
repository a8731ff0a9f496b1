export * from "./lint/index.js";
export * from "./load.js";
