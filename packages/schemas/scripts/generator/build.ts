/**
 * Build a zod schema from a JSON Schema at run time with the same emitter the file generator
 * uses — for tests that compare the generated semantics with ajv. Local `#/$defs/<name>` refs only.
 * @module
 */
import { z } from "zod";
import { govexFormats } from "../../src/formats.js";
import { govexRules } from "../../src/rules.js";
import * as rt from "../../src/zod-runtime.js";
import { type EmitContext, emit, GenerateError, type Schema } from "./emit.js";

/** The zod code the generator would write for `schema` (local $defs become `defs["name"]`). */
export function zodCode(schema: Schema): { code: string; defs: Record<string, string> } {
  const root = typeof schema === "object" ? schema : {};
  const defSchemas = (root.$defs ?? {}) as Record<string, Schema>;
  const ctx: EmitContext = {
    ref(ref) {
      const m = /^#\/\$defs\/([^/]+)$/.exec(ref);
      if (!m || !((m[1] as string) in defSchemas))
        throw new GenerateError(`unsupported $ref ${ref}`);
      const name = m[1] as string;
      return {
        code: `z.lazy(() => defs[${JSON.stringify(name)}])`,
        ts: "unknown",
        schema: defSchemas[name] as Schema,
      };
    },
  };
  const defs: Record<string, string> = {};
  for (const [k, v] of Object.entries(defSchemas)) defs[k] = emit(v, ctx).code;
  return { code: emit(schema, ctx).code, defs };
}

/** Compile `schema` to a live zod schema. */
export function buildZod(schema: Schema): z.ZodType {
  const { code, defs } = zodCode(schema);
  const make = (c: string): z.ZodType =>
    new Function("z", "rt", "govexFormats", "govexRules", "defs", `return ${c};`)(
      z,
      rt,
      govexFormats,
      govexRules,
      live,
    ) as z.ZodType;
  const live: Record<string, z.ZodType> = {};
  for (const [k, c] of Object.entries(defs)) live[k] = make(c);
  return make(code);
}
