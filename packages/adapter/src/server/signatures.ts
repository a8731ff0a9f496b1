/**
 * The govex signature profile on the provider's side: verify each request's signature and
 * Content-Digest (RFC 9421 §3.2, RFC 9530 §2) before the adapter is called, and sign each
 * response bound to the request's signature (RFC 9421 §2.4).
 */
import {
  type KeyResolver,
  type NonceStore,
  type RequestMessage,
  type SecurityLocale,
  SignatureBaseError,
  type SignatureHeaders,
  type SignatureVerification,
  type Signer,
  signResponse,
  type Verifier,
  verifyRequest,
} from "@govex/security";

export interface IncomingRequest {
  method: string;
  /** The request target as received (origin-form, RFC 9112 §3.2.1). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** `scheme://host[:port]` the caller addressed. */
  origin: string;
}

/** The request as the signature saw it: `@target-uri` is the absolute URI (RFC 9421 §2.2.2). */
export function requestMessage(request: IncomingRequest): RequestMessage {
  return { method: request.method, url: request.origin + request.url, headers: request.headers };
}

/** Verify a request's govex signature and, for a body, its Content-Digest. */
export function verifyIncoming(
  request: IncomingRequest,
  body: Uint8Array | undefined,
  options: {
    keys: KeyResolver | ReadonlyMap<string, Verifier>;
    nonces: NonceStore;
    locale: SecurityLocale;
  },
): Promise<SignatureVerification> {
  return verifyRequest(requestMessage(request), {
    keys: options.keys,
    nonces: options.nonces,
    locale: options.locale,
    ...(body === undefined ? {} : { body }),
  });
}

const SIGNATURE_FIELDS = new Set(["signature", "signature-input"]);

/**
 * The signature fields of a response: covering `@status`, the content type and digest, and the
 * request's `govex` signature when it has one (RFC 9421 §2.4). A request whose Signature field
 * cannot be parsed cannot be bound to, so its answer is signed unbound rather than unsigned.
 */
export async function signOutgoing(
  request: IncomingRequest,
  response: { status: number; headers: Record<string, string> },
  body: Uint8Array,
  signer: Signer,
): Promise<SignatureHeaders> {
  const message = requestMessage(request);
  try {
    return await signResponse(response, message, { signer, body });
  } catch (error) {
    if (!(error instanceof SignatureBaseError)) throw error;
    const headers = Object.fromEntries(
      Object.entries(request.headers).filter(([name]) => !SIGNATURE_FIELDS.has(name)),
    );
    return signResponse(response, { ...message, headers }, { signer, body });
  }
}
