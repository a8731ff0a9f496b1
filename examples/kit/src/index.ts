export * from "./department.js";
export * from "./keys.js";
