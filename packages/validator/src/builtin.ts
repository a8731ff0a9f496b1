import { dataSpecIds, dataSpecs, type SpecName } from "@govex/schemas/specs";
import type { BuiltinSpec } from "./compiled.js";
import { GovexValidatorError } from "./errors.js";
import { builtinValidators } from "./generated/validators.js";
import { SchemaNode, SchemaRegistry } from "./schema-walk.js";
import { GovexValidator } from "./validator.js";

// The raw specs come from @govex/schemas (its zod-free entry), the same files the precompiled
// validators were generated from; both generators' staleness checks keep them in step.
const builtinSpecs: readonly BuiltinSpec[] = (Object.keys(dataSpecs) as SpecName[])
  .sort()
  .map((name) => ({
    name,
    id: dataSpecIds[name],
    file: `specs/data/v1/${name}.schema.json`,
    schema: dataSpecs[name] as Readonly<Record<string, unknown>>,
  }));

let registry: SchemaRegistry | undefined;
const validators = new Map<string, GovexValidator>();

/** All built-in specs as a $ref registry (built on first use). */
export function builtinRegistry(): SchemaRegistry {
  if (registry === undefined) {
    const r = new SchemaRegistry();
    for (const s of builtinSpecs) r.add(s.id, s.schema as Record<string, unknown>);
    registry = r;
  }
  return registry;
}

/**
 * Names of the built-in specs (specs/data/v1 files without `.schema.json`), e.g. "person".
 * @example
 * builtinSchemaNames(); // ["address", "catalog-entry", …, "person", …]
 */
export function builtinSchemaNames(): string[] {
  return builtinSpecs.map((s) => s.name);
}

/** The raw built-in specs (name, $id, file, schema). */
export function builtinSpecList(): readonly BuiltinSpec[] {
  return builtinSpecs;
}

/** Find a built-in spec by name ("person"), file name ("person.schema.json") or `$id`. */
export function findBuiltin(key: string): BuiltinSpec | undefined {
  const k = key.includes("#") ? key.slice(0, key.indexOf("#")) : key;
  return builtinSpecs.find((s) => s.name === k || s.id === k || `${s.name}.schema.json` === k);
}

/** The precompiled validator of a built-in spec (cached; nothing is compiled). */
export function builtinValidator(key: string): GovexValidator {
  const spec = findBuiltin(key);
  if (spec === undefined) throw unknownSchema(key);
  let v = validators.get(spec.name);
  if (v === undefined) {
    const fn = builtinValidators[spec.name];
    if (fn === undefined) throw unknownSchema(key);
    v = new GovexValidator(
      spec.id,
      fn,
      new SchemaNode(builtinRegistry(), [
        { schema: spec.schema as Record<string, unknown>, base: spec.id },
      ]),
    );
    validators.set(spec.name, v);
  }
  return v;
}

export function unknownSchema(key: string): GovexValidatorError {
  const names = builtinSchemaNames();
  return new GovexValidatorError(
    "unknown_schema",
    {
      "zh-CN": `未知的模式「${key}」。可用的内置模式：${names.join("、") || "（无）"}；或给出 JSON Schema 文件路径。`,
      en: `unknown schema "${key}". Built-in schemas: ${names.join(", ") || "(none)"}; or give the path of a JSON Schema file.`,
    },
    { details: { valid: names } },
  );
}
