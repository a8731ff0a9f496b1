/**
 * Idempotency-Key on every non-safe request (specs/exchange v1 "幂等 Idempotency", after
 * draft-ietf-httpapi-idempotency-key-header): the first request with a key claims it and runs;
 * its response is stored and replayed to a retry of the same request; a request with the same
 * key and another body is refused (422), and one that arrives while the first still runs is told
 * to retry later (409). The state lives in the database, so it holds across nodes.
 *
 * A route does:
 *
 * ```ts
 * const begun = await idempotency.begin({ scope: caller, key, fingerprint: idempotencyFingerprint(req) });
 * if (begun.kind === "replay") return send(begun.response);           // the stored answer
 * if (begun.kind === "in_flight") return problem(409, "idempotency-in-flight");
 * if (begun.kind === "mismatch") return problem(422, "idempotency-key-reused");
 * try {
 *   const response = await handle(req);
 *   await idempotency.complete(begun.claim, response);                  // store, then send
 *   return send(response);
 * } catch (error) {
 *   await idempotency.release(begun.claim);                             // a retry may run again
 *   throw error;
 * }
 * ```
 */
import { createHash, randomUUID } from "node:crypto";
import type { Queryable } from "./db.js";
import { StoreError } from "./errors.js";

/** A response kept for replay. Store it unsigned: the replay is signed anew for its request. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A claim on a key: pass it to `complete` or `release`. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  token: string;
}

/** What `begin` found. */
export type IdempotencyBegin =
  /** The key is ours: run the request, then `complete` (or `release` on failure). */
  | { kind: "claimed"; claim: IdempotencyClaim }
  /** The same request ran before: answer with its stored response. */
  | { kind: "replay"; response: StoredResponse }
  /** The same request is still running (on this node or another): 409. */
  | { kind: "in_flight" }
  /** The key was used for a different request: 422. */
  | { kind: "mismatch" };

/** Options of {@link createIdempotencyStore}. */
export interface IdempotencyStoreOptions {
  /** The clock, in Unix milliseconds (default: the system clock). */
  now?: () => number;
  /** How long a claim may run before another request may take the key over (default 60 s). */
  leaseMs?: number;
  /** How long a key and its response are kept (default 24 h). */
  retentionMs?: number;
}

/** The Idempotency-Key store of the node. */
export interface IdempotencyStore {
  begin(input: { scope: string; key: string; fingerprint: Uint8Array }): Promise<IdempotencyBegin>;
  /** Store the response of a claimed request; false when the claim was lost (its lease ran out). */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean>;
  /** Give a claimed key up (the request failed in a way a retry may repair). */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Delete keys past their retention; returns how many. */
  sweep(): Promise<number>;
}

// specs/exchange v1 components.parameters.IdempotencyKey: 8–128 visible ASCII characters.
const KEY_PATTERN = /^[\x21-\x7e]{8,128}$/;
const MAX_SCOPE = 512;

/** Whether `value` is a valid Idempotency-Key per specs/exchange v1 (8–128 visible ASCII). */
export function isValidIdempotencyKey(value: unknown): value is string {
  return typeof value === "string" && KEY_PATTERN.test(value);
}

/**
 * The request fingerprint a retry must match: SHA-256 over the method, the target (path and
 * query) and the body, each length-prefixed so no two requests run together.
 *
 * @example
 * idempotencyFingerprint({ method: "POST", target: "/v1/share-requests", body });
 */
export function idempotencyFingerprint(request: {
  method: string;
  target: string;
  body?: Uint8Array | string;
}): Uint8Array {
  const h = createHash("sha256");
  const body =
    typeof request.body === "string"
      ? Buffer.from(request.body, "utf8")
      : (request.body ?? new Uint8Array());
  for (const part of [
    Buffer.from(request.method.toUpperCase(), "utf8"),
    Buffer.from(request.target, "utf8"),
    body,
  ]) {
    const length = Buffer.alloc(8);
    length.writeBigUInt64BE(BigInt(part.length));
    h.update(length).update(part);
  }
  return new Uint8Array(h.digest());
}

// Claim a new key, or take over a row whose retention ended, or an abandoned claim (lease over)
// of the same request. One statement: concurrent requests with one key get one winner.
const CLAIM_SQL = `insert into idempotency_keys
  (scope, key, fingerprint, state, token, lease_until, expires_at, created_at)
values ($1, $2, $3, 'in_flight', $4, $5, $6, $7)
on conflict (scope, key) do update set
  fingerprint = excluded.fingerprint, state = 'in_flight', token = excluded.token,
  lease_until = excluded.lease_until, expires_at = excluded.expires_at,
  created_at = excluded.created_at,
  response_status = null, response_headers = null, response_body = null
where idempotency_keys.expires_at < $7
   or (idempotency_keys.state = 'in_flight' and idempotency_keys.lease_until < $7
       and idempotency_keys.fingerprint = excluded.fingerprint)
returning token`;
const READ_SQL = `select fingerprint, state, response_status, response_headers, response_body
from idempotency_keys where scope = $1 and key = $2`;
const COMPLETE_SQL = `update idempotency_keys
set state = 'done', response_status = $4, response_headers = $5::jsonb, response_body = $6
where scope = $1 and key = $2 and token = $3 and state = 'in_flight'`;
const RELEASE_SQL = `delete from idempotency_keys
where scope = $1 and key = $2 and token = $3 and state = 'in_flight'`;
const SWEEP_SQL = "delete from idempotency_keys where expires_at < $1";

interface KeyRow extends Record<string, unknown> {
  fingerprint: Uint8Array;
  state: "in_flight" | "done";
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: Uint8Array | null;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function invalid(zh: string, en: string, params: Record<string, unknown> = {}): StoreError {
  return new StoreError("invalid_argument", { zh, en, params });
}

function checkScopeAndKey(scope: unknown, key: unknown): void {
  if (
    typeof scope !== "string" ||
    scope === "" ||
    scope.length > MAX_SCOPE ||
    scope.includes("\0")
  ) {
    throw invalid(
      `幂等键的归属 (scope) 须为 1 到 ${MAX_SCOPE} 个字符、不含 NUL 的字符串。`,
      `the idempotency scope must be a string of 1 to ${MAX_SCOPE} characters without NUL.`,
    );
  }
  if (!isValidIdempotencyKey(key)) {
    throw invalid(
      "Idempotency-Key 须为 8 到 128 个可见 ASCII 字符。请先用 isValidIdempotencyKey 检查并答复 400。",
      "an Idempotency-Key is 8 to 128 visible ASCII characters: check it with isValidIdempotencyKey first and answer 400.",
    );
  }
}

/**
 * The Idempotency-Key store on the database.
 *
 * @example
 * const idempotency = createIdempotencyStore(db);
 * const begun = await idempotency.begin({ scope: callerKeyId, key, fingerprint });
 */
export function createIdempotencyStore(
  db: Queryable,
  options: IdempotencyStoreOptions = {},
): IdempotencyStore {
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? 60_000;
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000;
  if (!(leaseMs > 0) || !(retentionMs >= leaseMs)) {
    throw invalid(
      "租约须为正数, 且保留时长不短于租约。",
      "the lease must be positive and the retention at least as long as the lease.",
      { leaseMs, retentionMs },
    );
  }

  async function begin(input: {
    scope: string;
    key: string;
    fingerprint: Uint8Array;
  }): Promise<IdempotencyBegin> {
    checkScopeAndKey(input.scope, input.key);
    if (!(input.fingerprint instanceof Uint8Array) || input.fingerprint.length !== 32) {
      throw invalid(
        "请求指纹须为 32 字节 (用 idempotencyFingerprint 计算)。",
        "the request fingerprint must be 32 bytes (compute it with idempotencyFingerprint).",
      );
    }
    const fingerprint = Buffer.from(input.fingerprint);
    // A row can vanish (swept, released) between the claim and the read: then claim again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const at = now();
      const token = randomUUID();
      const claimed = await db.query<{ token: string }>(CLAIM_SQL, [
        input.scope,
        input.key,
        fingerprint,
        token,
        at + leaseMs,
        at + retentionMs,
        at,
      ]);
      if (claimed.rows[0]?.token === token) {
        return { kind: "claimed", claim: { scope: input.scope, key: input.key, token } };
      }
      const { rows } = await db.query<KeyRow>(READ_SQL, [input.scope, input.key]);
      const row = rows[0];
      if (!row) continue;
      if (!sameBytes(row.fingerprint, fingerprint)) return { kind: "mismatch" };
      if (row.state === "in_flight") return { kind: "in_flight" };
      return {
        kind: "replay",
        response: {
          status: row.response_status ?? 500,
          headers: row.response_headers ?? {},
          body: new Uint8Array(row.response_body ?? new Uint8Array()),
        },
      };
    }
    // Three vanishing rows in a row: someone is deleting keys as fast as we claim them.
    return { kind: "in_flight" };
  }

  return {
    begin,
    async complete(claim, response) {
      if (!Number.isInteger(response.status) || response.status < 100 || response.status > 599) {
        throw invalid(
          "响应状态码须为 100 到 599 的整数。",
          "the status must be an integer from 100 to 599.",
          {
            status: response.status,
          },
        );
      }
      const { rowCount } = await db.query(COMPLETE_SQL, [
        claim.scope,
        claim.key,
        claim.token,
        response.status,
        JSON.stringify(response.headers ?? {}),
        Buffer.from(response.body ?? new Uint8Array()),
      ]);
      return rowCount === 1;
    },
    async release(claim) {
      await db.query(RELEASE_SQL, [claim.scope, claim.key, claim.token]);
    },
    async sweep() {
      const { rowCount } = await db.query(SWEEP_SQL, [now()]);
      return rowCount;
    },
  };
}
