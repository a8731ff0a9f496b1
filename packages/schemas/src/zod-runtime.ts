/**
 * Run-time helpers of the generated zod schemas: the JSON Schema 2020-12 semantics zod has no
 * builder for, written to give the same verdicts as ajv (Ajv2020, strict, allErrors).
 * @module
 */
import type { z } from "zod";

/** A value that zod can check, as far as these helpers need. */
export interface Checkable {
  safeParse(value: unknown): { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } };
}

type Ctx = z.RefinementCtx;

/** Length in Unicode code points, as ajv's ucs2length counts it (JSON Schema 2020-12 §6.3.1). */
export function ucs2length(s: string): number {
  const len = s.length;
  let length = 0;
  let pos = 0;
  while (pos < len) {
    length++;
    const c = s.charCodeAt(pos++);
    if (c >= 0xd800 && c <= 0xdbff && pos < len && (s.charCodeAt(pos) & 0xfc00) === 0xdc00) pos++;
  }
  return length;
}

const patterns = new Map<string, RegExp>();

/** `pattern` as ajv compiles it: `new RegExp(p, "u")`, unanchored (JSON Schema 2020-12 §6.3.3). */
export function pattern(source: string): RegExp {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, "u");
    patterns.set(source, re);
  }
  return re;
}

/** `multipleOf` exactly as ajv without multipleOfPrecision: `v / m` must equal `parseInt(v / m)`. */
export function multipleOf(value: number, m: number): boolean {
  if (m === 0) return false;
  const res = value / m;
  return res === Number.parseInt(String(res), 10);
}

/** JSON Schema equality (2020-12 §4.2.2), as ajv's fast-deep-equal decides it for JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a && b && typeof a === "object" && typeof b === "object") {
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a) && Array.isArray(b)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
      return true;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) {
      if (!Object.hasOwn(b, k)) return false;
      if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) {
        return false;
      }
    }
    return true;
  }
  // NaN is never produced by JSON; fast-deep-equal treats NaN as equal to NaN.
  return typeof a === "number" && typeof b === "number" && Number.isNaN(a) && Number.isNaN(b);
}

/** `uniqueItems` (2020-12 §6.4.3). */
export function unique(items: readonly unknown[]): boolean {
  for (let i = 1; i < items.length; i++) {
    for (let j = 0; j < i; j++) if (deepEqual(items[i], items[j])) return false;
  }
  return true;
}

/** The JSON Schema type of a value, as ajv's type checks decide it (strictNumbers). */
export function isType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return false;
  }
}

function fail(ctx: Ctx, message: string, keyword: string, path: PropertyKey[] = []): void {
  ctx.addIssue({ code: "custom", message, path, params: { keyword } });
}

/** Copy the issues of a sub-schema into `ctx`. */
function forward(ctx: Ctx, result: ReturnType<Checkable["safeParse"]>, keyword: string): void {
  if (result.success) return;
  for (const i of result.error?.issues ?? []) {
    ctx.addIssue({ code: "custom", message: i.message, path: [...i.path], params: { keyword } });
  }
  if (!result.error?.issues.length) fail(ctx, `${keyword} failed`, keyword);
}

/** A sub-schema applied to the same value (allOf, `$ref` with siblings, untyped keyword groups). */
export function sub(schema: Checkable, type?: string): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (type === undefined || isType(v, type)) forward(ctx, schema.safeParse(v), "allOf");
  };
}

/** `anyOf` (2020-12 §10.2.1.2). */
export function anyOf(schemas: readonly Checkable[]): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!schemas.some((s) => s.safeParse(v).success))
      fail(ctx, "must match a schema in anyOf", "anyOf");
  };
}

/** `oneOf` (2020-12 §10.2.1.3). */
export function oneOf(schemas: readonly Checkable[]): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    let n = 0;
    for (const s of schemas) if (s.safeParse(v).success) n++;
    if (n !== 1) fail(ctx, "must match exactly one schema in oneOf", "oneOf");
  };
}

/** `not` (2020-12 §10.2.1.4). */
export function not(schema: Checkable): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (schema.safeParse(v).success) fail(ctx, "must NOT be valid", "not");
  };
}

/** `if` / `then` / `else` (2020-12 §10.2.2). */
export function ifThenElse(
  test: Checkable,
  then?: Checkable,
  otherwise?: Checkable,
): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    const branch = test.safeParse(v).success ? then : otherwise;
    if (branch) forward(ctx, branch.safeParse(v), "if");
  };
}

/** `enum` (2020-12 §6.1.2) with deep equality. */
export function enumOf(values: readonly unknown[]): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!values.some((e) => deepEqual(v, e)))
      fail(ctx, "must be equal to one of the allowed values", "enum");
  };
}

/** `required` (2020-12 §6.5.3), as ajv checks it: `value[key] !== undefined`. */
export function required(keys: readonly string[]): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const o = v as Record<string, unknown>;
    for (const k of keys)
      if (o[k] === undefined) fail(ctx, `must have required property '${k}'`, "required", [k]);
  };
}

/** `dependentRequired` (2020-12 §6.5.4). */
export function dependentRequired(
  deps: Readonly<Record<string, readonly string[]>>,
): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const o = v as Record<string, unknown>;
    for (const [k, needs] of Object.entries(deps)) {
      if (o[k] === undefined) continue;
      for (const n of needs) {
        if (o[n] === undefined)
          fail(ctx, `must have property ${n} when property ${k} is present`, "dependentRequired", [
            n,
          ]);
      }
    }
  };
}

/** `propertyNames` (2020-12 §10.3.2.4): every key, own or inherited enumerable, as ajv's for-in. */
export function propertyNames(schema: Checkable): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    for (const k in v as object) {
      if (!schema.safeParse(k).success)
        fail(ctx, `property name '${k}' is invalid`, "propertyNames", [k]);
    }
  };
}

/** `minProperties` / `maxProperties` (2020-12 §6.5.1–6.5.2). */
export function propertyCount(min: number, max: number): (v: unknown, ctx: Ctx) => void {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const n = Object.keys(v as object).length;
    if (n < min || n > max) fail(ctx, "wrong number of properties", "minProperties");
  };
}
