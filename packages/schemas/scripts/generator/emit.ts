/**
 * JSON Schema 2020-12 → zod 4 expression + TypeScript type, the core of scripts/generate.ts.
 * The zod code is plain JavaScript over the identifiers `z`, `rt` (src/zod-runtime.ts),
 * `govexFormats` and `govexRules`, so the same text is written to src/generated and
 * evaluated in memory by the tests (see `buildZod`).
 *
 * Verdicts equal ajv's (Ajv2020, strict, allErrors, unicodeRegExp): lengths in code points,
 * `pattern` as `new RegExp(p, "u")`, formats and rules through the one implementation in
 * @govex/schemas, `enum`/`const`/`uniqueItems` with deep equality. Checks that look at the whole
 * value (applicators, object and array keywords zod has no builder for) run on the raw input in
 * a `z.preprocess`, because zod's object output drops an own `__proto__` key that ajv sees.
 * Primitive refinements run after zod's type check; `x-govex-rules` run last, and only on a
 * value that passed everything else.
 * @module
 */

import { govexFormats } from "../../src/formats.js";
import { govexRules } from "../../src/rules.js";
import { SPEC_ANNOTATION_KEYWORDS } from "../../src/spec-vocabulary.js";

export type Schema = boolean | Record<string, unknown>;

/** What a `$ref` resolves to: the zod expression, the TS type and the target schema. */
export interface RefTarget {
  /** The zod expression (a named schema, or `z.lazy(() => …)` on a cycle). */
  code: string;
  ts: string;
  schema: Schema;
}

export interface EmitContext {
  /** Resolve a `$ref` (as written in the schema) to an already-named target. */
  ref(ref: string): RefTarget;
}

export interface Emitted {
  code: string;
  ts: string;
  /** true when the zod schema accepts any value (no validation keyword). */
  any: boolean;
}

/** The formats a spec may use: exactly those of govexFormats, which ajv registers too. */
export const FORMATS: ReadonlySet<string> = new Set(Object.keys(govexFormats));

/** JSON Schema keywords that annotate and never validate (JSON Schema 2020-12 Validation §9, Core §8). */
export const NON_VALIDATION_KEYWORDS: ReadonlySet<string> = new Set([
  "$schema",
  "$id",
  "$comment",
  "$defs",
  "title",
  "description",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

// x-govex-rules is the one govex annotation that validates (through govexRules).
const ANNOTATIONS = new Set([
  ...NON_VALIDATION_KEYWORDS,
  ...SPEC_ANNOTATION_KEYWORDS.filter((k) => k !== "x-govex-rules"),
]);
const STRING_KW = ["minLength", "maxLength", "pattern", "format"];
const NUMBER_KW = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const OBJECT_KW = [
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "dependentRequired",
  "minProperties",
  "maxProperties",
];
const ARRAY_KW = ["items", "minItems", "maxItems", "uniqueItems"];
const APPLICATORS = [
  "$ref",
  "allOf",
  "anyOf",
  "oneOf",
  "not",
  "if",
  "then",
  "else",
  "enum",
  "const",
  "type",
  "x-govex-rules",
];
const KNOWN = new Set([...STRING_KW, ...NUMBER_KW, ...OBJECT_KW, ...ARRAY_KW, ...APPLICATORS]);
const TYPES = new Set(["string", "number", "integer", "boolean", "null", "object", "array"]);

export class GenerateError extends Error {
  override name = "GenerateError";
}

const js = (v: unknown): string => JSON.stringify(v);

/** A JSDoc block from title / x-title-en / description / x-standard, or "" when there is none. */
export function jsdoc(schema: Schema, indent = ""): string {
  if (typeof schema !== "object") return "";
  const lines: string[] = [];
  const title = schema.title as string | undefined;
  const en = schema["x-title-en"] as string | undefined;
  if (title || en) lines.push([title, en && title ? `(${en})` : en].filter(Boolean).join(" "));
  if (typeof schema.description === "string") lines.push(schema.description);
  if (typeof schema["x-description-en"] === "string") lines.push(schema["x-description-en"]);
  if (typeof schema["x-standard"] === "string") lines.push(`@see ${schema["x-standard"]}`);
  if (!lines.length) return "";
  const safe = lines.map((l) => l.replace(/\*\//g, "*\\/"));
  if (safe.length === 1) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => `${indent} * ${l}`).join(`\n${indent} *\n`)}\n${indent} */\n`;
}

function tsLiteral(v: unknown): string {
  if (v === null || typeof v !== "object") return js(v);
  return "unknown";
}

function tsKey(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : js(k);
}

function has(s: Record<string, unknown>, kws: readonly string[]): boolean {
  return kws.some((k) => k in s);
}

function allPrimitive(values: unknown[]): boolean {
  return values.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v));
}

/** Compile one schema. `indent` is for the TS type literal. */
export function emit(schema: Schema, ctx: EmitContext, indent = ""): Emitted {
  if (schema === true) return { code: "z.unknown()", ts: "unknown", any: true };
  if (schema === false) return { code: "z.never()", ts: "never", any: false };
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    throw new GenerateError(`a schema must be an object or a boolean, got ${js(schema)}`);
  }
  for (const k of Object.keys(schema)) {
    if (!KNOWN.has(k) && !ANNOTATIONS.has(k) && !k.startsWith("x-")) {
      throw new GenerateError(`unsupported keyword "${k}"`);
    }
    if (k.startsWith("x-") && !ANNOTATIONS.has(k) && k !== "x-govex-rules") {
      throw new GenerateError(`unknown annotation keyword "${k}"`);
    }
  }
  const s = schema;
  const types =
    s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  for (const t of types) if (!TYPES.has(t)) throw new GenerateError(`unknown type "${t}"`);
  // Checks that look at the whole value run on the raw input, before zod's parse (see `pre`).
  const checks: string[] = [];
  let base: Emitted;
  let enumHandled = false;
  const refTarget = typeof s.$ref === "string" ? ctx.ref(s.$ref) : undefined;
  const groups = (["string", "number", "object", "array"] as const).filter((g) =>
    has(
      s,
      g === "string"
        ? STRING_KW
        : g === "number"
          ? NUMBER_KW
          : g === "object"
            ? OBJECT_KW
            : ARRAY_KW,
    ),
  );

  const enumValues: unknown[] | undefined =
    s.enum !== undefined ? (s.enum as unknown[]) : "const" in s ? [s.const] : undefined;
  if (enumValues !== undefined && !Array.isArray(enumValues))
    throw new GenerateError("enum must be an array");

  const allOf = s.allOf as Schema[] | undefined;
  const intersect =
    allOf !== undefined &&
    allOf.length > 0 &&
    refTarget === undefined &&
    groups.length === 0 &&
    enumValues === undefined &&
    (types.length === 0 ||
      (types.length === 1 &&
        allOf.some((a) => {
          const t =
            typeof a === "object" && typeof a.$ref === "string" ? ctx.ref(a.$ref).schema : a;
          return typeof t === "object" && t.type === types[0];
        })));

  if (intersect) {
    // The intersection gives the inferred type; the subschemas are re-checked one by one below.
    const parts = (allOf as Schema[]).map((a) => emit(a, ctx, indent));
    base = parts.slice(1).reduce(
      (acc, p) => ({
        code: `z.intersection(${acc.code}, ${p.code})`,
        ts: `${acc.ts} & ${p.ts}`,
        any: false,
      }),
      parts[0] as Emitted,
    );
  } else if (types.length === 1) {
    const t = typed(types[0] as string, s, ctx, indent, enumValues);
    checks.push(...t.pre);
    base = t;
    enumHandled =
      enumValues !== undefined &&
      allPrimitive(enumValues) &&
      types[0] !== "object" &&
      types[0] !== "array";
    if (refTarget) checks.push(`rt.sub(${refTarget.code})`);
  } else if (types.length > 1) {
    const parts = types.map((t) => typed(t, s, ctx, indent, undefined));
    base = {
      code: `z.union([${parts.map((p) => withPre(p.code, p.pre)).join(", ")}])`,
      ts: parts.map((p) => p.ts).join(" | "),
      any: false,
    };
    if (refTarget) checks.push(`rt.sub(${refTarget.code})`);
  } else if (refTarget && groups.length === 0) {
    base = { code: refTarget.code, ts: refTarget.ts, any: false };
  } else if (enumValues !== undefined && enumValues.length > 0 && allPrimitive(enumValues)) {
    base = literals(enumValues);
    enumHandled = true;
  } else {
    base = { code: "z.unknown()", ts: "unknown", any: true };
    if (refTarget) checks.push(`rt.sub(${refTarget.code})`);
  }

  if (types.length === 0) {
    // Keywords of a type apply only to values of that type (2020-12 §7.6.1).
    for (const g of groups) {
      const t = typed(g, s, ctx, indent, undefined);
      checks.push(`rt.sub(${withPre(t.code, t.pre)}, ${js(g)})`);
      base.any = false;
    }
  }
  if (enumValues !== undefined && !enumHandled) checks.push(`rt.enumOf(${js(enumValues)})`);
  // zod's intersection forgives a key one strictObject side does not know when the other side
  // knows it; ajv evaluates every allOf subschema on its own, so the subschemas are always
  // re-checked (the intersection only gives the inferred type).
  if (allOf) for (const a of allOf) checks.push(`rt.sub(${emit(a, ctx, indent).code})`);
  if (Array.isArray(s.anyOf))
    checks.push(
      `rt.anyOf([${(s.anyOf as Schema[]).map((a) => emit(a, ctx, indent).code).join(", ")}])`,
    );
  if (Array.isArray(s.oneOf))
    checks.push(
      `rt.oneOf([${(s.oneOf as Schema[]).map((a) => emit(a, ctx, indent).code).join(", ")}])`,
    );
  if ("not" in s) checks.push(`rt.not(${emit(s.not as Schema, ctx, indent).code})`);
  if ("if" in s && ("then" in s || "else" in s)) {
    const i = emit(s.if as Schema, ctx, indent).code;
    const t = "then" in s ? emit(s.then as Schema, ctx, indent).code : "undefined";
    const e = "else" in s ? emit(s.else as Schema, ctx, indent).code : "undefined";
    checks.push(`rt.ifThenElse(${i}, ${t}, ${e})`);
  }
  const rulesChecks: string[] = [];
  const rules = s["x-govex-rules"];
  if (rules !== undefined) {
    if (!Array.isArray(rules) || rules.some((r) => typeof r !== "string")) {
      throw new GenerateError("x-govex-rules must be an array of rule names");
    }
    for (const name of rules as string[]) {
      if (!Object.hasOwn(govexRules, name))
        throw new GenerateError(`unknown rule "${name}" in x-govex-rules`);
      rulesChecks.push(`rt.rule(govexRules[${js(name)}], ${js(name)}), rt.whenValid`);
    }
  }
  // Rules come last and run only on a value that passed every check before them.
  const inner = rulesChecks.reduce((acc, c) => `${acc}.superRefine(${c})`, base.code);
  const any = base.any && checks.length === 0 && rulesChecks.length === 0;
  return { code: withPre(inner, checks), ts: base.ts, any };
}

/**
 * Run `pre` checks on the raw input, then parse with `code`. zod's object output omits an own
 * `__proto__` key (and the catchall never sees it), so a check on zod's output could disagree
 * with ajv, which sees the JSON.parse'd object as it is; a failed check stops the parse.
 */
function withPre(code: string, pre: readonly string[]): string {
  return pre.length ? `z.preprocess(rt.pre([${pre.join(", ")}]), ${code})` : code;
}

function literals(values: unknown[]): Emitted {
  const ts = [...new Set(values.map(tsLiteral))].join(" | ");
  if (values.every((v) => typeof v === "string")) {
    return { code: `z.enum(${js(values)})`, ts, any: false };
  }
  return { code: `z.literal(${js(values)})`, ts, any: false };
}

/** The schema of one JSON type with the keywords of that type. */
function typed(
  type: string,
  s: Record<string, unknown>,
  ctx: EmitContext,
  indent: string,
  enumValues: unknown[] | undefined,
): Emitted & { pre: string[] } {
  const refine: string[] = [];
  const pre: string[] = [];
  let code: string;
  let ts: string;
  const ofType = enumValues?.filter((v) => {
    if (type === "string") return typeof v === "string";
    if (type === "number") return typeof v === "number";
    if (type === "integer") return typeof v === "number" && Number.isInteger(v);
    if (type === "boolean") return typeof v === "boolean";
    if (type === "null") return v === null;
    return false;
  });
  const useLiterals =
    enumValues !== undefined && allPrimitive(enumValues) && type !== "object" && type !== "array";
  switch (type) {
    case "string": {
      code = "z.string()";
      ts = "string";
      if (s.minLength !== undefined) refine.push(`rt.minLength(${int(s.minLength, "minLength")})`);
      if (s.maxLength !== undefined) refine.push(`rt.maxLength(${int(s.maxLength, "maxLength")})`);
      if (s.pattern !== undefined) {
        if (typeof s.pattern !== "string") throw new GenerateError("pattern must be a string");
        try {
          new RegExp(s.pattern, "u"); // ajv's unicodeRegExp: fail at generation time, not at run time
        } catch (e) {
          throw new GenerateError(`invalid pattern ${js(s.pattern)}: ${(e as Error).message}`);
        }
        refine.push(`rt.pattern(${js(s.pattern)})`);
      }
      if (s.format !== undefined) {
        if (!FORMATS.has(s.format as string))
          throw new GenerateError(`unknown format "${String(s.format)}"`);
        const f = s.format as string;
        refine.push(`rt.format(govexFormats${/^[a-z]+$/.test(f) ? `.${f}` : `[${js(f)}]`})`);
      }
      break;
    }
    case "number":
    case "integer": {
      // z.number() rejects NaN and ±Infinity, which JSON cannot carry (ajv: strictNumbers).
      code = "z.number()";
      ts = "number";
      if (type === "integer") refine.push("rt.integer");
      for (const k of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
        if (s[k] !== undefined) refine.push(`rt.bound(${js(k)}, ${num(s[k], k)})`);
      }
      if (s.multipleOf !== undefined) {
        const m = num(s.multipleOf, "multipleOf");
        if (!(m > 0)) throw new GenerateError("multipleOf must be greater than 0");
        refine.push(`rt.multipleOf(${m})`);
      }
      break;
    }
    case "boolean":
      code = "z.boolean()";
      ts = "boolean";
      break;
    case "null":
      code = "z.null()";
      ts = "null";
      break;
    case "array": {
      if (Array.isArray(s.items)) throw new GenerateError("items must be a schema (2020-12)");
      const items =
        s.items === undefined
          ? { code: "z.unknown()", ts: "unknown", any: true }
          : emit(s.items as Schema, ctx, indent);
      code = `z.array(${items.code})`;
      ts = /[|&]/.test(items.ts) ? `(${items.ts})[]` : `${items.ts}[]`;
      if (s.minItems !== undefined)
        refine.push(`rt.items("minItems", ${int(s.minItems, "minItems")})`);
      if (s.maxItems !== undefined)
        refine.push(`rt.items("maxItems", ${int(s.maxItems, "maxItems")})`);
      if (s.uniqueItems === true) pre.push("rt.uniqueItems");
      break;
    }
    case "object": {
      const o = objectSchema(s, ctx, indent);
      code = o.code;
      ts = o.ts;
      pre.push(...o.pre);
      break;
    }
    default:
      throw new GenerateError(`unknown type "${type}"`);
  }
  if (useLiterals && ofType) {
    if (ofType.length === 0) return { code: "z.never()", ts: "never", any: false, pre: [] };
    const lit = literals(ofType);
    code = lit.code;
    ts = lit.ts;
  }
  return {
    code: refine.reduce((acc, r) => `${acc}.superRefine(${r})`, code),
    ts,
    any: false,
    pre,
  };
}

function num(v: unknown, keyword: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new GenerateError(`${keyword} must be a number`);
  return v;
}

function int(v: unknown, keyword: string): number {
  if (!Number.isInteger(v) || (v as number) < 0)
    throw new GenerateError(`${keyword} must be a non-negative integer`);
  return v as number;
}

/**
 * Whether the zod schema emitted for `schema` may accept `undefined` (an absent key): one with
 * no `type`, `enum` or `const` that would reject it. Errs on the side of true.
 */
function mayAcceptUndefined(schema: Schema, ctx: EmitContext, depth: number): boolean {
  if (typeof schema !== "object") return schema;
  if ("type" in schema || "enum" in schema || "const" in schema) return false;
  if (typeof schema.$ref === "string" && depth === 0) {
    // Only the target's own keywords: its nested $refs are relative to its own file.
    if (!mayAcceptUndefined(ctx.ref(schema.$ref).schema, ctx, 1)) return false;
  }
  if (Array.isArray(schema.allOf)) {
    if ((schema.allOf as Schema[]).some((a) => !mayAcceptUndefined(a, ctx, depth + 1)))
      return false;
  }
  return true;
}

function objectSchema(
  s: Record<string, unknown>,
  ctx: EmitContext,
  indent: string,
): Emitted & { pre: string[] } {
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const req = (s.required ?? []) as string[];
  const inner = `${indent}  `;
  const shape: string[] = [];
  const fields: string[] = [];
  const extraRequired: string[] = [];
  for (const key of Object.keys(props)) {
    if (key in Object.prototype || key === "__proto__") {
      throw new GenerateError(`property name "${key}" shadows Object.prototype`);
    }
    const p = emit(props[key] as Schema, ctx, inner);
    const isReq = req.includes(key);
    // zod lets an absent key pass when its schema accepts undefined; ajv's `required` does not.
    if (isReq && mayAcceptUndefined(props[key] as Schema, ctx, 0)) extraRequired.push(key);
    shape.push(`${js(key)}: ${p.code}${isReq ? "" : ".optional()"}`);
    fields.push(
      `${jsdoc(props[key] as Schema, inner)}${inner}${tsKey(key)}${isReq ? "" : "?"}: ${p.ts};`,
    );
  }
  for (const k of req) if (!(k in props)) extraRequired.push(k);
  const ap = s.additionalProperties;
  const shapeCode = `{ ${shape.join(", ")} }`;
  let code: string;
  let ts: string;
  const body = fields.length ? `\n${fields.join("\n")}\n${indent}` : "";
  if (ap === false) {
    code = `z.strictObject(${shapeCode})`;
    ts = `{${body || " "}}`;
    if (!fields.length) ts = "Record<string, never>";
  } else if (ap === undefined || ap === true) {
    code = `z.looseObject(${shapeCode})`;
    ts = `{${body}${fields.length ? "" : " "}${fields.length ? `${inner}[key: string]: unknown;\n${indent}` : "[key: string]: unknown "}}`;
  } else {
    const a = emit(ap as Schema, ctx, inner);
    code = `z.object(${shapeCode}).catchall(${a.code})`;
    ts = fields.length ? `{${body}} & { [key: string]: ${a.ts} }` : `{ [key: string]: ${a.ts} }`;
  }
  const checks: string[] = [];
  if (extraRequired.length) checks.push(`rt.required(${js(extraRequired)})`);
  // zod's catchall skips an own "__proto__" key; ajv checks it like any other key.
  if (typeof ap === "object" && ap !== null)
    checks.push(`rt.protoKey(${emit(ap as Schema, ctx, inner).code})`);
  if (s.propertyNames !== undefined)
    checks.push(`rt.propertyNames(${emit(s.propertyNames as Schema, ctx, inner).code})`);
  if (s.dependentRequired !== undefined)
    checks.push(`rt.dependentRequired(${js(s.dependentRequired)})`);
  if (s.minProperties !== undefined || s.maxProperties !== undefined) {
    checks.push(
      `rt.propertyCount(${int(s.minProperties ?? 0, "minProperties")}, ${s.maxProperties === undefined ? "Infinity" : int(s.maxProperties, "maxProperties")})`,
    );
  }
  return { code, ts, any: false, pre: checks };
}
