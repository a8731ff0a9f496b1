import type { Ajv2020 as Ajv2020Type, Options } from "ajv/dist/2020.js";
import { GOVEX_ANNOTATION_KEYWORDS } from "./annotations.js";
import { formatTable } from "./format-table.js";

/**
 * ajv options shared by precompilation and run-time compilation. Strict mode (unknown keywords,
 * formats and ambiguous types are errors), except strictRequired: it rejects the ordinary
 * `if`/`then: { required: [...] }` pattern whose properties are declared on the parent.
 */
export const AJV_OPTIONS: Options = {
  strict: true,
  strictRequired: false,
  allErrors: true,
};

/** Declare the govex annotation keywords and formats on an ajv instance. */
export function setupAjv(ajv: Ajv2020Type): Ajv2020Type {
  ajv.addVocabulary([...GOVEX_ANNOTATION_KEYWORDS]);
  for (const [name, format] of Object.entries(formatTable)) {
    // The table holds ajv format definitions ({ validate }), functions or RegExps.
    ajv.addFormat(name, format as Parameters<Ajv2020Type["addFormat"]>[1]);
  }
  return ajv;
}

/** The Ajv2020 class out of a CJS/ESM namespace, whichever way the loader wrapped it. */
export function ajvClass(mod: unknown): typeof Ajv2020Type {
  let m = mod as { default?: unknown };
  while (typeof m !== "function" && m && typeof m === "object" && "default" in m) {
    m = m.default as { default?: unknown };
  }
  return m as unknown as typeof Ajv2020Type;
}
