/**
 * @govex/conformance: the conformance kit. It checks a department system's provider API against
 * specs/provider v1 as the exchange node would call it — every operation, every schema, signatures
 * both ways, pagination, changes, verify, masking annotations and hostile input — and turns the
 * result into text, JSON, JUnit XML or a signed report that an exchange checks at registration.
 * @module
 */
export { CHECK_IDS, CHECKS, type CheckId, checkTitle } from "./checks.js";
export { ConformanceError, type ConformanceErrorCode } from "./errors.js";
export { renderJson } from "./format/json.js";
export { renderJunit } from "./format/junit.js";
export { renderText } from "./format/text.js";
export * from "./keys.js";
export * from "./report.js";
export { KIT, runConformance, SPEC } from "./run-conformance.js";
export type * from "./spec-types.js";
export type * from "./types.js";
