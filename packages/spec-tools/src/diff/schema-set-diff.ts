import { posix } from "node:path";
import { DiffInputError, evaluatePointer, isObject, own } from "./json.js";
import { finish, type RawChange } from "./result.js";
import { type At, type Resolve, SchemaComparer } from "./schema-compare.js";
import type { DiffOptions, DiffResult } from "./types.js";

function checkSet(set: unknown, name: string): Record<string, unknown> {
  if (!isObject(set))
    throw new DiffInputError(`${name} schema set must be an object mapping file names to schemas`);
  return set;
}

/**
 * A resolver for `$ref`s between the files of a set: `#/$defs/x` in the same file,
 * `elements.schema.json#/$defs/x` relative to the referring file (RFC 3986 §5.2),
 * or an absolute `$id` of a file in the set.
 */
function resolverFor(set: Record<string, unknown>): Resolve {
  const byId = new Map<string, string>();
  for (const file of Object.keys(set)) {
    const schema = set[file];
    const id = isObject(schema) ? own(schema, "$id") : undefined;
    if (typeof id === "string") byId.set(id.split("#")[0] as string, file);
  }
  return (ref, from) => {
    const hash = ref.indexOf("#");
    const uri = hash < 0 ? ref : ref.slice(0, hash);
    const fragment = hash < 0 ? "" : ref.slice(hash + 1);
    let file: string | undefined;
    if (uri === "") file = from.base;
    else if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) file = byId.get(uri);
    else {
      const joined = posix.normalize(posix.join(posix.dirname(from.base), uri));
      if (Object.hasOwn(set, joined)) file = joined;
      else {
        const baseId = isObject(set[from.base])
          ? own(set[from.base] as Record<string, unknown>, "$id")
          : undefined;
        if (typeof baseId === "string") {
          try {
            file = byId.get(new URL(uri, baseId).href);
          } catch {
            file = undefined;
          }
        }
      }
    }
    if (file === undefined || !Object.hasOwn(set, file)) return undefined;
    if (fragment !== "" && !fragment.startsWith("/")) return undefined; // plain-name anchors are not used in govex specs
    const node = evaluatePointer(set[file], fragment);
    return node === undefined ? undefined : { node, base: file, ptr: fragment };
  };
}

/**
 * Compare two versions of a JSON Schema 2020-12 set (file name → schema). Data
 * standards are exchanged both ways, so narrowing validation is ERR (data valid
 * before is now rejected) and widening at least WARN (systems built on the old
 * version may reject new data).
 *
 * @example
 * ```ts
 * const result = diffSchemaSets(
 *   { "person.schema.json": { type: "object", properties: { name: { type: "string", maxLength: 50 } } } },
 *   { "person.schema.json": { type: "object", properties: { name: { type: "string", maxLength: 30 } } } },
 * );
 * result.changes[0]?.id; // "schema-max-length-decreased"
 * result.changes[0]?.level; // "ERR"
 * ```
 */
export function diffSchemaSets(
  oldSet: Record<string, unknown>,
  newSet: Record<string, unknown>,
  options?: DiffOptions,
): DiffResult {
  const before = checkSet(oldSet, "old");
  const after = checkSet(newSet, "new");
  const comparer = new SchemaComparer(resolverFor(before), resolverFor(after));
  const raws: RawChange[] = [];
  const files = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  for (const file of files) {
    const inOld = Object.hasOwn(before, file);
    const inNew = Object.hasOwn(after, file);
    if (!inNew) {
      raws.push({ id: "schema-removed", location: file, pointer: `${file}#`, old: file });
      continue;
    }
    if (!inOld) {
      raws.push({ id: "schema-added", location: file, pointer: `${file}#`, new: file });
      continue;
    }
    const x = before[file];
    const y = after[file];
    if (isObject(x) && isObject(y)) {
      for (const [keyword, id] of [
        ["$id", "schema-id-changed"],
        ["$schema", "schema-dialect-changed"],
      ] as const) {
        if (own(x, keyword) !== own(y, keyword))
          raws.push({
            id,
            location: file,
            pointer: `${file}#/${keyword}`,
            old: own(x, keyword),
            new: own(y, keyword),
          });
      }
    }
    const o: At = { node: x, base: file, ptr: "" };
    const n: At = { node: y, base: file, ptr: "" };
    const start = comparer.changes.length;
    comparer.compare(o, n, { scope: "schema", mode: "pointer", locBase: file, locPath: "" });
    raws.push(...comparer.changes.slice(start));
  }
  return finish(raws, options);
}
