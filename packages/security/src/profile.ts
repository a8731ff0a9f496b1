import type { Signer } from "./algorithms.js";
import {
  type ContentDigestAlgorithm,
  contentDigest,
  verifyContentDigest,
} from "./content-digest.js";
import {
  fieldValue,
  type HeaderMap,
  type RequestMessage,
  type ResponseMessage,
} from "./http-message.js";
import {
  createSignature,
  generateNonce,
  nowSeconds,
  type SignatureVerification,
  signatureFailure,
  type VerifySignatureOptions,
  verifySignature,
} from "./http-signatures.js";

/**
 * The govex exchange signature profile (docs/en/security.md): which components a
 * request and a response cover, under which label, for how long. Written once
 * here so that the client, the exchange node and a provider agree.
 */
export const GOVEX_SIGNATURE_LABEL = "govex";
export const GOVEX_SIGNATURE_TAG = "govex-exchange-v1";
/** Seconds a signature stays valid after `created`. */
export const GOVEX_SIGNATURE_LIFETIME = 300;

/** Request fields covered when present: content, idempotency and CloudEvents identity. */
const REQUEST_FIELDS = [
  "content-type",
  "content-digest",
  "idempotency-key",
  "ce-id",
  "ce-source",
  "ce-type",
];
const RESPONSE_FIELDS = ["content-type", "content-digest"];
/** A response binds to the request's signature (RFC 9421 §2.4). */
const REQUEST_SIGNATURE_COMPONENT = `"signature";key="${GOVEX_SIGNATURE_LABEL}";req`;

function present(headers: HeaderMap, names: readonly string[]): string[] {
  return names.filter((name) => fieldValue(headers, name) !== undefined).map((name) => `"${name}"`);
}

const GOVEX_SIGNATURE_MEMBER = new RegExp(`(^|,)\\s*${GOVEX_SIGNATURE_LABEL}=`);

function hasGovexSignature(request: RequestMessage): boolean {
  const signature = fieldValue(request.headers, "signature");
  return signature !== undefined && GOVEX_SIGNATURE_MEMBER.test(signature);
}

/** The components a govex request signature covers (RFC 9421 §2.2.1, §2.2.2, §2.1). */
export function requestComponents(request: RequestMessage): string[] {
  return ['"@method"', '"@target-uri"', ...present(request.headers, REQUEST_FIELDS)];
}

/** The components a govex response signature covers, including the request's signature when it had one. */
export function responseComponents(response: ResponseMessage, request?: RequestMessage): string[] {
  const components = ['"@status"', ...present(response.headers, RESPONSE_FIELDS)];
  if (request && hasGovexSignature(request)) components.push(REQUEST_SIGNATURE_COMPONENT);
  return components;
}

export interface SignMessageOptions {
  signer: Signer;
  /** The content; when given and the message has no Content-Digest, one is computed (RFC 9530). */
  body?: Uint8Array | string;
  digestAlgorithm?: ContentDigestAlgorithm;
  /** Seconds since the epoch; defaults to now. */
  created?: number;
  lifetime?: number;
  nonce?: string;
}

/** The header fields to add to a message: Signature-Input, Signature, and Content-Digest if computed. */
export interface SignatureHeaders {
  "content-digest"?: string;
  "signature-input": string;
  signature: string;
}

function withDigest(
  headers: HeaderMap,
  options: SignMessageOptions,
): { headers: HeaderMap; digest?: string } {
  if (options.body === undefined || fieldValue(headers, "content-digest") !== undefined)
    return { headers };
  const digest = contentDigest(options.body, [options.digestAlgorithm ?? "sha-256"]);
  const merged: Record<string, string | string[] | number | undefined> = {};
  if (headers instanceof Headers)
    headers.forEach((value, name) => {
      merged[name] = value;
    });
  else Object.assign(merged, headers);
  merged["content-digest"] = digest;
  return { headers: merged, digest };
}

async function signWith(
  context: { message: RequestMessage | ResponseMessage; request?: RequestMessage },
  components: string[],
  options: SignMessageOptions,
  digest: string | undefined,
  nonce: string | undefined,
): Promise<SignatureHeaders> {
  const created = options.created ?? nowSeconds();
  const signed = await createSignature(context, {
    signer: options.signer,
    label: GOVEX_SIGNATURE_LABEL,
    components,
    created,
    expires: created + (options.lifetime ?? GOVEX_SIGNATURE_LIFETIME),
    tag: GOVEX_SIGNATURE_TAG,
    ...(nonce === undefined ? {} : { nonce }),
  });
  return {
    ...(digest === undefined ? {} : { "content-digest": digest }),
    "signature-input": signed.signatureInput,
    signature: signed.signature,
  };
}

/**
 * Sign a request with the govex profile: `@method`, `@target-uri` and, when
 * present, content-type, content-digest, idempotency-key and the CloudEvents
 * ids; a fresh nonce; five minutes' validity.
 *
 * @example
 * const extra = await signRequest({ method: "POST", url, headers }, { signer, body });
 * Object.assign(headers, extra);
 */
export async function signRequest(
  request: RequestMessage,
  options: SignMessageOptions,
): Promise<SignatureHeaders> {
  const { headers, digest } = withDigest(request.headers, options);
  const message = { ...request, headers };
  return signWith(
    { message },
    requestComponents(message),
    options,
    digest,
    options.nonce ?? generateNonce(),
  );
}

/** Sign a response with the govex profile, bound to the request's signature when it had one. */
export async function signResponse(
  response: ResponseMessage,
  request: RequestMessage,
  options: SignMessageOptions,
): Promise<SignatureHeaders> {
  const { headers, digest } = withDigest(response.headers, options);
  const message = { ...response, headers };
  return signWith(
    { message, request },
    responseComponents(message, request),
    options,
    digest,
    options.nonce,
  );
}

export type VerifyMessageOptions = Omit<VerifySignatureOptions, "label" | "tag" | "required"> & {
  /** The received content; checked against Content-Digest, which must then be present. */
  body?: Uint8Array | string;
};

function checkDigest(
  headers: HeaderMap,
  body: Uint8Array | string | undefined,
  locale: VerifyMessageOptions["locale"],
): SignatureVerification | undefined {
  if (body === undefined || body.length === 0) return undefined;
  const field = fieldValue(headers, "content-digest");
  if (field === undefined)
    return signatureFailure("content_digest_missing", "Content-Digest is absent", locale);
  const result = verifyContentDigest(field, body);
  return result.ok ? undefined : signatureFailure(result.code, result.detail, locale);
}

/** Verify a request's govex signature, and its Content-Digest against `body` when given. */
export async function verifyRequest(
  request: RequestMessage,
  options: VerifyMessageOptions,
): Promise<SignatureVerification> {
  const result = await verifySignature(
    { message: request },
    { ...options, label: GOVEX_SIGNATURE_LABEL, required: requestComponents(request) },
  );
  return result.ok
    ? (checkDigest(request.headers, options.body, options.locale) ?? result)
    : result;
}

/** Verify a response's govex signature against the request it answers, and its Content-Digest. */
export async function verifyResponse(
  response: ResponseMessage,
  request: RequestMessage,
  options: VerifyMessageOptions,
): Promise<SignatureVerification> {
  const result = await verifySignature(
    { message: response, request },
    { ...options, label: GOVEX_SIGNATURE_LABEL, required: responseComponents(response, request) },
  );
  return result.ok
    ? (checkDigest(response.headers, options.body, options.locale) ?? result)
    : result;
}
