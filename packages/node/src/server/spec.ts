/**
 * specs/exchange v1 at run time: the embedded bundle (src/generated/exchange-spec.ts), one
 * validator for every schema and every operation's parameters, and the collection of a
 * request's parameters as the spec declares them (path, query — deepObject for objects,
 * comma-separated or repeated for arrays, OpenAPI 3.1 §4.8.12.4 — and header fields).
 */
import type { SpecOperation } from "@govex/conformance";
import { getValidator, type ValidationIssue, type Validator } from "@govex/validator";
import { EXCHANGE_SPEC } from "../generated/exchange-spec.js";
import type { Lang, ProblemIssue } from "./problem.js";

export type { SpecOperation };
export { EXCHANGE_SPEC };

/** The operations of specs/exchange v1 by operationId. */
export const EXCHANGE_OPERATIONS: Readonly<Record<string, SpecOperation>> =
  EXCHANGE_SPEC.operations;

/** The parameter schema of an operation: `{ path: {…}, query: {…}, header: {…} }`. */
function parameterSchema(operation: SpecOperation): object {
  const group = (where: "path" | "query" | "header") => {
    const params = operation.parameters.filter((p) => p.in === where);
    const name = (p: { name: string }) => (where === "header" ? p.name.toLowerCase() : p.name);
    return {
      type: "object",
      properties: Object.fromEntries(params.map((p) => [name(p), p.schema])),
      required: params.filter((p) => p.required).map(name),
    };
  };
  return {
    type: "object",
    properties: { path: group("path"), query: group("query"), header: group("header") },
  };
}

const ROOT = {
  $id: "urn:govex:node:exchange-v1",
  $defs: {
    ...EXCHANGE_SPEC.schemas,
    ...Object.fromEntries(
      Object.values(EXCHANGE_SPEC.operations).map((op) => [
        `params.${op.operationId}`,
        parameterSchema(op),
      ]),
    ),
  },
  type: "object",
  properties: Object.fromEntries(
    [
      ...Object.keys(EXCHANGE_SPEC.schemas),
      ...Object.keys(EXCHANGE_SPEC.operations).map((id) => `params.${id}`),
    ].map((name) => [name, { $ref: `#/$defs/${name}` }]),
  ),
};

let compiled: Promise<Validator> | undefined;

/** Compile the spec once per process (ajv compiles every schema together). */
export function specValidators(): Promise<Validator> {
  compiled ??= getValidator(ROOT);
  return compiled;
}

/** Issues of `value` against `$defs[name]`, paths relative to the value. */
export async function validateAgainst(
  name: string,
  value: unknown,
  lang: Lang,
  maxErrors = 20,
): Promise<ValidationIssue[]> {
  const all = await specValidators();
  const prefix = `/${name}`;
  // Messages name a field by its dotted path from the root: drop the wrapper's name.
  const dotted = `${name}.`;
  return all.validate({ [name]: value }, { lang, maxErrors }).map((issue) => ({
    ...issue,
    path: issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path,
    message: issue.message.replaceAll(dotted, ""),
  }));
}

/** A validator issue as a problem issue. */
export const toProblemIssue = (issue: ValidationIssue): ProblemIssue => ({
  path: issue.path,
  code: issue.code,
  message: issue.message,
});

export interface CollectedParameters {
  path: Record<string, string>;
  query: Record<string, unknown>;
  header: Record<string, string>;
}

const DEEP = /^([^[\]]+)\[([^[\]]*)\]$/;

/**
 * Collect an operation's parameters from a request as the spec types them: integers are
 * numbers and booleans `true`/`false` when they look like one (else left as text for the
 * validator to refuse), arrays from
 * repeated or comma-separated values, objects from `name[key]=value`. Unknown query names are
 * ignored, as most APIs do; an own property named `__proto__` can never be set.
 */
export function collectParameters(
  operation: SpecOperation,
  request: {
    params: Record<string, string>;
    search: URLSearchParams;
    headers: Record<string, string | string[] | undefined>;
  },
): CollectedParameters {
  const out: CollectedParameters = {
    path: Object.create(null),
    query: Object.create(null),
    header: Object.create(null),
  };
  for (const p of operation.parameters) {
    const type = p.schema.type;
    if (p.in === "path") {
      const value = request.params[p.name];
      if (value !== undefined) out.path[p.name] = value;
    } else if (p.in === "header") {
      const value = request.headers[p.name.toLowerCase()];
      if (typeof value === "string") out.header[p.name.toLowerCase()] = value;
    } else if (type === "object") {
      const object: Record<string, string> = Object.create(null);
      let any = false;
      for (const [key, value] of request.search) {
        const match = DEEP.exec(key);
        if (match?.[1] === p.name) {
          object[match[2] as string] = value;
          any = true;
        }
      }
      if (any) out.query[p.name] = { ...object };
    } else {
      const values = request.search.getAll(p.name);
      if (values.length === 0) continue;
      if (type === "array")
        out.query[p.name] = values.flatMap((v) => v.split(",")).filter((v) => v !== "");
      else if (type === "boolean") {
        const text = values[0] as string;
        out.query[p.name] = text === "true" ? true : text === "false" ? false : text;
      } else if (type === "integer" || type === "number") {
        const text = values[0] as string;
        out.query[p.name] = /^-?\d{1,15}$/.test(text) ? Number(text) : text;
      } else out.query[p.name] = values[0];
    }
  }
  return out;
}
