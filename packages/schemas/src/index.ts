/**
 * @govex/schemas: TypeScript types and zod schemas generated from govex specs/data, and the
 * identifier and code checks of the national standards (GB 11643, GB 32100, GB 11714, GB/T 2260).
 * @module
 */
export * from "./divisions/lookup.js";
export * from "./errors.js";
export * from "./formats.js";
export * from "./generated/index.js";
export * from "./identifiers/mobile.js";
export * from "./identifiers/org-code.js";
export * from "./identifiers/resident-id.js";
export * from "./identifiers/uscc.js";
export type { CheckIssue, CheckResult, Lang, Severity } from "./issues.js";
export * from "./locale/index.js";
export * from "./rules.js";
