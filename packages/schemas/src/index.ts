/**
 * @govex/schemas: TypeScript types and zod schemas generated from govex specs/data, and the
 * identifier and code checks of the national standards (GB 11643, GB 32100, GB 11714, GB/T 2260).
 * @module
 */
export * from "./core.js";
export * from "./generated/index.js";
