/**
 * Run-time helpers of the generated zod schemas (src/generated): the JSON Schema 2020-12
 * semantics zod has no builder for, written to give the same verdicts as ajv (Ajv2020, strict,
 * allErrors, unicodeRegExp). Every failure is a zod "custom" issue whose `params.keyword` names
 * the JSON Schema keyword, as ajv's `keyword` does.
 * @module
 */
import type { z } from "zod";
import type { GovexFormat } from "./formats.js";
import type { GovexRule } from "./rules.js";

/** A value that zod can check, as far as these helpers need. */
export interface Checkable {
  safeParse(value: unknown): { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } };
}

type Ctx = z.RefinementCtx;
type Check<T> = (value: T, ctx: Ctx) => void;

function fail(
  ctx: Ctx,
  message: string,
  keyword: string,
  path: PropertyKey[] = [],
  params: Record<string, unknown> = {},
): void {
  ctx.addIssue({ code: "custom", message, path, params: { keyword, ...params } });
}

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

/** `minLength` in code points (2020-12 §6.3.2), not in UTF-16 units as zod's `.min` counts. */
export function minLength(limit: number): Check<string> {
  return (v, ctx) => {
    // A string of n UTF-16 units has at least ⌈n/2⌉ and at most n code points.
    if (v.length >= 2 * limit) return;
    if (ucs2length(v) < limit)
      fail(ctx, `must NOT have fewer than ${limit} characters`, "minLength", [], { limit });
  };
}

/** `maxLength` in code points (2020-12 §6.3.1). */
export function maxLength(limit: number): Check<string> {
  return (v, ctx) => {
    if (v.length <= limit) return;
    if (ucs2length(v) > limit)
      fail(ctx, `must NOT have more than ${limit} characters`, "maxLength", [], { limit });
  };
}

const patterns = new Map<string, RegExp>();

/** `pattern` as ajv compiles it: `new RegExp(p, "u")`, unanchored (2020-12 §6.3.3). */
export function pattern(source: string): Check<string> {
  let re = patterns.get(source);
  if (!re) {
    re = new RegExp(source, "u");
    patterns.set(source, re);
  }
  const compiled = re;
  return (v, ctx) => {
    if (!compiled.test(v))
      fail(ctx, `must match pattern "${source}"`, "pattern", [], { pattern: source });
  };
}

/** `format` with the one implementation ajv also uses (@govex/schemas formats.ts). */
export function format(f: GovexFormat): Check<string> {
  return (v, ctx) => {
    if (!f.validate(v))
      fail(ctx, `must match format "${f.name}"`, "format", [], { format: f.name });
  };
}

/** `type: "integer"` (2020-12 §6.1.1): a number with no fractional part. */
export const integer: Check<number> = (v, ctx) => {
  if (!Number.isInteger(v)) fail(ctx, "must be integer", "type", [], { type: "integer" });
};

type Comparison = "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum";
const COMPARE: Record<Comparison, [(a: number, b: number) => boolean, string]> = {
  minimum: [(a, b) => a >= b, ">="],
  maximum: [(a, b) => a <= b, "<="],
  exclusiveMinimum: [(a, b) => a > b, ">"],
  exclusiveMaximum: [(a, b) => a < b, "<"],
};

/** `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` (2020-12 §6.2.2–6.2.5). */
export function bound(keyword: Comparison, limit: number): Check<number> {
  const [ok, op] = COMPARE[keyword];
  return (v, ctx) => {
    if (!ok(v, limit)) fail(ctx, `must be ${op} ${limit}`, keyword, [], { comparison: op, limit });
  };
}

/** `multipleOf` exactly as ajv without multipleOfPrecision: `v / m` must equal `parseInt(v / m)`. */
export function isMultipleOf(value: number, m: number): boolean {
  if (m === 0) return false;
  const res = value / m;
  return res === Number.parseInt(String(res), 10);
}

/** `multipleOf` (2020-12 §6.2.1). */
export function multipleOf(m: number): Check<number> {
  return (v, ctx) => {
    if (!isMultipleOf(v, m))
      fail(ctx, `must be multiple of ${m}`, "multipleOf", [], { multipleOf: m });
  };
}

/** `minItems` / `maxItems` (2020-12 §6.4.1–6.4.2). */
export function items(keyword: "minItems" | "maxItems", limit: number): Check<readonly unknown[]> {
  return (v, ctx) => {
    if (keyword === "minItems" ? v.length < limit : v.length > limit) {
      const word = keyword === "minItems" ? "fewer" : "more";
      fail(ctx, `must NOT have ${word} than ${limit} items`, keyword, [], { limit });
    }
  };
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

/** `uniqueItems` (2020-12 §6.4.3) with deep equality. */
export const uniqueItems: Check<unknown> = (v, ctx) => {
  if (!Array.isArray(v)) return;
  for (let i = 1; i < v.length; i++) {
    for (let j = 0; j < i; j++) {
      if (deepEqual(v[i], v[j])) {
        fail(
          ctx,
          `must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
          "uniqueItems",
          [],
          { i: j, j: i },
        );
        return;
      }
    }
  }
};

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

/** Copy the issues of a sub-schema into `ctx`. */
function forward(ctx: Ctx, result: ReturnType<Checkable["safeParse"]>, keyword: string): void {
  if (result.success) return;
  for (const i of result.error?.issues ?? []) {
    const params = (i as { params?: Record<string, unknown> }).params;
    ctx.addIssue({
      code: "custom",
      message: i.message,
      path: [...i.path],
      params: { keyword, ...params },
    });
  }
  if (!result.error?.issues.length) fail(ctx, `${keyword} failed`, keyword);
}

/**
 * A sub-schema applied to the same value: each `allOf` subschema, `$ref` with sibling keywords,
 * and the keywords of one type in a schema without `type` (2020-12 §7.6.1: they apply only to
 * values of that type).
 */
export function sub(schema: Checkable, type?: string): Check<unknown> {
  return (v, ctx) => {
    if (type === undefined || isType(v, type)) forward(ctx, schema.safeParse(v), "allOf");
  };
}

/** `anyOf` (2020-12 §10.2.1.2). */
export function anyOf(schemas: readonly Checkable[]): Check<unknown> {
  return (v, ctx) => {
    if (!schemas.some((s) => s.safeParse(v).success))
      fail(ctx, "must match a schema in anyOf", "anyOf");
  };
}

/** `oneOf` (2020-12 §10.2.1.3): exactly one subschema matches. */
export function oneOf(schemas: readonly Checkable[]): Check<unknown> {
  return (v, ctx) => {
    const passing: number[] = [];
    schemas.forEach((s, i) => {
      if (s.safeParse(v).success) passing.push(i);
    });
    if (passing.length !== 1)
      fail(ctx, "must match exactly one schema in oneOf", "oneOf", [], {
        passingSchemas: passing.join(","),
      });
  };
}

/** `not` (2020-12 §10.2.1.4). */
export function not(schema: Checkable): Check<unknown> {
  return (v, ctx) => {
    if (schema.safeParse(v).success) fail(ctx, "must NOT be valid", "not");
  };
}

/** `if` / `then` / `else` (2020-12 §10.2.2). */
export function ifThenElse(
  test: Checkable,
  then?: Checkable,
  otherwise?: Checkable,
): Check<unknown> {
  return (v, ctx) => {
    const branch = test.safeParse(v).success ? then : otherwise;
    if (branch) forward(ctx, branch.safeParse(v), "if");
  };
}

/** `enum` (2020-12 §6.1.2) and `const` (§6.1.3) with deep equality. */
export function enumOf(values: readonly unknown[]): Check<unknown> {
  return (v, ctx) => {
    if (!values.some((e) => deepEqual(v, e)))
      fail(ctx, "must be equal to one of the allowed values", "enum", [], {
        allowedValues: JSON.stringify(values),
      });
  };
}

/**
 * `required` (2020-12 §6.5.3) for keys zod would treat as optional (a property schema that
 * accepts `undefined`, or a key with no property schema), as ajv checks it: `value[key] !== undefined`.
 */
export function required(keys: readonly string[]): Check<unknown> {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const o = v as Record<string, unknown>;
    for (const k of keys) {
      if (o[k] === undefined)
        fail(ctx, `must have required property '${k}'`, "required", [k], { missingProperty: k });
    }
  };
}

/** `dependentRequired` (2020-12 §6.5.4). */
export function dependentRequired(
  deps: Readonly<Record<string, readonly string[]>>,
): Check<unknown> {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const o = v as Record<string, unknown>;
    for (const [k, needs] of Object.entries(deps)) {
      if (o[k] === undefined) continue;
      for (const n of needs) {
        if (o[n] === undefined) {
          fail(
            ctx,
            `must have property ${n} when property ${k} is present`,
            "dependentRequired",
            [n],
            {
              property: k,
              missingProperty: n,
            },
          );
        }
      }
    }
  };
}

/** `propertyNames` (2020-12 §10.3.2.4): every key, own or inherited enumerable, as ajv's for-in. */
export function propertyNames(schema: Checkable): Check<unknown> {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    for (const k in v as object) {
      if (!schema.safeParse(k).success)
        fail(ctx, `property name '${k}' is invalid`, "propertyNames", [k], { propertyName: k });
    }
  };
}

/** `minProperties` / `maxProperties` (2020-12 §6.5.1–6.5.2). */
export function propertyCount(min: number, max: number): Check<unknown> {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const n = Object.keys(v as object).length;
    if (n < min)
      fail(ctx, `must NOT have fewer than ${min} properties`, "minProperties", [], { limit: min });
    if (n > max)
      fail(ctx, `must NOT have more than ${max} properties`, "maxProperties", [], { limit: max });
  };
}

/**
 * An `x-govex-rules` cross-field rule: its error-severity issues become custom issues with the
 * rule's path and `params: { code, rule, ...params }` (warnings do not fail a zod parse, as they
 * do not make a record invalid in @govex/validator). A rule that throws (rules are total, so
 * this is a bug) is reported as `rule_failed`, as the validator does.
 */
export function rule(r: GovexRule | undefined, name: string): Check<unknown> {
  return (v, ctx) => {
    if (!r) {
      fail(ctx, `unknown rule ${name}`, "x-govex-rules", [], { code: "rule_failed", rule: name });
      return;
    }
    let found: ReturnType<GovexRule["check"]>;
    try {
      found = r.check(v);
    } catch {
      fail(ctx, `rule ${name} failed`, "x-govex-rules", [], { code: "rule_failed", rule: name });
      return;
    }
    for (const i of found) {
      if (i.severity !== "error") continue;
      ctx.addIssue({
        code: "custom",
        message: i.code,
        path: i.path,
        params: { keyword: "x-govex-rules", code: i.code, rule: name, ...i.params },
      });
    }
  };
}

/**
 * The `when` of a rule's check: run only on a value that passed every other check, as the
 * validator runs rules only on a record that passed structurally (zod 4 would otherwise run a
 * check after a failed refinement, whose issues do not abort).
 */
export const whenValid = {
  when: (payload: { issues: readonly unknown[] }): boolean => payload.issues.length === 0,
};

/**
 * The checks of a schema that look at the whole value, run by `z.preprocess` on the raw input:
 * zod's object output omits an own `__proto__` key, which ajv sees (JSON.parse makes it an own
 * property), so these checks must not see zod's output. The value passes on unchanged.
 */
export function pre(checks: readonly Check<unknown>[]): (value: unknown, ctx: Ctx) => unknown {
  return (v, ctx) => {
    for (const c of checks) c(v, ctx);
    return v;
  };
}

/** `additionalProperties: <schema>` on an own `__proto__` key, which zod's catchall skips. */
export function protoKey(schema: Checkable): Check<unknown> {
  return (v, ctx) => {
    if (!isType(v, "object")) return;
    const d = Object.getOwnPropertyDescriptor(v, "__proto__");
    if (d && "value" in d) {
      const r = schema.safeParse(d.value);
      if (!r.success) {
        for (const i of r.error?.issues ?? []) {
          ctx.addIssue({
            code: "custom",
            message: i.message,
            path: ["__proto__", ...i.path],
            params: { keyword: "additionalProperties" },
          });
        }
      }
    }
  };
}
