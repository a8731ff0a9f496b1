import { generateKeyPairSync } from "node:crypto";
import {
  createSigner,
  createVerifier,
  generateSm2KeyPair,
  type SignatureAlgorithm,
  type Signer,
  type Verifier,
} from "@govex/security";
import { type ConformanceResult, runConformance } from "../src/index.js";
import { type Break, startFixtureProvider } from "./provider.js";

/** A fresh key pair of an algorithm, as a signer and its verifier. */
export function keyPair(
  keyId: string,
  algorithm: SignatureAlgorithm = "ed25519",
): { signer: Signer; verifier: Verifier } {
  if (algorithm === "sm2-sm3") {
    const { privateKey, publicKey } = generateSm2KeyPair();
    return {
      signer: createSigner({ keyId, algorithm, key: privateKey }),
      verifier: createVerifier({ keyId, algorithm, key: publicKey }),
    };
  }
  const { privateKey, publicKey } =
    algorithm === "ecdsa-p256-sha256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : generateKeyPairSync("ed25519");
  return {
    signer: createSigner({ keyId, algorithm, key: privateKey }),
    verifier: createVerifier({ keyId, algorithm, key: publicKey }),
  };
}

/** The exchange's and the provider's keys of the test runs. */
export const exchange = keyPair("exchange-test");
export const provider = keyPair("provider-test");
export const exchangeKeys = new Map([[exchange.signer.keyId, exchange.verifier]]);

/** Run the kit against a fresh fixture provider, broken or not. */
export async function check(
  broken: Break | undefined,
  options: { people?: number; timeout?: number } = {},
): Promise<ConformanceResult> {
  const fixture = await startFixtureProvider({
    signer: provider.signer,
    exchangeKeys,
    ...(broken ? { break: broken } : {}),
    people: options.people ?? 40,
  });
  try {
    return await runConformance({
      baseUrl: fixture.url,
      signer: exchange.signer,
      providerKeys: [provider.verifier],
      // Generous: only a hanging request ever waits for it.
      timeout: options.timeout ?? 10_000,
    });
  } finally {
    await fixture.close();
  }
}

/** The ids of the checks that did not pass. */
export const failedIds = (result: ConformanceResult): string[] =>
  result.checks.filter((c) => c.status !== "pass").map((c) => c.id);
