/**
 * The delivery worker: takes due deliveries, applies the subscriber's access rules to each event,
 * and POSTs it to the webhook in CloudEvents HTTP binary mode (http-protocol-binding.md §3.1),
 * signed with the node's key (RFC 9421 with an RFC 9530 Content-Digest, the govex profile that
 * covers ce-id, ce-source and ce-type). At least once: a 2xx acknowledges; anything else — a
 * status, a timeout, a dropped connection — is retried after an exponential backoff with full
 * jitter, up to a limit counted from the last replay; then the delivery is dead (a dead letter
 * an operator replays).
 *
 * Claims are leases, not states: a claim sets `lease_owner` and `lease_until` on rows picked with
 * FOR UPDATE SKIP LOCKED and commits at once, so no two workers (on one node or many sharing a
 * PostgreSQL) hold the same delivery, and a worker that died — kill -9 — holds nothing once its
 * lease has run out. Every outcome is written fenced on the lease. Deliveries of one record key
 * go out in order: a row waits while an older row of its key is pending or retrying.
 */
import { randomUUID } from "node:crypto";
import { ClientError, Deadline } from "@govex/client";
import { type Signer, signRequest } from "@govex/security";
import { Agent, type Dispatcher, request } from "undici";
import type { AccessDecision, ResourceAccess } from "../access/index.js";
import type { AuditLog } from "../audit/index.js";
import { type Clock, todayInChina } from "../calendar/index.js";
import type { Db } from "../store/index.js";
import { type BackgroundLoop, backgroundLoop } from "./background-loop.js";
import { binaryHeaders, type ChangeData, type CloudEvent } from "./cloud-event.js";
import { deliveredData, loadResourceAccess, subscriberAccess } from "./delivery-access.js";

export interface DeliveryWorkerOptions {
  db: Db;
  /** The node's key: signs every delivery. */
  signer: Signer;
  clock: Clock;
  /** Each delivery attempt is an access of the subscriber: its leaf is committed before the POST. */
  audit: AuditLog;
  /** Milliseconds an attempt may take, connection included (default 10 000). */
  timeoutMs?: number;
  /** Attempts before a delivery is dead, counted from its last replay (default 15). */
  maxAttempts?: number;
  /** Backoff base and cap in milliseconds (defaults 1000 and 3 600 000). */
  retryBaseMs?: number;
  retryCapMs?: number;
  /** Deliveries claimed per round (default 64) and sent at once (default 16). */
  batchSize?: number;
  concurrency?: number;
  /** How long a claim holds (default max(60 000, 2 × timeout + 10 000)). */
  leaseMs?: number;
  /** Wait between rounds when nothing is due (default 1000). */
  idleMs?: number;
  /** This worker's name in leases (default a random one). */
  owner?: string;
  /** [0, 1) — injectable for tests of the jitter. */
  random?: () => number;
  /** The HTTP dispatcher (default an undici Agent of the worker's own). */
  dispatcher?: Dispatcher;
  onError?: (error: unknown) => void;
}

/** What one round did. */
export interface DeliveryRound {
  claimed: number;
  delivered: number;
  /** Failed attempts that will be retried. */
  retrying: number;
  /** Deliveries that went dead this round (retry limit, or access refused). */
  dead: number;
  /** Claims given back unattempted (the worker was stopping). */
  released: number;
}

export interface DeliveryWorker {
  /** Claim the due deliveries (up to batchSize) and attempt each once. */
  runOnce(): Promise<DeliveryRound>;
  /** Rounds until nothing is due (or `timeoutMs` has passed); the sum of the rounds. */
  drain(options?: { timeoutMs?: number }): Promise<DeliveryRound>;
  start(): void;
  /** Run a round soon (new deliveries were written). */
  wake(): void;
  /** Stop: in-flight attempts are aborted and their claims given back; resolves when idle. */
  stop(): Promise<void>;
  /** Stop and close the worker's HTTP connections. */
  close(): Promise<void>;
  readonly owner: string;
  readonly loop: BackgroundLoop;
}

/**
 * Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a uniformly random
 * wait in [0, min(cap, base × 2^(attempt − 1))) for the attempt-th retry.
 */
export function fullJitterDelay(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  const window = Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 52)));
  return Math.floor(Math.min(0.999999, Math.max(0, random())) * window);
}

interface ClaimedRow extends Record<string, unknown> {
  id: string;
  subscription_id: string;
  event: CloudEvent;
  attempts: number;
  attempts_at_replay: number;
  member_code: string;
  resource_code: string;
  url: string;
  outbox_event: CloudEvent | null;
}

export const CLAIM = `update deliveries d
   set lease_owner = $2, lease_until = $3, attempts = d.attempts + 1, updated_at = $1
  from (select c.id, c.subscription_id, c.outbox_seq from deliveries c
          join subscriptions s on s.id = c.subscription_id
         where c.status in ('pending', 'retrying') and c.next_attempt_at <= $1
           and (c.lease_until is null or c.lease_until <= $1)
           and s.deleted_at is null and s.status = 'active'
           and not exists (
             select 1 from deliveries p
              where p.subscription_id = c.subscription_id and p.ordering_key = c.ordering_key
                and p.seq < c.seq and p.status in ('pending', 'retrying'))
         order by c.next_attempt_at, c.seq
         limit $4
         for update of c skip locked) due
  join subscriptions s on s.id = due.subscription_id
  left join event_outbox o on o.seq = due.outbox_seq
 where d.id = due.id
returning d.id, d.subscription_id, d.event, d.attempts, d.attempts_at_replay, s.member_code,
  s.resource_code, s.url, o.event as outbox_event`;

// Outcomes are written in groups (one statement for every outcome that arrived while the last
// statement ran), fenced on the lease: a worker whose lease ran out writes nothing. A null
// status gives the claim back untouched (the worker was stopping: not an attempt).
const FINISH = `with done as (update deliveries d
   set status = coalesce(u.status, d.status), attempts = d.attempts - u.undo,
       last_status_code = case when u.status is null then d.last_status_code else u.code end,
       last_error = case when u.status is null then d.last_error else u.error end,
       last_error_code = case when u.status is null then d.last_error_code else u.error_code end,
       next_attempt_at = case when u.status is null then d.next_attempt_at else u.next_at end,
       lease_owner = null, lease_until = null, updated_at = $2
  from unnest($3::text[], $4::text[], $5::int[], $6::int[], $7::text[], $8::text[],
              $9::timestamptz[]) as u(id, status, undo, code, error, error_code, next_at)
 where d.id = u.id and d.lease_owner = $1 and d.status in ('pending', 'retrying')
returning d.subscription_id, d.status)
update subscriptions s set last_delivery_at = $2
 where s.id in (select subscription_id from done where status = 'delivered')
   and (s.last_delivery_at is null or s.last_delivery_at < $2)`;

interface Finished {
  id: string;
  subscriptionId: string;
  status: "delivered" | "retrying" | "dead" | null;
  undo: 0 | 1;
  code: number | null;
  error: string | null;
  errorCode: string | null;
  nextAt: Date | null;
}

type Outcome =
  | { kind: "delivered"; status: number }
  | { kind: "failed"; status?: number; code: string; message: string }
  | { kind: "refused"; code: string; message: string }
  | { kind: "released" };

const empty = (): DeliveryRound => ({
  claimed: 0,
  delivered: 0,
  retrying: 0,
  dead: 0,
  released: 0,
});

function describe(error: unknown): { code: string; message: string } {
  const e = error as { name?: string; code?: string; message?: string; cause?: unknown };
  const code = e?.code ?? "";
  if (
    (error instanceof ClientError && error.code === "timeout") ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    code === "UND_ERR_CONNECT_TIMEOUT"
  )
    return { code: "timeout", message: "the webhook did not answer in time" };
  const cause = (e?.cause as { code?: string; message?: string } | undefined) ?? undefined;
  const detail = [code, cause?.code, e?.message].filter(Boolean).join(" ");
  return {
    code: "connection_failed",
    message: `the webhook could not be reached: ${detail}`.slice(0, 500),
  };
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, clock, signer, audit } = options;
  const owner = options.owner ?? `worker-${randomUUID()}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 15);
  const baseMs = options.retryBaseMs ?? 1000;
  const capMs = options.retryCapMs ?? 3_600_000;
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const leaseMs = Math.max(options.leaseMs ?? 60_000, 2 * timeoutMs + 10_000);
  const random = options.random ?? Math.random;
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: concurrency,
      connectTimeout: timeoutMs,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      keepAliveTimeout: 10_000,
    });
  let stopping = new AbortController();

  /** POST one event; the outcome of the attempt. */
  async function post(row: ClaimedRow, data: Record<string, unknown>): Promise<Outcome> {
    const { data: _stored, ...attributes } = row.event as CloudEvent & { data?: unknown };
    const body = JSON.stringify(data);
    const headers: Record<string, string> = {
      ...binaryHeaders({ datacontenttype: "application/json", ...attributes } as CloudEvent),
      "content-type": "application/json",
      // specs/exchange v1 webhook deliverEvent: stable across the retries of this delivery.
      "idempotency-key": row.id,
    };
    Object.assign(
      headers,
      await signRequest({ method: "POST", url: row.url, headers }, { signer, body }),
    );
    // The client's Deadline: one timer, and the stop signal, as the EventEmitter signal undici
    // takes. AbortSignal.any over AbortSignal.timeout cost more than the rest of a delivery here
    // (Node 20: 250 ms against 84 ms a round of 256).
    const deadline = new Deadline(timeoutMs, stopping.signal);
    try {
      const response = await request(row.url, {
        method: "POST",
        headers,
        body,
        dispatcher,
        signal: deadline,
      });
      await response.body.dump({ limit: 65_536 }).catch(() => {});
      if (response.statusCode >= 200 && response.statusCode < 300)
        return { kind: "delivered", status: response.statusCode };
      return {
        kind: "failed",
        status: response.statusCode,
        code: "http_status",
        message: `the webhook answered ${response.statusCode}`,
      };
    } catch (error) {
      if (stopping.signal.aborted) return { kind: "released" };
      return { kind: "failed", ...describe(deadline.aborted ? deadline.reason : error) };
    } finally {
      deadline.done();
    }
  }

  const queue: { finished: Finished; done: () => void; failed: (e: unknown) => void }[] = [];
  let writing: Promise<void> | undefined;

  async function writeOutcomes(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, 500);
      const rows = batch.map((b) => b.finished);
      try {
        const now = clock.now();
        await db.query(FINISH, [
          owner,
          now,
          rows.map((r) => r.id),
          rows.map((r) => r.status),
          rows.map((r) => r.undo),
          rows.map((r) => r.code),
          rows.map((r) => r.error),
          rows.map((r) => r.errorCode),
          rows.map((r) => r.nextAt),
        ]);
        for (const b of batch) b.done();
      } catch (error) {
        // The claims stay leased and come back when the lease runs out: at least once.
        for (const b of batch) b.failed(error);
      }
    }
  }

  function write(finished: Finished): Promise<void> {
    return new Promise<void>((done, failed) => {
      queue.push({ finished, done, failed });
      kick();
    });
  }

  // Outcomes linger a few milliseconds so that one statement carries many (on PGlite, which runs
  // on the event loop's thread, nothing else arrives while a statement runs).
  let linger: NodeJS.Timeout | undefined;
  function kick(now = false): void {
    if (writing) return;
    if (!now && queue.length < 64) {
      linger ??= setTimeout(() => {
        linger = undefined;
        kick(true);
      }, 5);
      return;
    }
    if (linger) clearTimeout(linger);
    linger = undefined;
    writing = writeOutcomes().finally(() => {
      writing = undefined;
      if (queue.length > 0) kick();
    });
  }

  function finish(row: ClaimedRow, outcome: Outcome, round: DeliveryRound): Promise<void> {
    const base = {
      id: row.id,
      subscriptionId: row.subscription_id,
      undo: 0 as 0 | 1,
      code: null,
      error: null,
      errorCode: null,
      nextAt: null,
    };
    if (outcome.kind === "released") {
      round.released += 1;
      return write({ ...base, status: null, undo: 1 });
    }
    if (outcome.kind === "delivered") {
      round.delivered += 1;
      return write({ ...base, status: "delivered", code: outcome.status });
    }
    if (outcome.kind === "refused") {
      // The access rules stop it: no retry would change that; replay once access is restored.
      round.dead += 1;
      return write({
        ...base,
        status: "dead",
        undo: 1,
        error: outcome.message,
        errorCode: outcome.code,
      });
    }
    const attempts = row.attempts - row.attempts_at_replay;
    const dead = attempts >= maxAttempts;
    if (dead) round.dead += 1;
    else round.retrying += 1;
    const now = clock.now();
    return write({
      ...base,
      status: dead ? "dead" : "retrying",
      code: outcome.status ?? null,
      error: outcome.message,
      errorCode: outcome.code,
      nextAt: dead
        ? null
        : new Date(now.getTime() + fullJitterDelay(attempts, baseMs, capMs, random)),
    });
  }

  async function runOnce(): Promise<DeliveryRound> {
    const round = empty();
    const now = clock.now();
    const claimed = await db.transaction(
      async (tx) =>
        (
          await tx.query<ClaimedRow>(CLAIM, [
            now,
            owner,
            new Date(now.getTime() + leaseMs),
            batchSize,
          ])
        ).rows,
    );
    round.claimed = claimed.length;
    if (claimed.length === 0) return round;
    const today = todayInChina(clock);
    const resources = new Map<string, Promise<ResourceAccess | undefined>>();
    const decisions = new Map<string, Promise<AccessDecision | undefined>>();
    const decide = (row: ClaimedRow) => {
      const id = `${row.member_code} ${row.resource_code}`;
      let found = decisions.get(id);
      if (found === undefined) {
        let resource = resources.get(row.resource_code);
        if (resource === undefined) {
          resource = loadResourceAccess(db, row.resource_code);
          resources.set(row.resource_code, resource);
        }
        found = resource.then((r) =>
          r === undefined ? undefined : subscriberAccess(db, row.member_code, r, today),
        );
        decisions.set(id, found);
      }
      return found;
    };

    /** The access decision and the audit leaf (committed), then what to send, if anything. */
    async function prepare(
      row: ClaimedRow,
    ): Promise<{ row: ClaimedRow; send?: Record<string, unknown>; outcome?: Outcome }> {
      try {
        const resource = await resources.get(row.resource_code);
        const decision = await decide(row);
        if (resource === undefined || decision === undefined || !decision.allowed) {
          const message =
            decision && !decision.allowed
              ? `access_denied (${decision.code}): ${decision.en}`
              : "access_denied: the resource is no longer in the catalog";
          await audit.append({
            time: clock.now(),
            operation: "deliverEvent",
            caller: row.member_code,
            ...(resource ? { provider: resource.providerCode } : {}),
            resourceCode: row.resource_code,
            requestId: row.id,
            status: 403,
          });
          return { row, outcome: { kind: "refused", code: "access_denied", message } };
        }
        const change = (row.outbox_event?.data ?? row.event.data) as ChangeData | undefined;
        const data =
          change !== null && typeof change === "object" && "op" in change
            ? deliveredData({ ...change, resourceCode: row.resource_code }, decision, resource)
            : { resourceCode: row.resource_code };
        // The data leaves the node only once its access is in the audit log.
        await audit.append({
          time: clock.now(),
          operation: "deliverEvent",
          caller: row.member_code,
          provider: resource.providerCode,
          resourceCode: row.resource_code,
          fields: decision.fields,
          ...(decision.shareRequestId === undefined
            ? {}
            : { shareRequestId: decision.shareRequestId }),
          requestId: row.id,
        });
        return { row, send: data };
      } catch (error) {
        options.onError?.(error);
        return {
          row,
          outcome: stopping.signal.aborted
            ? { kind: "released" }
            : {
                kind: "failed",
                code: "node_error",
                message:
                  `the node failed before sending: ${error instanceof Error ? error.message : String(error)}`.slice(
                    0,
                    500,
                  ),
              },
        };
      }
    }

    // Resources load once per round; the audit leaves of the round commit together (group commit).
    for (const row of claimed)
      if (!resources.has(row.resource_code))
        resources.set(row.resource_code, loadResourceAccess(db, row.resource_code));
    const prepared = await Promise.all(claimed.map(prepare));
    const writes: Promise<void>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, prepared.length) }, async () => {
        while (next < prepared.length) {
          const item = prepared[next++] as (typeof prepared)[number];
          const outcome =
            item.outcome ?? (await post(item.row, item.send as Record<string, unknown>));
          writes.push(finish(item.row, outcome, round));
        }
      }),
    );
    kick(true);
    const written = await Promise.allSettled(writes);
    for (const w of written) if (w.status === "rejected") options.onError?.(w.reason);
    return round;
  }

  const loop = backgroundLoop(
    async () => (await runOnce()).claimed >= batchSize,
    () => options.idleMs ?? 1000,
    (error) => options.onError?.(error),
  );

  return {
    runOnce,
    async drain(drainOptions = {}) {
      const deadline = Date.now() + (drainOptions.timeoutMs ?? 30_000);
      const total = empty();
      for (;;) {
        const round = await runOnce();
        for (const k of Object.keys(total) as (keyof DeliveryRound)[]) total[k] += round[k];
        if (round.claimed === 0 || Date.now() > deadline) return total;
      }
    },
    start() {
      loop.start();
    },
    wake: () => loop.wake(),
    async stop() {
      stopping.abort(new Error("the delivery worker stopped"));
      await loop.stop();
      // Rounds run by hand after a stop (runOnce, drain) send again.
      stopping = new AbortController();
    },
    async close() {
      stopping.abort(new Error("the delivery worker stopped"));
      await loop.stop();
      if (ownDispatcher) await (dispatcher as Agent).close();
    },
    owner,
    loop,
  };
}
