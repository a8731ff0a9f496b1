/** Small JSON helpers for the diff: bounded canonical text, pointers, globs. */

/** Deepest value the diff compares or prints; deeper input is refused, not walked. */
export const MAX_DEPTH = 256;

/** Thrown for input the diff refuses (too deep, not an object). */
export class DiffInputError extends Error {
  override name = "DiffInputError";
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An own property (never one inherited, so `__proto__` and `constructor` keys are data). */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Canonical JSON (sorted keys) for equality and matching; refuses nesting deeper than MAX_DEPTH. */
export function canonical(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new DiffInputError(`value nested deeper than ${MAX_DEPTH} levels`);
  if (value === undefined) return "null";
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v, depth + 1)).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k], depth + 1)}`).join(",")}}`;
}

export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return canonical(a) === canonical(b);
}

/** RFC 6901 §3: escape `~` and `/` in a reference token. */
export function escapeToken(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** RFC 6901 §4: decode a reference token. */
export function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Evaluate a JSON Pointer (RFC 6901) on a document; undefined when it does not resolve. */
export function evaluatePointer(root: unknown, pointer: string): unknown {
  if (pointer === "") return root;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    let token: string;
    try {
      token = unescapeToken(decodeURIComponent(raw)); // RFC 6901 §6: URI fragment form
    } catch {
      return undefined;
    }
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (isObject(node)) {
      node = own(node, token);
    } else return undefined;
  }
  return node;
}

/**
 * Follow local `#/...` `$ref`s (OpenAPI 3.1 §4.8.23: parameters, responses, bodies, headers,
 * path items), at most 32 hops so that a cycle ends; `{}` when the target is not an object.
 */
export function deref(doc: unknown, value: unknown): Record<string, unknown> {
  let node = value;
  for (let hops = 0; hops < 32 && isObject(node); hops++) {
    const ref = own(node, "$ref");
    if (typeof ref !== "string" || !ref.startsWith("#")) break;
    node = evaluatePointer(doc, ref.slice(1));
  }
  return isObject(node) ? node : {};
}

/** A glob with `*` (any run of characters) as an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, "s");
}

/** A value for a one-line message: JSON, cut at 80 characters. */
export function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : canonical(value);
  } catch {
    text = "…";
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
