/**
 * One-time console login tokens. `govex start` issues one for the operator; the browser redeems
 * it once with a public key it generated (non-extractable private half), and the node registers
 * that key as a short-lived key of the member. From then on the console signs ordinary API calls
 * (RFC 9421) and the node authorizes and audits them like any other: no session cookie, no
 * password, no second authentication path.
 */
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import type { Clock } from "../calendar/index.js";
import type { Db } from "../store/index.js";

/** How long an unused token stays redeemable (default 24 h: `govex start` runs for a day). */
export const CONSOLE_TOKEN_LIFETIME_MS = 24 * 3_600_000;
/** How long the key a token registers may sign (8 h, a working day). */
export const CONSOLE_KEY_LIFETIME_MS = 8 * 3_600_000;

export interface IssuedConsoleToken {
  /** base64url of 32 random bytes; shown once, stored only as its SHA-256. */
  token: string;
  member: string;
  expiresAt: Date;
}

export interface RedeemedConsoleToken {
  member: string;
  keyId: string;
  notAfter: Date;
}

/** Why a redemption was refused: the caller learns no more than "invalid". */
export type RedeemRefusal = "token_invalid" | "public_key_invalid";

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const tokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/** An Ed25519 SPKI PEM, re-exported canonically; undefined when it is anything else. */
export function ed25519Pem(text: unknown): string | undefined {
  if (typeof text !== "string" || text.length > 4096) return undefined;
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== "ed25519") return undefined;
    return key.export({ type: "spki", format: "pem" }).toString();
  } catch {
    return undefined;
  }
}

export async function issueConsoleToken(
  store: Db,
  clock: Clock,
  member: string,
  lifetimeMs = CONSOLE_TOKEN_LIFETIME_MS,
): Promise<IssuedConsoleToken> {
  const token = randomBytes(32).toString("base64url");
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + lifetimeMs);
  await store.query(
    `insert into console_tokens (token_hash, member_code, created_at, expires_at)
     values ($1, $2, $3, $4)`,
    [tokenHash(token), member, now, expiresAt],
  );
  // Expired tokens are kept no longer than a day past their expiry.
  await store.query("delete from console_tokens where expires_at < $1", [
    new Date(now.getTime() - 86_400_000),
  ]);
  return { token, member, expiresAt };
}

/**
 * Redeem a token: mark it used and register the public key, in one transaction, so that a token
 * registers one key at most even when two browsers race with it.
 */
export async function redeemConsoleToken(
  store: Db,
  clock: Clock,
  input: { token: unknown; publicKey: unknown },
  keyLifetimeMs = CONSOLE_KEY_LIFETIME_MS,
): Promise<RedeemedConsoleToken | RedeemRefusal> {
  if (typeof input.token !== "string" || !TOKEN.test(input.token)) return "token_invalid";
  const pem = ed25519Pem(input.publicKey);
  if (pem === undefined) return "public_key_invalid";
  const now = clock.now();
  const keyId = `console-${randomBytes(12).toString("hex")}`;
  const notAfter = new Date(now.getTime() + keyLifetimeMs);
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ member_code: string }>(
      `update console_tokens set used_at = $2, key_id = $3
       where token_hash = $1 and used_at is null and expires_at > $2
       returning member_code`,
      [tokenHash(input.token as string), now, keyId],
    );
    const member = rows[0]?.member_code;
    if (member === undefined) return "token_invalid";
    await tx.query(
      `insert into member_keys (key_id, member_code, algorithm, public_key, not_after)
       values ($1, $2, 'ed25519', $3, $4)`,
      [keyId, member, pem, notAfter],
    );
    return { member, keyId, notAfter };
  });
}
