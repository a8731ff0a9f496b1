import { randomFillSync } from "node:crypto";
import {
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
  type Signer,
  type Verifier,
} from "./algorithms.js";
import { fieldValue } from "./http-message.js";
import { type SecurityCode, type SecurityLocale, securityMessage } from "./messages.js";
import type { NonceStore } from "./nonce-store.js";
import { SignatureBaseError, type SignatureContext, signatureBase } from "./signature-base.js";
import {
  type BareItem,
  type InnerList,
  type Item,
  isInnerList,
  type Parameters,
  parseDictionary,
  parseItem,
  StructuredFieldError,
  serializeItem,
} from "./structured-fields.js";

/** Looks up the verifier for a `keyid` (the exchange node's member registry, a JWKS cache, an HSM…). */
export type KeyResolver = (keyId: string) => Verifier | undefined | Promise<Verifier | undefined>;

export interface CreateSignatureOptions {
  signer: Signer;
  /** The signature's label in the Signature and Signature-Input dictionaries. */
  label: string;
  /** Covered components as identifiers (`"@method"`, `"@query-param";name="x"`) or items. */
  components: readonly (string | Item)[];
  /** `created` in seconds since the epoch; defaults to now. Pass `null` to omit. */
  created?: number | null;
  /** `expires` in seconds since the epoch. */
  expires?: number;
  nonce?: string;
  tag?: string;
  /** Add the `alg` parameter (RFC 9421 §2.3 makes it optional; the key usually implies it). */
  includeAlg?: boolean;
  /**
   * The signature parameters exactly, in order, replacing the options above (for
   * reproducing a given Signature-Input; the order is part of the signed base).
   */
  parameters?: Parameters;
}

export interface CreatedSignature {
  label: string;
  /** One Signature-Input dictionary member: `label=(…);created=…`. */
  signatureInput: string;
  /** One Signature dictionary member: `label=:base64:`. */
  signature: string;
  /** The signature base that was signed (RFC 9421 §2.5), for logs and debugging. */
  base: string;
}

const MAX_FIELD_LENGTH = 16 * 1024;
const SIGNATURE_PARAMS_PREFIX = '"@signature-params": '.length;
const encoder = new TextEncoder();

// Component identifiers given as strings are the same few on every call (the profile's
// `"@method"`, `"content-digest"` …): parse each once. The cached items are never handed
// out, only read, and the cache is bounded so that callers' strings cannot grow it.
const parsedComponents = new Map<string, Item>();

function toItem(component: string | Item): Item {
  if (typeof component !== "string") return component;
  let item = parsedComponents.get(component);
  if (item === undefined) {
    item = parseItem(component);
    if (parsedComponents.size >= 256) parsedComponents.clear();
    parsedComponents.set(component, item);
  }
  return item;
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === "function";
}

/** Base64 of bytes through a view rather than a copy. */
function base64(bytes: Uint8Array): string {
  return (
    ArrayBuffer.isView(bytes)
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      : Buffer.from(bytes)
  ).toString("base64");
}

/** Seconds since the epoch. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

// Nonces are cut from a pool of random bytes refilled 4 KiB at a time, as crypto.randomUUID
// does: one call into the CSPRNG per 256 nonces instead of one per nonce. The bytes are
// still used once each, and a nonce is public anyway (it travels in Signature-Input).
const NONCE_BYTES = 16;
const noncePool = Buffer.alloc(256 * NONCE_BYTES);
let nonceOffset = noncePool.length;

/** A fresh 128-bit nonce, base64url. */
export function generateNonce(): string {
  if (nonceOffset === noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  const nonce = noncePool.toString("base64url", nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

// RFC 9421 §2.3: created, expires, nonce, keyid, alg, tag, in that order.
function defaultParameters(options: CreateSignatureOptions): Parameters {
  const params: Parameters = new Map();
  const created = options.created === undefined ? nowSeconds() : options.created;
  if (created !== null) params.set("created", created);
  if (options.expires !== undefined) params.set("expires", options.expires);
  if (options.nonce !== undefined) params.set("nonce", options.nonce);
  params.set("keyid", options.signer.keyId);
  if (options.includeAlg) params.set("alg", options.signer.algorithm);
  if (options.tag !== undefined) params.set("tag", options.tag);
  return params;
}

/**
 * Sign a message (RFC 9421 §3.1): build the signature parameters and the
 * signature base, sign it, and return the two dictionary members to add.
 *
 * @example
 * const sig = await createSignature(
 *   { message: { method: "POST", url: "https://node.example/v1/catalog", headers } },
 *   { signer, label: "govex", components: ["@method", "@target-uri", "content-digest"] },
 * );
 * headers["signature-input"] = sig.signatureInput;
 * headers.signature = sig.signature;
 */
export async function createSignature(
  context: SignatureContext,
  options: CreateSignatureOptions,
): Promise<CreatedSignature> {
  const params = options.parameters ?? defaultParameters(options);
  const inner: InnerList = { items: options.components.map(toItem), params };
  const base = signatureBase(inner, context);
  const signing = options.signer.sign(encoder.encode(base));
  // A signer in memory answers at once; only one behind an HSM needs the await (a tick each).
  const signature = isPromiseLike(signing) ? await signing : signing;
  // The base's last line is `"@signature-params": ` and the serialized inner list (§2.5).
  const signatureParams = base.slice(base.lastIndexOf("\n") + 1 + SIGNATURE_PARAMS_PREFIX);
  return {
    label: options.label,
    signatureInput: `${options.label}=${signatureParams}`,
    signature: `${options.label}=:${base64(signature)}:`,
    base,
  };
}

export interface VerifySignatureOptions {
  keys: KeyResolver | ReadonlyMap<string, Verifier>;
  /** Verify the signature with this label; otherwise the first one with `tag`, or the first one. */
  label?: string;
  tag?: string;
  /** Component identifiers that must be covered, e.g. `"@method"`, `"content-digest"`. */
  required?: readonly string[];
  /** Seconds since the epoch; defaults to the clock. */
  now?: number;
  /** Refuse signatures whose `created` is older than this many seconds (default 300). */
  maxAge?: number;
  /** Tolerated clock difference in seconds (default 30). */
  clockSkew?: number;
  /** With a store, a nonce is required and may be used once (RFC 9421 §7.2.2). */
  nonces?: NonceStore;
  locale?: SecurityLocale;
}

export interface VerifiedSignature {
  ok: true;
  label: string;
  keyId: string;
  algorithm: SignatureAlgorithm;
  created?: number;
  expires?: number;
  nonce?: string;
  tag?: string;
  /** The covered component identifiers, serialized. */
  covered: string[];
}

export interface SignatureFailure {
  ok: false;
  code: SecurityCode;
  message: string;
  detail: string;
  label?: string;
  keyId?: string;
}

export type SignatureVerification = VerifiedSignature | SignatureFailure;

/** A failed verification as data, with the code's message in the locale. */
export function signatureFailure(
  code: SecurityCode,
  detail: string,
  locale: SecurityLocale | undefined,
  extra: { label?: string; keyId?: string } = {},
): SignatureFailure {
  return { ok: false, code, message: securityMessage(code, locale), detail, ...extra };
}

function optional<T extends BareItem>(
  params: Parameters,
  name: string,
  type: "number" | "string",
): T | undefined | Error {
  const value = params.get(name);
  if (value === undefined) return undefined;
  if (typeof value !== type || (type === "number" && !Number.isInteger(value))) {
    return new Error(`${name} must be ${type === "number" ? "an integer" : "a string"}`);
  }
  return value as T;
}

/**
 * Verify one signature of a message (RFC 9421 §3.2), checking in order: the
 * fields parse; the required components are covered; `created`/`expires` are in
 * the window; the key is known and its algorithm agrees with `alg`; the nonce is
 * fresh; the signature verifies. Returns data, never throws for bad input.
 */
export async function verifySignature(
  context: SignatureContext,
  options: VerifySignatureOptions,
): Promise<SignatureVerification> {
  const { locale } = options;
  const headers = context.message.headers;
  const inputField = fieldValue(headers, "signature-input");
  const signatureField = fieldValue(headers, "signature");
  if (inputField === undefined || signatureField === undefined) {
    return signatureFailure("signature_missing", "Signature-Input or Signature is absent", locale);
  }
  if (inputField.length > MAX_FIELD_LENGTH || signatureField.length > MAX_FIELD_LENGTH) {
    return signatureFailure("signature_malformed", "signature fields are too long", locale);
  }
  let inputs: ReturnType<typeof parseDictionary>;
  let signatures: ReturnType<typeof parseDictionary>;
  try {
    inputs = parseDictionary(inputField);
    signatures = parseDictionary(signatureField);
  } catch (error) {
    if (error instanceof StructuredFieldError)
      return signatureFailure("signature_malformed", error.message, locale);
    throw error;
  }

  let label = options.label;
  if (label === undefined) {
    for (const [name, member] of inputs) {
      if (
        options.tag === undefined ||
        (isInnerList(member) && member.params.get("tag") === options.tag)
      ) {
        label = name;
        break;
      }
    }
  }
  const input = label === undefined ? undefined : inputs.get(label);
  const signature = label === undefined ? undefined : signatures.get(label);
  if (label === undefined || !input || !signature) {
    return signatureFailure(
      "signature_missing",
      `no signature labelled ${options.label ?? options.tag ?? "(any)"}`,
      locale,
    );
  }
  if (!isInnerList(input) || input.items.some((item) => typeof item.value !== "string")) {
    return signatureFailure(
      "signature_malformed",
      `Signature-Input ${label} is not an inner list of strings`,
      locale,
      { label },
    );
  }
  if (isInnerList(signature) || !(signature.value instanceof Uint8Array)) {
    return signatureFailure(
      "signature_malformed",
      `Signature ${label} is not a byte sequence`,
      locale,
      {
        label,
      },
    );
  }

  const created = optional<number>(input.params, "created", "number");
  const expires = optional<number>(input.params, "expires", "number");
  const keyId = optional<string>(input.params, "keyid", "string");
  const alg = optional<string>(input.params, "alg", "string");
  const nonce = optional<string>(input.params, "nonce", "string");
  const tag = optional<string>(input.params, "tag", "string");
  for (const value of [created, expires, keyId, alg, nonce, tag]) {
    if (value instanceof Error)
      return signatureFailure("signature_malformed", value.message, locale, { label });
  }
  if (typeof keyId !== "string")
    return signatureFailure("signature_malformed", "keyid is required", locale, { label });
  const where = { label, keyId };

  const covered = input.items.map(serializeItem);
  for (const component of options.required ?? []) {
    if (!covered.includes(component))
      return signatureFailure(
        "signature_not_covered",
        `${component} is not covered`,
        locale,
        where,
      );
  }

  // RFC 9421 §3.2.1 (expiration) and §7.2.2 (replay): bound the validity window.
  const now = options.now ?? nowSeconds();
  const skew = options.clockSkew ?? 30;
  const maxAge = options.maxAge ?? 300;
  if (typeof created !== "number")
    return signatureFailure("signature_malformed", "created is required", locale, where);
  if (created > now + skew)
    return signatureFailure(
      "signature_created_in_future",
      `created ${created} > now ${now}`,
      locale,
      where,
    );
  if (typeof expires === "number" && expires < now - skew) {
    return signatureFailure(
      "signature_expired",
      `expired at ${expires}, now ${now}`,
      locale,
      where,
    );
  }
  if (now - created > maxAge + skew)
    return signatureFailure(
      "signature_too_old",
      `created ${created} is older than ${maxAge}s`,
      locale,
      where,
    );

  const { keys } = options;
  const found = typeof keys === "function" ? keys(keyId) : keys.get(keyId);
  // A registry lookup may be asynchronous; a Map of keys answers at once.
  const verifier = isPromiseLike(found) ? await found : found;
  if (!verifier)
    return signatureFailure("signature_unknown_key", `keyid ${keyId} is not known`, locale, where);
  if (typeof alg === "string" && alg !== verifier.algorithm) {
    const known = (SIGNATURE_ALGORITHMS as readonly string[]).includes(alg);
    return signatureFailure(
      "signature_algorithm_mismatch",
      `alg ${alg}${known ? "" : " (unknown)"} but key is ${verifier.algorithm}`,
      locale,
      where,
    );
  }

  let base: string;
  try {
    base = signatureBase(input, context);
  } catch (error) {
    if (error instanceof SignatureBaseError)
      return signatureFailure(error.code, error.message, locale, where);
    if (error instanceof StructuredFieldError || error instanceof TypeError) {
      return signatureFailure(
        "signature_component_invalid",
        (error as Error).message,
        locale,
        where,
      );
    }
    throw error;
  }
  const verifying = verifier.verify(encoder.encode(base), signature.value);
  if (!(isPromiseLike(verifying) ? await verifying : verifying)) {
    return signatureFailure(
      "signature_invalid",
      "the signature does not match the signature base",
      locale,
      where,
    );
  }

  // Claim the nonce only after the signature verifies, so forged requests cannot burn nonces.
  if (options.nonces) {
    if (typeof nonce !== "string" || nonce.length === 0)
      return signatureFailure("signature_nonce_missing", "nonce is required", locale, where);
    const until = (typeof expires === "number" ? expires : created + maxAge) + skew;
    if (!(await options.nonces.claim(keyId, nonce, until))) {
      return signatureFailure(
        "signature_replayed",
        `nonce ${nonce} was used before`,
        locale,
        where,
      );
    }
  }

  return {
    ok: true,
    label,
    keyId,
    algorithm: verifier.algorithm,
    covered,
    ...(created === undefined ? {} : { created }),
    ...(typeof expires === "number" ? { expires } : {}),
    ...(typeof nonce === "string" ? { nonce } : {}),
    ...(typeof tag === "string" ? { tag } : {}),
  };
}

/** Add a member to a dictionary field's current value (for a message that already carries signatures). */
export function appendDictionaryMember(current: string | undefined, member: string): string {
  return current === undefined || current === "" ? member : `${current}, ${member}`;
}
