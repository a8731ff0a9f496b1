/**
 * The signature nonce store on the database (RFC 9421 §7.2.2 replay protection): a nonce is
 * claimed once until its signature expires, across every node that shares the database.
 */
import { createHash } from "node:crypto";
import type { NonceStore } from "@govex/security";
import type { Queryable } from "./db.js";
import { StoreError } from "./errors.js";

/** Options of {@link createNonceStore}. */
export interface DbNonceStoreOptions {
  /** The clock, in Unix seconds (default: the system clock). */
  now?: () => number;
  /**
   * Delete expired nonces during `claim` at most this often, in seconds (default 60; 0: never),
   * up to 5 000 at a time (sooner again while there are more).
   */
  sweepEverySeconds?: number;
}

/** A {@link NonceStore} on the database, plus an explicit sweep. */
export interface DbNonceStore extends NonceStore {
  claim(keyId: string, nonce: string, expiresAt: number): Promise<boolean>;
  /** Delete nonces whose signatures expired before `now`; returns how many. */
  sweep(): Promise<number>;
}

// Insert the nonce, or take over a row whose signature has expired; a live row stays and nothing
// is returned. One statement, so two nodes claiming the same nonce at once get one winner: the
// loser waits on the winner's row lock and then sees a live row.
const CLAIM_SQL = `insert into signature_nonces (digest, expires_at) values ($1, $2)
on conflict (digest) do update set expires_at = excluded.expires_at
  where signature_nonces.expires_at < $3
returning 1 as claimed`;
const SWEEP_SQL = "delete from signature_nonces where expires_at < $1";
// The sweep a claim runs on its way: bounded, so no request waits for a huge delete. When it
// finds a full batch the next claim sweeps again, so sweeping keeps pace with any request rate.
const SWEEP_SOME_SQL = `delete from signature_nonces where digest in (
  select digest from signature_nonces where expires_at < $1 limit $2)`;
const SWEEP_BATCH = 5_000;

// Beyond any real expiry, and inside bigint; keeps hostile `expires` values from overflowing.
const MAX_EXPIRY = 253402300799; // 9999-12-31T23:59:59Z

// Over UTF-16 code units with the key id's length first: no two (keyid, nonce) pairs share
// their bytes, even with NUL characters or lone surrogates (which UTF-8 would merge into U+FFFD).
function nonceDigest(keyId: string, nonce: string): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(keyId.length));
  return createHash("sha256")
    .update(length)
    .update(keyId, "utf16le")
    .update(nonce, "utf16le")
    .digest();
}

/**
 * A nonce store that holds across nodes: `claim` inserts the nonce if absent (or if the row it
 * finds expired) and answers whether it did; expired rows are swept every `sweepEverySeconds`.
 *
 * Rows are keyed by SHA-256(length(keyid) ‖ keyid ‖ nonce), so any nonce a client sends — long, binary,
 * with NUL characters — costs one fixed-size row.
 *
 * @example
 * const nonces = createNonceStore(db);
 * await verifyRequest(request, { keys, nonceStore: nonces });
 */
export function createNonceStore(db: Queryable, options: DbNonceStoreOptions = {}): DbNonceStore {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const sweepEvery = options.sweepEverySeconds ?? 60;
  let lastSweep = Number.NEGATIVE_INFINITY;

  const sweep = async (): Promise<number> => {
    const at = now();
    lastSweep = at;
    const { rowCount } = await db.query(SWEEP_SQL, [at]);
    return rowCount;
  };
  const sweepSome = async (at: number): Promise<void> => {
    lastSweep = at;
    const { rowCount } = await db.query(SWEEP_SOME_SQL, [at, SWEEP_BATCH]);
    if (rowCount >= SWEEP_BATCH) lastSweep = Number.NEGATIVE_INFINITY;
  };

  return {
    async claim(keyId, nonce, expiresAt) {
      if (typeof keyId !== "string" || typeof nonce !== "string") {
        throw new StoreError("invalid_argument", {
          zh: "密钥标识与 nonce 须为字符串。",
          en: "the key id and the nonce must be strings.",
        });
      }
      if (typeof expiresAt !== "number" || Number.isNaN(expiresAt)) {
        throw new StoreError("invalid_argument", {
          zh: "过期时间须为 Unix 秒数。",
          en: "the expiry must be a number of Unix seconds.",
          params: { expiresAt: String(expiresAt) },
        });
      }
      const at = now();
      if (sweepEvery > 0 && at - lastSweep >= sweepEvery) await sweepSome(at);
      const expiry = Math.min(Math.max(Math.ceil(expiresAt), 0), MAX_EXPIRY);
      const { rows } = await db.query(CLAIM_SQL, [nonceDigest(keyId, nonce), expiry, at]);
      return rows.length === 1;
    },
    sweep,
  };
}
