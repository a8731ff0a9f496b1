/**
 * The annotation keywords specs/data may use besides JSON Schema's own
 * (docs/decisions/0001-spec-conventions.md). ajv declares exactly these in strict mode and the
 * generator accepts exactly these, so a typo cannot slip into a standard.
 */
export const SPEC_ANNOTATION_KEYWORDS = [
  "x-title-en",
  "x-description-en",
  "x-version",
  "x-enum-labels",
  "x-standard",
  "x-govex-rules",
  "x-examples-invalid",
  // Masking of a served field (specs/adapter/v1 mapping files put it on record schemas).
  "x-govex-mask",
] as const;

/** Base URI of the v1 data specs: `$id` = base + `<name>.schema.json`. */
export const SPEC_BASE_V1 = "https://govex.dev/specs/data/v1/";
