import { SPEC_ANNOTATION_KEYWORDS, SPEC_BASE_V1 } from "@govex/schemas/core";

/** Annotation keywords ajv declares in strict mode (see @govex/schemas' SPEC_ANNOTATION_KEYWORDS). */
export const GOVEX_ANNOTATION_KEYWORDS = SPEC_ANNOTATION_KEYWORDS;

/** Base URI of the v1 data specs. */
export const GOVEX_SPEC_BASE = SPEC_BASE_V1;
