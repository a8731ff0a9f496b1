/**
 * Breaking-change detection for govex specs: JSON Schema sets and OpenAPI 3.1 documents.
 * @module
 */
export { CHECKS } from "./checks.js";
export { formatDiff } from "./format.js";
export { parseIgnoreFile } from "./ignore-file.js";
export { DiffInputError } from "./json.js";
export { diffOpenApi } from "./openapi-diff.js";
export { diffSchemaSets } from "./schema-set-diff.js";
export type * from "./types.js";
