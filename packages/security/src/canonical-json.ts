/**
 * The JSON Canonicalization Scheme (RFC 8785): object members sorted by their names' UTF-16
 * code units (§3.2.3), no whitespace, strings and numbers serialised as ECMAScript's
 * JSON.stringify does (§3.2.2.2, §3.2.2.3). Hashes and signatures over data — an audit entry's
 * leaf hash, a conformance report's digest — are taken over this text, so whoever re-serialises
 * the data gets the same bytes.
 *
 * @throws RangeError for values JSON cannot hold (NaN, Infinity, undefined in an array,
 * functions, bigint) and for nesting deeper than 64 levels.
 * @example
 * canonicalJson({ b: 1, a: [true, "x"] }); // '{"a":[true,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, 0);
}

const MAX_DEPTH = 64;

function serialize(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError(`nesting deeper than ${MAX_DEPTH}`);
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new RangeError(`${value} has no JSON form`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value))
        return `[${value.map((item) => serialize(item, depth + 1)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => record[key] !== undefined);
      // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
      keys.sort();
      return `{${keys
        .map((key) => `${JSON.stringify(key)}:${serialize(record[key], depth + 1)}`)
        .join(",")}}`;
    }
    default:
      throw new RangeError(`a ${typeof value} has no JSON form`);
  }
}
