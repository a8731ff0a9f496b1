/**
 * Members' signature keys as the node verifies with them: a key signs only while it is active
 * and before its notAfter; a revoked key is refused on the next request on every node, because
 * each verification reads the registry (one indexed row).
 */
import { createVerifier, type KeyResolver, type Verifier } from "@govex/security";
import type { Clock } from "../calendar/index.js";
import type { Queryable } from "../store/index.js";

export type KeyAlgorithm = "ed25519" | "ecdsa-p256-sha256" | "sm2-sm3";

interface KeyRow extends Record<string, unknown> {
  key_id: string;
  member_code: string;
  algorithm: KeyAlgorithm;
  public_key: string;
  status: string;
  not_after: Date | null;
}

const KEY_SQL = `select key_id, member_code, algorithm, public_key, status, not_after
  from member_keys where key_id = $1`;

export interface KeyRegistry {
  /** Verifiers of every member's active keys: the resolver of request signatures. */
  resolver: KeyResolver;
  /** Verifiers of one member's active keys only (a provider's answers). */
  memberResolver(memberCode: string): KeyResolver;
  /** The member a key id belongs to, read with the last resolution. */
  memberOf(keyId: string): Promise<string | undefined>;
}

/** Parse a registered public key; undefined when it does not parse (checked at registration). */
export function verifierFor(row: {
  key_id: string;
  algorithm: KeyAlgorithm;
  public_key: string;
}): Verifier | undefined {
  try {
    return createVerifier({ keyId: row.key_id, algorithm: row.algorithm, key: row.public_key });
  } catch {
    return undefined;
  }
}

export function createKeyRegistry(db: Queryable, clock: Clock): KeyRegistry {
  // Parsing a PEM costs more than the query: keep verifiers by key id and key text.
  const parsed = new Map<string, Verifier | undefined>();
  // A key id belongs to one member for good (the primary key; its member is set at registration,
  // and a key is revoked, never deleted or moved): the member of a key this registry has read
  // needs no second query. Status and expiry are still read on every resolution.
  const owners = new Map<string, string>();
  const remember = (row: KeyRow) => {
    if (owners.size > 10_000) owners.clear();
    owners.set(row.key_id, row.member_code);
  };

  async function active(keyId: string): Promise<{ row: KeyRow; verifier: Verifier } | undefined> {
    if (typeof keyId !== "string" || keyId.length > 128) return undefined;
    const row = (await db.query<KeyRow>(KEY_SQL, [keyId])).rows[0];
    if (row !== undefined) remember(row);
    if (row?.status !== "active") return undefined;
    if (row.not_after !== null && row.not_after.getTime() <= clock.now().getTime())
      return undefined;
    const cacheKey = `${row.key_id}\n${row.algorithm}\n${row.public_key}`;
    if (!parsed.has(cacheKey)) {
      if (parsed.size > 10_000) parsed.clear();
      parsed.set(cacheKey, verifierFor(row));
    }
    const verifier = parsed.get(cacheKey);
    return verifier ? { row, verifier } : undefined;
  }

  return {
    resolver: async (keyId) => (await active(keyId))?.verifier,
    memberResolver: (memberCode) => async (keyId) => {
      const found = await active(keyId);
      return found?.row.member_code === memberCode ? found.verifier : undefined;
    },
    async memberOf(keyId) {
      const known = owners.get(keyId);
      if (known !== undefined) return known;
      const row = (await db.query<KeyRow>(KEY_SQL, [keyId])).rows[0];
      if (row !== undefined) remember(row);
      return row?.member_code;
    },
  };
}
