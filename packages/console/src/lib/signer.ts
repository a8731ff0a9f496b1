/**
 * Requests signed in the browser with the govex profile of RFC 9421 (label `govex`, tag
 * `govex-exchange-v1`; docs/en/security.md): the signature covers `@method`, `@target-uri` and,
 * when present, `content-type`, `content-digest` (RFC 9530, sha-256) and `idempotency-key`, with
 * created, expires (+300 s), a 128-bit nonce and the key id (RFC 9421 §2.3). Ed25519 through Web
 * Crypto; the private key never leaves the CryptoKey.
 */
import { concat, pemBody, toBase64, toBase64Url } from "./bytes.js";

export const SIGNATURE_LABEL = "govex";
export const SIGNATURE_TAG = "govex-exchange-v1";
export const SIGNATURE_LIFETIME = 300;

export interface BrowserKey {
  keyId: string;
  /** An Ed25519 private CryptoKey with the "sign" usage. */
  privateKey: CryptoKey;
}

export interface OutgoingRequest {
  method: string;
  /** Absolute URL, exactly as fetch will send it. */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

const COVERED_FIELDS = ["content-type", "content-digest", "idempotency-key"];
const utf8 = new TextEncoder();

/** RFC 9530 §2: `sha-256=:base64:`. */
export async function contentDigest(body: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", concat(body)));
  return `sha-256=:${toBase64(hash)}:`;
}

/** An sf-string (RFC 8941 §3.3.3): only printable ASCII, `"` and `\` escaped. */
function sfString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) throw new RangeError("not a printable ASCII string");
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The signature base (RFC 9421 §2.5) and the serialized signature parameters. */
export function signatureBase(
  request: OutgoingRequest,
  params: { created: number; expires: number; nonce: string; keyId: string },
): { base: string; signatureParams: string } {
  const lower = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const fields = COVERED_FIELDS.filter((name) => lower[name] !== undefined);
  const components = ['"@method"', '"@target-uri"', ...fields.map((f) => `"${f}"`)];
  const signatureParams = `(${components.join(" ")});created=${params.created};expires=${params.expires};nonce=${sfString(params.nonce)};keyid=${sfString(params.keyId)};tag=${sfString(SIGNATURE_TAG)}`;
  const lines = [
    `"@method": ${request.method.toUpperCase()}`,
    `"@target-uri": ${request.url}`,
    // RFC 9421 §2.1: field values with leading and trailing whitespace removed.
    ...fields.map((name) => `"${name}": ${String(lower[name]).trim()}`),
    `"@signature-params": ${signatureParams}`,
  ];
  return { base: lines.join("\n"), signatureParams };
}

/**
 * The headers to add: Content-Digest (for a body), Signature-Input and Signature.
 *
 * @example
 * const extra = await signRequest(key, { method: "GET", url: `${location.origin}/v1/members`, headers: {} });
 */
export async function signRequest(
  key: BrowserKey,
  request: OutgoingRequest,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<Record<string, string>> {
  const headers = { ...request.headers };
  if (request.body !== undefined) headers["content-digest"] = await contentDigest(request.body);
  const created = now();
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const { base, signatureParams } = signatureBase(
    { ...request, headers },
    { created, expires: created + SIGNATURE_LIFETIME, nonce, keyId: key.keyId },
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, utf8.encode(base)),
  );
  return {
    ...(request.body === undefined ? {} : { "content-digest": headers["content-digest"] ?? "" }),
    "signature-input": `${SIGNATURE_LABEL}=${signatureParams}`,
    signature: `${SIGNATURE_LABEL}=:${toBase64(signature)}:`,
  };
}

/** Why a key file was refused. */
export type KeyFileProblem = "key_file_unreadable" | "key_not_ed25519";

/**
 * Import a private key file: PKCS#8 PEM (`govex start` writes keys/operator.pem) or an Ed25519
 * JWK. The imported key is not extractable.
 */
export async function importPrivateKey(text: string): Promise<CryptoKey | KeyFileProblem> {
  try {
    const trimmed = text.trim();
    if (trimmed.startsWith("{")) {
      const jwk = JSON.parse(trimmed) as JsonWebKey;
      if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.d !== "string")
        return "key_not_ed25519";
      return await crypto.subtle.importKey("jwk", jwk, { name: "Ed25519" }, false, ["sign"]);
    }
    const der = pemBody(trimmed, "PRIVATE KEY");
    if (der === undefined) return "key_file_unreadable";
    return await crypto.subtle.importKey("pkcs8", concat(der), { name: "Ed25519" }, false, [
      "sign",
    ]);
  } catch (error) {
    return (error as Error)?.name === "DataError" || (error as Error)?.name === "NotSupportedError"
      ? "key_not_ed25519"
      : "key_file_unreadable";
  }
}
