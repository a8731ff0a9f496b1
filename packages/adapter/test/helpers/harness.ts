/**
 * A provider server over the memory adapter, with the exchange node's and the provider's keys,
 * and `send`: sign a request as the exchange node does, inject it, then check the answer's
 * signature (bound to the request) and its conformance to specs/provider v1.
 */
import { generateKeyPairSync } from "node:crypto";
import {
  createSigner,
  createVerifier,
  generateSm2KeyPair,
  type KeyOptions,
  type SignatureAlgorithm,
  type Signer,
  signRequest,
  type Verifier,
  verifyResponse,
} from "@govex/security";
import { expect } from "vitest";
import {
  createProviderServer,
  type ProviderServer,
  type ProviderServerOptions,
} from "../../src/server/server.js";
import { createMemoryAdapter, type MemoryAdapter } from "./memory-adapter.js";
import { expectSpecResponse } from "./spec.js";

export type KeyAlgorithm = Extract<SignatureAlgorithm, "ed25519" | "ecdsa-p256-sha256" | "sm2-sm3">;
export const ALGORITHMS: readonly KeyAlgorithm[] = ["ed25519", "ecdsa-p256-sha256", "sm2-sm3"];

export interface KeyPair {
  signer: Signer;
  verifier: Verifier;
}

/** A fresh key pair of an algorithm the govex profile allows. */
export function keyPair(algorithm: KeyAlgorithm, keyId: string): KeyPair {
  let options: { private: KeyOptions; public: KeyOptions };
  if (algorithm === "sm2-sm3") {
    const keys = generateSm2KeyPair();
    options = {
      private: { keyId, algorithm, key: keys.privateKey },
      public: { keyId, algorithm, key: keys.publicKey },
    };
  } else {
    const { privateKey, publicKey } =
      algorithm === "ed25519"
        ? generateKeyPairSync("ed25519")
        : generateKeyPairSync("ec", { namedCurve: "P-256" });
    options = {
      private: { keyId, algorithm, key: privateKey },
      public: { keyId, algorithm, key: publicKey },
    };
  }
  return { signer: createSigner(options.private), verifier: createVerifier(options.public) };
}

export interface Sent {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
  json: unknown;
}

export interface SendOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS";
  /** Path and query, e.g. `/v1/describe`. */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** `false`: send unsigned; a signer: sign with it instead of the exchange's key. */
  sign?: false | Signer;
  /** Signature parameters to force (created, nonce). */
  created?: number;
  nonce?: string;
  /** Change the request after signing it. */
  tamper?: (request: {
    url: string;
    headers: Record<string, string>;
    body?: string | Buffer;
  }) => void;
  /** The request's Signature field cannot be parsed, so the answer is signed unbound. */
  unbound?: boolean;
  /** The spec operation the request addresses, for the conformance check (default: from the URL). */
  operationId?: string;
}

export interface Harness {
  provider: ProviderServer;
  adapter: MemoryAdapter;
  exchange: KeyPair;
  providerKeys: KeyPair;
  send(options: SendOptions): Promise<Sent>;
  close(): Promise<void>;
}

/** The operationId a path addresses, or undefined outside the spec. */
export function operationOf(method: string, url: string): string | undefined {
  const path = url.split("?", 1)[0] ?? "";
  const table: [string, RegExp, string][] = [
    ["GET", /^\/v1\/describe$/, "describe"],
    ["GET", /^\/v1\/health$/, "check"],
    ["GET", /^\/v1\/resources\/[^/]+\/[^/]+\/records$/, "query"],
    ["GET", /^\/v1\/resources\/[^/]+\/[^/]+\/records\/[^/]+$/, "getByKey"],
    ["POST", /^\/v1\/resources\/[^/]+\/[^/]+\/verify$/, "verify"],
    ["GET", /^\/v1\/resources\/[^/]+\/[^/]+\/changes$/, "changesSince"],
  ];
  return table.find(([m, pattern]) => m === method && pattern.test(path))?.[2];
}

export async function startHarness(
  options: {
    algorithm?: KeyAlgorithm;
    exchangeAlgorithm?: KeyAlgorithm;
    adapter?: MemoryAdapter;
    server?: Partial<ProviderServerOptions>;
  } = {},
): Promise<Harness> {
  const exchange = keyPair(
    options.exchangeAlgorithm ?? options.algorithm ?? "ed25519",
    "exchange-1",
  );
  const providerKeys = keyPair(options.algorithm ?? "ed25519", "provider-1");
  const adapter = options.adapter ?? createMemoryAdapter();
  const provider = createProviderServer({
    adapter,
    signer: providerKeys.signer,
    exchangeKeys: new Map([[exchange.verifier.keyId, exchange.verifier]]),
    ...options.server,
  });
  await provider.app.ready();

  async function send(request: SendOptions): Promise<Sent> {
    const method = request.method ?? "GET";
    const headers: Record<string, string> = { host: "provider.example", ...request.headers };
    const body = request.body;
    if (request.sign !== false) {
      const signer = request.sign ?? exchange.signer;
      Object.assign(
        headers,
        await signRequest(
          { method, url: `http://provider.example${request.url}`, headers },
          {
            signer,
            ...(body === undefined ? {} : { body }),
            ...(request.created === undefined ? {} : { created: request.created }),
            ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
          },
        ),
      );
    }
    const sent = { url: request.url, headers, ...(body === undefined ? {} : { body }) };
    request.tamper?.(sent);
    const response = await provider.app.inject({
      method,
      url: sent.url,
      headers: sent.headers,
      ...(sent.body === undefined ? {} : { payload: sent.body }),
    });
    const { signature: _s, "signature-input": _i, ...unsigned } = sent.headers;
    const verified = await verifyResponse(
      { status: response.statusCode, headers: response.headers },
      {
        method,
        url: `http://provider.example${sent.url}`,
        headers: request.unbound ? unsigned : sent.headers,
      },
      {
        keys: new Map([[providerKeys.verifier.keyId, providerKeys.verifier]]),
        body: response.rawPayload,
      },
    );
    expect(verified, `response signature of ${method} ${sent.url}`).toMatchObject({ ok: true });
    const seen = { status: response.statusCode, headers: response.headers, body: response.body };
    const operationId = request.operationId ?? operationOf(method, sent.url);
    const json =
      method === "HEAD" || (sent.url.startsWith("/metrics") && response.statusCode === 200)
        ? undefined
        : await expectSpecResponse(operationId, seen);
    return { status: response.statusCode, headers: response.headers, text: response.body, json };
  }

  return {
    provider,
    adapter,
    exchange,
    providerKeys,
    send,
    close: () => provider.close(),
  };
}
