/**
 * @govex/schemas/core: the identifier and code checks, formats, cross-field rules and messages,
 * without the generated zod schemas — what a validator or a CLI needs, at the cost of no zod import.
 * @module
 */
export * from "./divisions/lookup.js";
export * from "./errors.js";
export * from "./formats.js";
export * from "./identifiers/mobile.js";
export * from "./identifiers/org-code.js";
export * from "./identifiers/resident-id.js";
export * from "./identifiers/uscc.js";
export type { CheckIssue, CheckResult, Lang, Severity } from "./issues.js";
export * from "./locale/index.js";
export * from "./rules.js";
export * from "./spec-vocabulary.js";
