/**
 * Annotation keywords of docs/decisions/0001-spec-conventions.md. ajv runs in strict mode,
 * so these are declared (as annotations without validation) and any other unknown keyword
 * is an error: a typo cannot slip into a standard.
 */
export const GOVEX_ANNOTATION_KEYWORDS = [
  "x-title-en",
  "x-description-en",
  "x-version",
  "x-enum-labels",
  "x-standard",
  "x-govex-rules",
  "x-examples-invalid",
] as const;

/** Base URI of the v1 data specs. */
export const GOVEX_SPEC_BASE = "https://govex.dev/specs/data/v1/";
