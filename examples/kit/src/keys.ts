/**
 * Demo keys of an example department: the provider's signing key and the exchange node's key
 * (which the conformance kit signs with), Ed25519 in PEM, made on first start in the
 * department's `.data/keys` (never committed). A real department gets its keys from its CA or
 * key management; these exist so that one command starts a signed provider.
 */
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createSigner, createVerifier, type Signer, type Verifier } from "@govex/security";

export interface DemoKeys {
  dir: string;
  /**
   * The exchange node's signer, as the conformance kit or the node uses it; absent when a
   * running exchange's public key was given (its private key stays with the node).
   */
  exchangeSigner: Signer | undefined;
  /** The provider's response verifier. */
  providerVerifier: Verifier;
  /** The provider's key: signs its answers, and the department's requests to an exchange. */
  providerSigner: Signer;
  providerPublicPem: string;
  /** The exchange's public key in PEM (provider.yaml reads it from the environment or a file). */
  exchangePublicPem: string;
}

/** The environment variable holding a running exchange node's public key (PEM) to trust. */
export const EXCHANGE_PUBLIC_KEY_ENV = "GOVEX_EXCHANGE_PUBLIC_KEY";

async function ensurePair(
  dir: string,
  name: string,
): Promise<{ privatePem: string; publicPem: string }> {
  const privateFile = join(dir, `${name}.pem`);
  const publicFile = join(dir, `${name}.pub.pem`);
  if (!existsSync(privateFile) || !existsSync(publicFile)) {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    await writeFile(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
    await writeFile(publicFile, publicKey.export({ type: "spki", format: "pem" }));
  }
  return {
    privatePem: await readFile(privateFile, "utf8"),
    publicPem: await readFile(publicFile, "utf8"),
  };
}

/**
 * Make the demo keys in `dir` when missing, and load them. Key ids match the examples'
 * provider.yaml. With `exchangePublicPem` (a running exchange node's key, e.g. `govex start`'s)
 * the provider trusts that key instead of a demo key of its own.
 */
export async function ensureDemoKeys(
  dir: string,
  providerKeyId: string,
  exchangePublicPem?: string,
): Promise<DemoKeys> {
  await mkdir(dir, { recursive: true });
  const provider = await ensurePair(dir, "provider");
  let exchange: { privatePem?: string; publicPem: string };
  if (exchangePublicPem === undefined) exchange = await ensurePair(dir, "exchange");
  else {
    await writeFile(join(dir, "exchange.pub.pem"), exchangePublicPem);
    exchange = { publicPem: exchangePublicPem };
  }
  return {
    dir,
    exchangeSigner:
      exchange.privatePem === undefined
        ? undefined
        : createSigner({ keyId: "exchange-node", algorithm: "ed25519", key: exchange.privatePem }),
    providerVerifier: createVerifier({
      keyId: providerKeyId,
      algorithm: "ed25519",
      key: provider.publicPem,
    }),
    providerSigner: createSigner({
      keyId: providerKeyId,
      algorithm: "ed25519",
      key: provider.privatePem,
    }),
    providerPublicPem: provider.publicPem,
    exchangePublicPem: exchange.publicPem,
  };
}
