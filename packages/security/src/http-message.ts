/**
 * The parts of an HTTP message that signatures and digests read. Header maps are
 * accepted in the shapes Node and undici use (lower-case names, string or
 * string[] values) and as a WHATWG `Headers`.
 */
export type HeaderValue = string | number | readonly string[] | undefined;
export type HeaderMap = Readonly<Record<string, HeaderValue>> | Headers;

export interface RequestMessage {
  method: string;
  /** The absolute target URI (RFC 9110 §7.1), e.g. `https://node.example/v1/catalog?x=1`. */
  url: string | URL;
  headers: HeaderMap;
}

export interface ResponseMessage {
  status: number;
  headers: HeaderMap;
}

function isHeaders(headers: HeaderMap): headers is Headers {
  return (
    typeof (headers as Headers).get === "function" && typeof (headers as Headers).has === "function"
  );
}

// The raw value of a field by lower-case name: an own property of that name, else the
// first key that matches case-insensitively (a caller's hand-written map).
function lookup(headers: Readonly<Record<string, HeaderValue>>, lower: string): HeaderValue {
  if (Object.hasOwn(headers, lower)) {
    const value = headers[lower];
    if (value !== undefined) return value;
  }
  for (const key in headers) {
    // Only a key of the same length can match; most are skipped without lower-casing.
    if (key.length === lower.length && Object.hasOwn(headers, key) && key.toLowerCase() === lower)
      return headers[key];
  }
  return undefined;
}

/**
 * All values of a field, by case-insensitive name, or undefined when absent.
 * A Node/undici map keeps repeated fields as an array; `Headers` has joined them.
 */
export function fieldValues(headers: HeaderMap, name: string): string[] | undefined {
  const lower = name.toLowerCase();
  if (isHeaders(headers)) {
    const value = headers.get(lower);
    return value === null ? undefined : [value];
  }
  const value = lookup(headers, lower);
  if (value === undefined) return undefined;
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  return [...value];
}

/** One field's value as a single string, repeated values joined by ", " (RFC 9110 §5.3). */
export function fieldValue(headers: HeaderMap, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name.toLowerCase()) ?? undefined;
  const value = lookup(headers, name.toLowerCase());
  if (value === undefined || typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return value.join(", ");
}
