import type { HeaderMap, RequestMessage, ResponseMessage } from "./http-message.js";
import { fieldValues } from "./http-message.js";
import {
  type InnerList,
  type Item,
  parseDictionary,
  parseItem,
  StructuredFieldError,
  serializeBareItem,
  serializeDictionary,
  serializeItem,
  serializeMember,
  serializeParams,
} from "./structured-fields.js";

/** Why a signature base could not be built (RFC 9421 §2.5 says to fail, not to guess). */
export class SignatureBaseError extends Error {
  override name = "SignatureBaseError";
  constructor(
    readonly code: "signature_component_missing" | "signature_component_invalid",
    message: string,
  ) {
    super(message);
  }
}

/** A signature's covered message: the message, and for a response, the request it answers. */
export interface SignatureContext {
  message: RequestMessage | ResponseMessage;
  /** The request a response answers; needed for components with the `req` flag (RFC 9421 §2.4). */
  request?: RequestMessage;
}

const DERIVED_REQUEST = new Set([
  "@method",
  "@target-uri",
  "@authority",
  "@scheme",
  "@request-target",
  "@path",
  "@query",
  "@query-param",
]);

function isRequest(message: RequestMessage | ResponseMessage): message is RequestMessage {
  return "method" in message;
}

// application/x-www-form-urlencoded percent-encode set (WHATWG URL §1.3), with
// space as %20, as RFC 9421 §2.2.8 requires for @query-param names and values.
function encodeQueryComponent(value: string): string {
  let out = "";
  for (const byte of Buffer.from(value, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9*\-._]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function derivedValue(
  name: string,
  component: Item,
  message: RequestMessage | ResponseMessage,
): string {
  if (name === "@status") {
    // RFC 9421 §2.2.9: three-digit status code, responses only.
    if (isRequest(message))
      throw new SignatureBaseError("signature_component_invalid", "@status is only for responses");
    return String(message.status);
  }
  if (!DERIVED_REQUEST.has(name)) {
    throw new SignatureBaseError(
      "signature_component_invalid",
      `unknown derived component ${name}`,
    );
  }
  if (!isRequest(message))
    throw new SignatureBaseError("signature_component_invalid", `${name} is only for requests`);
  const url = typeof message.url === "string" ? new URL(message.url) : message.url;
  switch (name) {
    case "@method": // §2.2.1
      return message.method;
    case "@target-uri": {
      // §2.2.2: the full target URI, without a fragment.
      const href = url.href;
      const hash = href.indexOf("#");
      return hash < 0 ? href : href.slice(0, hash);
    }
    case "@authority": // §2.2.3: host[:port], lower case, default port omitted (URL does both).
      return url.host;
    case "@scheme": // §2.2.4
      return url.protocol.slice(0, -1);
    case "@request-target": // §2.2.5 (origin-form)
      return url.pathname + url.search;
    case "@path": // §2.2.6
      return url.pathname || "/";
    case "@query": // §2.2.7: "?" when the query is absent or empty.
      return url.search || "?";
    default: {
      // §2.2.8: the named parameter's decoded value, re-encoded; a repeated name
      // MUST NOT be signed this way.
      const param = component.params.get("name");
      if (typeof param !== "string") {
        throw new SignatureBaseError(
          "signature_component_invalid",
          "@query-param needs a name parameter",
        );
      }
      const values: string[] = [];
      for (const [key, value] of new URLSearchParams(url.search)) {
        if (encodeQueryComponent(key) === param) values.push(value);
      }
      if (values.length === 0)
        throw new SignatureBaseError(
          "signature_component_missing",
          `query parameter ${param} is absent`,
        );
      if (values.length > 1) {
        throw new SignatureBaseError(
          "signature_component_invalid",
          `query parameter ${param} occurs more than once`,
        );
      }
      return encodeQueryComponent(values[0] as string);
    }
  }
}

// RFC 9421 §2.1: strip leading and trailing whitespace from each value, then join with ", ".
function canonicalField(values: readonly string[]): string {
  return values.length === 1
    ? (values[0] as string).trim()
    : values.map((v) => v.trim()).join(", ");
}

function fieldComponentValue(name: string, component: Item, headers: HeaderMap): string {
  const values = fieldValues(headers, name);
  if (values === undefined)
    throw new SignatureBaseError("signature_component_missing", `field ${name} is absent`);
  const { params } = component;
  if (params.size === 0) return canonicalField(values);
  if (params.has("bs")) {
    // §2.1.3: each value as a Byte Sequence, joined with ", ".
    if (params.has("sf") || params.has("key")) {
      throw new SignatureBaseError(
        "signature_component_invalid",
        "bs cannot be combined with sf or key",
      );
    }
    return values.map((v) => serializeBareItem(new TextEncoder().encode(v.trim()))).join(", ");
  }
  const raw = canonicalField(values);
  const key = params.get("key");
  if (key !== undefined || params.has("sf")) {
    // §2.1.1 strict serialization and §2.1.2 dictionary member, both as Dictionaries here:
    // govex signs only Dictionary-typed structured fields (Signature, Content-Digest, ...).
    try {
      const dict = parseDictionary(raw);
      if (key === undefined) return serializeDictionary(dict);
      if (typeof key !== "string")
        throw new SignatureBaseError("signature_component_invalid", "key must be a string");
      const member = dict.get(key);
      if (!member)
        throw new SignatureBaseError(
          "signature_component_missing",
          `member ${key} of ${name} is absent`,
        );
      return serializeMember(member);
    } catch (error) {
      if (error instanceof StructuredFieldError) {
        throw new SignatureBaseError(
          "signature_component_invalid",
          `${name} is not a structured dictionary`,
        );
      }
      throw error;
    }
  }
  return raw;
}

/** The value of one covered component (RFC 9421 §2.1, §2.2, §2.4 for `req`). */
export function componentValue(component: Item, context: SignatureContext): string {
  if (typeof component.value !== "string") {
    throw new SignatureBaseError(
      "signature_component_invalid",
      "component identifiers are strings",
    );
  }
  const name = component.value;
  if (name !== name.toLowerCase()) {
    throw new SignatureBaseError(
      "signature_component_invalid",
      `component names are lower case: ${name}`,
    );
  }
  let message = context.message;
  if (component.params.has("req")) {
    if (isRequest(message) || !context.request) {
      throw new SignatureBaseError(
        "signature_component_invalid",
        "req is only for a response with its request",
      );
    }
    message = context.request;
  }
  if (name.startsWith("@")) return derivedValue(name, component, message);
  return fieldComponentValue(name, component, message.headers);
}

/**
 * Build the signature base (RFC 9421 §2.5): one line per covered component,
 * `"name";params: value`, then the `@signature-params` line; lines joined by LF
 * with no trailing LF. Throws {@link SignatureBaseError}.
 */
export function signatureBase(params: InnerList, context: SignatureContext): string {
  const ids: string[] = [];
  // A signature covers a handful of components: comparing with the earlier ones is cheaper
  // than hashing each identifier, and a Set keeps a long hostile list linear.
  const seen = params.items.length > 16 ? new Set<string>() : undefined;
  let base = "";
  for (const component of params.items) {
    const id = serializeItem(component);
    if (seen ? seen.has(id) : ids.includes(id))
      throw new SignatureBaseError("signature_component_invalid", `${id} is covered twice`);
    seen?.add(id);
    ids.push(id);
    const value = componentValue(component, context);
    if (value.includes("\n") || value.includes("\r"))
      throw new SignatureBaseError("signature_component_invalid", `${id} contains a line break`);
    base += `${id}: ${value}\n`;
  }
  return `${base}"@signature-params": (${ids.join(" ")})${serializeParams(params.params)}`;
}

/** Parse one component identifier, e.g. `"@query-param";name="Pet"`. */
export function parseComponent(identifier: string): Item {
  return parseItem(identifier);
}
