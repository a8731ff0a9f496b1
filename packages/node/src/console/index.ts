export * from "./plugin.js";
export * from "./static-files.js";
export * from "./tokens.js";
