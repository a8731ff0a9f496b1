import type { CheckIssue } from "@govex/schemas/core";
import type { AjvError } from "./compiled.js";
import { govexFormat } from "./format-table.js";
import { escapePointer, pointerSegments } from "./schema-walk.js";

/** A raw issue before numbering and rendering. */
export interface RawIssue {
  path: string;
  code: string;
  severity: "error" | "warning";
  params: Record<string, unknown>;
}

/** ajv keyword → stable govex code. */
const KEYWORD_CODES: Readonly<Record<string, string>> = {
  required: "required",
  type: "type",
  enum: "enum",
  const: "const",
  pattern: "pattern",
  format: "format",
  additionalProperties: "additional_properties",
  minLength: "min_length",
  maxLength: "max_length",
  minimum: "minimum",
  maximum: "maximum",
  exclusiveMinimum: "exclusive_minimum",
  exclusiveMaximum: "exclusive_maximum",
  multipleOf: "multiple_of",
  minItems: "min_items",
  maxItems: "max_items",
  uniqueItems: "unique_items",
  minProperties: "min_properties",
  maxProperties: "max_properties",
  anyOf: "any_of",
  oneOf: "one_of",
  not: "not",
  if: "if_then",
  dependentRequired: "dependent_required",
  propertyNames: "property_names",
  contains: "contains",
  minContains: "contains",
  maxContains: "contains",
  "false schema": "false_schema",
};

function snake(keyword: string): string {
  return keyword
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}

export function jsonTypeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** The value at a JSON Pointer (own properties only). */
export function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointerSegments(pointer)) {
    if (Array.isArray(v)) v = v[Number(seg)];
    else if (typeof v === "object" && v !== null && Object.hasOwn(v, seg)) {
      v = (v as Record<string, unknown>)[seg];
    } else return undefined;
  }
  return v;
}

function parentOf(schemaPath: string, keyword: string): string {
  const suffix = `/${keyword}`;
  return schemaPath.endsWith(suffix) ? schemaPath.slice(0, -suffix.length) : schemaPath;
}

/** Keywords whose failure is reported once, with the errors of their subschemas folded in. */
const FOLDING = new Set(["anyOf", "oneOf", "propertyNames", "if"]);

function within(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/**
 * Map ajv errors to govex issues. The errors of a failed anyOf/oneOf's branches and of
 * propertyNames are folded into that one issue; an `if` issue is dropped when the errors of its
 * `then`/`else` branch (which ajv reports just before it) say precisely what is missing. A
 * failed govex format is explained with the identifier's own codes (invalid_check_character …).
 */
export function mapAjvErrors(
  errors: readonly AjvError[],
  data: unknown,
  opts: { lenientUscc: boolean },
): RawIssue[] {
  const drop = new Uint8Array(errors.length);
  for (let k = 0; k < errors.length; k++) {
    const e = errors[k] as AjvError;
    if (!FOLDING.has(e.keyword)) continue;
    const parent = parentOf(e.schemaPath, e.keyword);
    const branches =
      e.keyword === "if" ? [`${parent}/then/`, `${parent}/else/`] : [`${parent}/${e.keyword}/`];
    // ajv reports a keyword's subschema errors right before the keyword's own error; errors
    // that came through a $ref carry the referenced schema's path.
    let j = k - 1;
    let folded = 0;
    for (; j >= 0; j--) {
      const o = errors[j] as AjvError;
      if (!within(o.instancePath, e.instancePath)) break;
      const inBranch =
        branches.some((b) => o.schemaPath.startsWith(b)) || !o.schemaPath.startsWith(`${parent}/`);
      if (!inBranch) break;
      folded++;
      if (e.keyword !== "if") drop[j] = 1;
    }
    if (e.keyword === "if" && folded > 0) drop[k] = 1;
  }
  const out: RawIssue[] = [];
  for (let k = 0; k < errors.length; k++) {
    if (drop[k] === 0) out.push(...mapOne(errors[k] as AjvError, data, opts));
  }
  return out;
}

function mapOne(e: AjvError, data: unknown, opts: { lenientUscc: boolean }): RawIssue[] {
  const p = e.params;
  const path = e.instancePath;
  const code = KEYWORD_CODES[e.keyword] ?? snake(e.keyword);
  const issue = (c: string, params: Record<string, unknown>, at = path): RawIssue => ({
    path: at,
    code: c,
    severity: "error",
    params,
  });
  switch (e.keyword) {
    case "required":
      return [
        issue(
          code,
          { property: p.missingProperty },
          `${path}/${escapePointer(String(p.missingProperty))}`,
        ),
      ];
    case "additionalProperties":
      return [
        issue(
          code,
          { property: p.additionalProperty },
          `${path}/${escapePointer(String(p.additionalProperty))}`,
        ),
      ];
    case "dependentRequired":
      return [
        issue(
          code,
          { property: p.property, missing: p.missingProperty, deps: p.deps },
          `${path}/${escapePointer(String(p.missingProperty))}`,
        ),
      ];
    case "propertyNames":
      return [issue(code, { property: p.propertyName })];
    case "type":
      return [issue(code, { expected: p.type, actual: jsonTypeOf(valueAt(data, path)) })];
    case "enum":
      return [issue(code, { allowed: p.allowedValues })];
    case "const":
      return [issue(code, { allowed: p.allowedValue })];
    case "pattern":
      return [issue(code, { pattern: p.pattern })];
    case "multipleOf":
      return [issue(code, { multipleOf: p.multipleOf })];
    case "uniqueItems":
      return [issue(code, { i: p.i, j: p.j })];
    case "if":
      return [issue(code, { branch: p.failingKeyword })];
    case "anyOf":
    case "oneOf":
      return [issue(code, p.passingSchemas === undefined ? {} : { passing: p.passingSchemas })];
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
    case "minProperties":
    case "maxProperties":
      return [issue(code, { limit: p.limit })];
    case "format":
      return formatIssues(e, data, opts, issue);
    default:
      return [issue(code, { ...p })];
  }
}

function formatIssues(
  e: AjvError,
  data: unknown,
  opts: { lenientUscc: boolean },
  issue: (c: string, params: Record<string, unknown>) => RawIssue,
): RawIssue[] {
  const name = String(e.params.format);
  const fmt = govexFormat(name);
  const value = valueAt(data, e.instancePath);
  if (!fmt || typeof value !== "string") return [issue("format", { format: name })];
  let explained: CheckIssue[];
  try {
    explained = fmt.explain(value);
  } catch {
    explained = [];
  }
  if (explained.length === 0) return [issue("format", { format: name })];
  const errorsOnly = explained.filter((x) => x.severity === "error");
  // GB 32100-2015 §4: some issued codes fail the check character; lenient mode only warns.
  const lenient =
    opts.lenientUscc &&
    name === "cn-uscc" &&
    errorsOnly.length > 0 &&
    errorsOnly.every((x) => x.code === "invalid_check_character");
  return explained.map((x) => ({
    path: e.instancePath,
    code: x.code,
    severity: lenient ? "warning" : x.severity,
    params: { format: name, ...x.params },
  }));
}
