/**
 * The JSON Canonicalization Scheme (RFC 8785), as the node hashes an audit entry: members sorted
 * by UTF-16 code units (§3.2.3), no whitespace, strings and numbers as JSON.stringify writes
 * them (§3.2.2.2, §3.2.2.3). The same algorithm as @govex/security's, without Node built-ins.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > 64) throw new RangeError("nesting deeper than 64");
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
        return `[${value.map((item) => canonicalJson(item, depth + 1)).join(",")}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).filter((key) => record[key] !== undefined);
      keys.sort();
      return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], depth + 1)}`).join(",")}}`;
    }
    default:
      throw new RangeError(`a ${typeof value} has no JSON form`);
  }
}
