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
  let value = Object.hasOwn(headers, lower) ? headers[lower] : undefined;
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === lower) {
        value = headers[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  if (typeof value === "string") return [value];
  if (typeof value === "number") return [String(value)];
  return [...value];
}

/** One field's value as a single string, repeated values joined by ", " (RFC 9110 §5.3). */
export function fieldValue(headers: HeaderMap, name: string): string | undefined {
  return fieldValues(headers, name)?.join(", ");
}
