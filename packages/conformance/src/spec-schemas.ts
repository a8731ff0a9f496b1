import { GovexValidatorError, getValidator, type Validator } from "@govex/validator";
import { msg } from "./errors.js";
import { PROVIDER_SPEC } from "./generated/provider-spec.js";
import type { Localized } from "./types.js";

/** The `$defs` names of the embedded provider spec. */
export type SpecSchemaName = keyof typeof PROVIDER_SPEC.schemas & string;

/**
 * One validator for every schema of specs/provider v1: a value is checked as the property named
 * after its schema (`{ RecordPage: page }`), so the spec compiles once per process — compiling
 * each schema on its own costs a fresh ajv instance apiece.
 */
const SPEC_SCHEMA = {
  $id: "urn:govex:conformance:provider-v1",
  $defs: PROVIDER_SPEC.schemas,
  type: "object",
  properties: Object.fromEntries(
    Object.keys(PROVIDER_SPEC.schemas).map((name) => [name, { $ref: `#/$defs/${name}` }]),
  ),
};
let compiled: Promise<Validator> | undefined;

/** A validator for one schema of specs/provider v1. */
export async function specValidator(name: SpecSchemaName): Promise<Validator> {
  compiled ??= getValidator(SPEC_SCHEMA);
  const all = await compiled;
  const prefix = `/${name}`;
  return {
    id: `${all.id}#/$defs/${name}`,
    validate: (value, options) =>
      all.validate({ [name]: value }, options).map((issue) => ({
        ...issue,
        path: issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path,
      })),
  };
}

/** Issues of a value against a validator, as one message in both languages (empty when valid). */
export function describeIssues(validator: Validator, value: unknown): Localized | undefined {
  const zh = validator.validate(value, { lang: "zh-CN", maxErrors: 3 });
  if (zh.length === 0) return undefined;
  const en = validator.validate(value, { lang: "en", maxErrors: 3 });
  const line = (issues: typeof zh) =>
    issues.map((issue) => `${issue.path || "/"} ${issue.code}: ${cut(issue.message)}`).join("; ");
  return msg(line(zh), line(en));
}

const cut = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

/** Compile a provider's record schema; an invalid one is an error message, not an exception. */
export async function recordValidator(
  schema: unknown,
): Promise<{ validator: Validator } | { error: Localized }> {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema))
    return { error: msg("recordSchema 不是 JSON 对象。", "recordSchema is not a JSON object.") };
  try {
    return { validator: await getValidator(schema) };
  } catch (error) {
    if (error instanceof GovexValidatorError)
      return { error: { "zh-CN": error.messages["zh-CN"], en: error.messages.en } };
    return {
      error: msg(
        `recordSchema 无法编译: ${(error as Error).message}`,
        `recordSchema does not compile: ${(error as Error).message}`,
      ),
    };
  }
}
