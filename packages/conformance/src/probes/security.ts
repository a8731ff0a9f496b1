import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import {
  createSignature,
  createSigner,
  GOVEX_SIGNATURE_LABEL,
  GOVEX_SIGNATURE_LIFETIME,
  GOVEX_SIGNATURE_TAG,
  generateNonce,
  generateSm2KeyPair,
  type KeyMaterial,
  nowSeconds,
  type SignatureAlgorithm,
  type Signer,
  signRequest,
} from "@govex/security";
import { msg } from "../errors.js";
import type { Localized } from "../types.js";
import type { Exchange, Signing, WireRequest } from "../wire.js";
import { type Context, outcome, type Resource } from "./context.js";

/** A key of the same algorithm that the provider does not know. */
function foreignKey(algorithm: SignatureAlgorithm): KeyMaterial {
  switch (algorithm) {
    case "ecdsa-p256-sha256":
      return generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey;
    case "sm2-sm3":
      return generateSm2KeyPair().privateKey;
    case "hmac-sha256":
      return randomBytes(32);
    case "rsa-pss-sha512":
    case "rsa-v1_5-sha256":
      return generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    default:
      return generateKeyPairSync("ed25519").privateKey;
  }
}

interface Probe {
  name: Localized;
  request: WireRequest;
  /** Statuses that count as refusing it. */
  refused: readonly number[];
}

/**
 * unsigned-request-refused, wrong-signature-refused and replayed-request-refused: requests that
 * the exchange would never send must be answered 401 (RFC 9421 §3.2; replay, §7.2.2).
 */
export async function probeSignatures(
  context: Context,
  signer: Signer,
  resources: Resource[],
): Promise<void> {
  const { findings } = context;
  const foreign = foreignKey(signer.algorithm);
  const impostor = createSigner({ keyId: signer.keyId, algorithm: signer.algorithm, key: foreign });
  const stranger = createSigner({
    keyId: "govex-conformance-unknown-key",
    algorithm: signer.algorithm,
    key: foreign,
  });
  const describe: Omit<WireRequest, "signing"> = {
    operation: "signature-probe",
    method: "GET",
    path: "describe",
  };
  const queried = resources.find((r) => r.operations.has("query"));
  const verified = resources.find((r) => r.operations.has("verify"));
  const verifyRequest = (body: object): Omit<WireRequest, "signing"> => ({
    operation: "signature-probe",
    method: "POST",
    path: `${verified?.path}/verify`,
    query: [["purpose", context.purpose]],
    headers: { ...context.dataHeaders(), "idempotency-key": randomUUID() },
    body,
  });
  const signedBy =
    (options: Partial<Parameters<typeof signRequest>[1]>, url?: (u: URL) => URL): Signing =>
    (message, body) =>
      signRequest(
        { ...message, url: url ? url(new URL(message.url)) : message.url },
        { signer, ...(body ? { body } : {}), ...options },
      ) as unknown as Promise<Record<string, string>>;

  const unsigned: Probe[] = [
    {
      name: msg("未签名的 describe", "unsigned describe"),
      request: { ...describe, signing: "none" },
      refused: [401],
    },
  ];
  if (queried)
    unsigned.push({
      name: msg("未签名的查询", "unsigned query"),
      request: {
        operation: "signature-probe",
        method: "GET",
        path: `${queried.path}/records`,
        query: [
          ["purpose", context.purpose],
          ["limit", "1"],
        ],
        headers: context.dataHeaders(),
        signing: "none",
      },
      refused: [401],
    });
  if (verified)
    unsigned.push({
      name: msg("未签名的核验", "unsigned verify"),
      request: { ...verifyRequest({ key: "x", values: { x: "x" } }), signing: "none" },
      refused: [401],
    });

  const now = nowSeconds();
  const wrongly: Probe[] = [
    {
      name: msg("同一 keyid 但换了私钥", "the same keyid, another private key"),
      request: { ...describe, signing: signedBy({ signer: impostor }) },
      refused: [401],
    },
    {
      name: msg("未登记的 keyid", "an unknown keyid"),
      request: { ...describe, signing: signedBy({ signer: stranger }) },
      refused: [401],
    },
    {
      name: msg("一小时前已过期的签名", "a signature that expired an hour ago"),
      request: { ...describe, signing: signedBy({ created: now - 3600 }) },
      refused: [401],
    },
    {
      name: msg("一小时后才生效的签名", "a signature created an hour in the future"),
      request: { ...describe, signing: signedBy({ created: now + 3600 }) },
      refused: [401],
    },
    {
      name: msg("签名针对另一个地址", "a signature over another target URI"),
      request: {
        ...describe,
        signing: signedBy({}, (u) => {
          u.searchParams.set("govex-tampered", "1");
          return u;
        }),
      },
      refused: [401],
    },
    {
      name: msg("签名只覆盖 @method", "a signature that covers @method only"),
      request: {
        ...describe,
        signing: async (message) => {
          const signed = await createSignature(
            { message },
            {
              signer,
              label: GOVEX_SIGNATURE_LABEL,
              components: ['"@method"'],
              created: now,
              expires: now + GOVEX_SIGNATURE_LIFETIME,
              nonce: generateNonce(),
              tag: GOVEX_SIGNATURE_TAG,
            },
          );
          return { "signature-input": signed.signatureInput, signature: signed.signature };
        },
      },
      refused: [401],
    },
  ];
  if (verified)
    wrongly.push({
      name: msg("Content-Digest 与请求体不符", "a Content-Digest that does not match the body"),
      request: {
        ...verifyRequest({ key: "x", values: { x: "x" } }),
        signing: (message) =>
          signRequest(message, {
            signer,
            body: JSON.stringify({ key: "y", values: { y: "y" } }),
          }) as unknown as Promise<Record<string, string>>,
      },
      refused: [400, 401],
    });

  await runProbes(context, "unsigned-request-refused", unsigned);
  await runProbes(context, "wrong-signature-refused", wrongly);

  // Replay: the very same signed request twice; the first is answered, the second refused.
  const prepared = await context.wire.prepare({ ...describe, signing: "valid" });
  const original = await context.wire.resend(prepared);
  const replayed = await context.wire.resend(prepared);
  if (original.status !== 200)
    findings.fail(
      "replayed-request-refused",
      msg(
        `首次发送的请求应答复 200,实为 ${outcome(original)["zh-CN"]},无法检测重放。`,
        `the first sending should be answered 200, got ${outcome(original).en}, so replay could not be tested.`,
      ),
      original.line,
    );
  else if (replayed.status === 401) findings.pass("replayed-request-refused");
  else
    findings.fail(
      "replayed-request-refused",
      msg(
        `原样重放的请求(同一 nonce)应答复 401,实为 ${outcome(replayed)["zh-CN"]}。提供方应记住有效期内的 nonce (RFC 9421 §7.2.2)。`,
        `the same request replayed (same nonce) should be 401, got ${outcome(replayed).en}: keep nonces until their signatures expire (RFC 9421 §7.2.2).`,
      ),
      replayed.line,
    );
}

async function runProbes(
  context: Context,
  check: "unsigned-request-refused" | "wrong-signature-refused",
  probes: Probe[],
): Promise<void> {
  for (const probe of probes) {
    const exchange: Exchange = await context.wire.send(probe.request);
    if (exchange.status !== undefined && probe.refused.includes(exchange.status))
      context.findings.pass(check);
    else
      context.findings.fail(
        check,
        msg(
          `${probe.name["zh-CN"]}: 应答复 ${probe.refused.join(" 或 ")},实为 ${outcome(exchange)["zh-CN"]}。`,
          `${probe.name.en}: expected ${probe.refused.join(" or ")}, got ${outcome(exchange).en}.`,
        ),
        exchange.line,
      );
  }
}

/** signature-response-valid: every answer to a validly signed request, as checked on arrival. */
export function checkResponseSignatures(context: Context): void {
  for (const exchange of context.wire.exchanges) {
    const result = exchange.verification;
    if (!result) continue;
    if (result.ok) context.findings.pass("signature-response-valid");
    else
      context.findings.fail(
        "signature-response-valid",
        msg(
          `响应签名或摘要无效 (${result.code}): ${result.detail}`,
          `the response signature or digest is not valid (${result.code}): ${result.detail}`,
        ),
        exchange.line,
      );
  }
}
