/**
 * The change poller: for every resource with a live subscription, the node reads the provider's
 * changes feed (specs/provider v1 `changesSince`) from the cursor stored in `event_cursors`, and
 * writes each page into the outbox (outbox.ts) in the transaction that advances the cursor.
 *
 * Several nodes on one database share the work without talking to each other: a node claims a
 * due resource with FOR UPDATE SKIP LOCKED and holds it with a lease (`lease_owner`,
 * `lease_until`). Each page's transaction first moves the cursor, fenced on the lease and on the
 * cursor it read from, so a node whose lease ran out (it stalled, or was killed) can no longer
 * write: the node that took over reads the same changes again from the stored cursor.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../calendar/index.js";
import type { ProviderGateway, ProviderTarget } from "../server/provider-gateway.js";
import type { Db } from "../store/index.js";
import { type BackgroundLoop, backgroundLoop } from "./background-loop.js";
import { type ProviderChange, serviceSource } from "./cloud-event.js";
import { writeOutbox } from "./outbox.js";

export interface ChangePollerOptions {
  db: Db;
  providers: ProviderGateway;
  clock: Clock;
  /** The operator member (the audit caller of the feed reads). */
  operator: string;
  /** The instance of service paths, e.g. "CN-370000" (the event source). */
  instance: string;
  /** Milliseconds between two polls of a resource (default 5000), or per resource code. */
  intervalMs?: number | ((resourceCode: string) => number);
  /** How long a claimed resource stays this node's (default 60 000; above the provider timeout). */
  leaseMs?: number;
  /** Changes asked per page (default 500, at most 1000 as specs/provider v1 allows). */
  pageSize?: number;
  /** Pages read per resource per round (default 20); a longer backlog continues at once. */
  maxPages?: number;
  /** Resources polled per round (default 16). */
  resourcesPerRound?: number;
  /** This node's name in leases (default a random one per poller). */
  owner?: string;
  /** Called after a round that wrote deliveries (the delivery worker wakes up). */
  onDeliveries?: (count: number) => void;
  /** Where failed polls and rounds are reported. */
  onError?: (error: unknown, resourceCode?: string) => void;
}

/** What one round did. */
export interface PollRound {
  /** Resources polled. */
  resources: number;
  events: number;
  deliveries: number;
  /** Changes that made no valid event (skipped). */
  rejected: number;
  /** Resources whose poll failed (the error is in `event_cursors.last_error`). */
  failed: number;
  /** A resource has more changes waiting (its next poll is due now). */
  more: boolean;
}

export interface ChangePoller {
  /** Poll every due resource once (claimed as in the background). */
  pollOnce(): Promise<PollRound>;
  /** Make every polled resource due now (tests, and a provider's push). */
  dueNow(resourceCode?: string): Promise<void>;
  start(): void;
  stop(): Promise<void>;
  readonly loop: BackgroundLoop;
}

interface CursorRow extends Record<string, unknown> {
  resource_code: string;
  cursor: string | null;
  baseline_done: boolean;
}

interface TargetRow extends Record<string, unknown> {
  provider_code: string;
  member_class: string;
  member_code: string;
  system_code: string;
  code: string;
  provider_base_url: string | null;
}

const SYNC_CURSORS = `insert into event_cursors (resource_code, next_poll_at)
select distinct s.resource_code, $1::timestamptz from subscriptions s
 where s.deleted_at is null and s.status = 'active'
on conflict (resource_code) do nothing`;

// A resource nobody subscribes to any more is forgotten: a later first subscription starts from
// that day's changes, not from the day the last one ended.
const DROP_CURSORS = `delete from event_cursors c
 where not exists (select 1 from subscriptions s
                    where s.resource_code = c.resource_code and s.deleted_at is null)
   and (c.lease_until is null or c.lease_until <= $1)`;

const CLAIM = `update event_cursors c set lease_owner = $2, lease_until = $3
  from (select resource_code from event_cursors
         where next_poll_at <= $1 and (lease_until is null or lease_until <= $1)
         order by next_poll_at limit $4
         for update skip locked) due
 where c.resource_code = due.resource_code
returning c.resource_code, c.cursor, c.baseline_done`;

const TARGET = `select c.provider_code, m.member_class, s.member_code, s.system_code, s.code,
       y.provider_base_url
  from catalog_resources c
  join services s on s.resource_code = c.resource_code and s.member_code = c.provider_code
   and s.status = 'active'
  join systems y on y.member_code = s.member_code and y.code = s.system_code
  join members m on m.code = s.member_code
 where c.resource_code = $1
 order by s.activated_at desc nulls last
 limit 1`;

// The fence: only the lease holder moves the cursor, and only from the cursor it read from.
const ADVANCE = `update event_cursors set cursor = $2, baseline_done = $3, lease_until = $4
 where resource_code = $1 and lease_owner = $5 and cursor is not distinct from $6
returning resource_code`;

const RELEASE = `update event_cursors
   set lease_owner = null, lease_until = null, next_poll_at = $3, last_polled_at = $4,
       last_error = $5
 where resource_code = $1 and lease_owner = $2`;

class LeaseLost extends Error {}

export function createChangePoller(options: ChangePollerOptions): ChangePoller {
  const { db, clock } = options;
  const owner = options.owner ?? `poller-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? 500));
  const maxPages = Math.max(1, options.maxPages ?? 20);
  const perRound = Math.max(1, options.resourcesPerRound ?? 16);
  const interval = (code: string): number => {
    const value =
      typeof options.intervalMs === "function"
        ? options.intervalMs(code)
        : (options.intervalMs ?? 5000);
    return Number.isFinite(value) && value >= 0 ? value : 5000;
  };
  let stopping = new AbortController();
  const later = (ms: number) => new Date(clock.now().getTime() + ms);

  async function pollResource(
    row: CursorRow,
  ): Promise<Omit<PollRound, "resources" | "failed" | "more"> & { more: boolean }> {
    const code = row.resource_code;
    const out = { events: 0, deliveries: 0, rejected: 0, more: false };
    const target = (await db.query<TargetRow>(TARGET, [code])).rows[0];
    if (target === undefined || !target.provider_base_url)
      throw new Error(`resource ${code} has no active provider service`);
    const providerTarget: ProviderTarget = {
      baseUrl: target.provider_base_url,
      member: target.provider_code,
    };
    const source = serviceSource({
      instance: options.instance,
      memberClass: target.member_class,
      member: target.member_code,
      system: target.system_code,
      service: target.code,
    });
    const [prefix, suffix] = code.split("/") as [string, string];
    let cursor = row.cursor ?? undefined;
    let baselineDone = row.baseline_done;
    for (let pages = 0; pages < maxPages; pages++) {
      const page = await options.providers.call(providerTarget, async (client) => {
        const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
          params: {
            path: { prefix, suffix },
            query: { ...(cursor === undefined ? {} : { cursor }), limit: pageSize },
          },
          headers: { "x-request-id": `poll-${randomUUID()}` },
          signal: stopping.signal,
        } as never);
        return data as { items: ProviderChange[]; nextCursor: string };
      });
      const moved = page.nextCursor !== cursor;
      const end = page.items.length === 0 || !moved;
      const makeEvents = baselineDone && moved;
      const nextBaseline = baselineDone || end;
      const now = clock.now();
      const written = await db.transaction(async (tx) => {
        const fenced = await tx.query(ADVANCE, [
          code,
          page.nextCursor,
          nextBaseline,
          later(leaseMs),
          owner,
          cursor ?? null,
        ]);
        if (fenced.rowCount === 0) throw new LeaseLost(code);
        if (!makeEvents || page.items.length === 0) return undefined;
        return writeOutbox(tx, {
          resourceCode: code,
          providerCode: target.provider_code,
          operator: options.operator,
          source,
          changes: page.items,
          now,
        });
      });
      if (written) {
        out.events += written.events;
        out.deliveries += written.deliveries;
        out.rejected += written.rejected;
        if (written.issues.length > 0)
          options.onError?.(new Error(`rejected changes: ${written.issues.join(" | ")}`), code);
      }
      cursor = page.nextCursor;
      baselineDone = nextBaseline;
      if (end) return out;
    }
    out.more = true;
    return out;
  }

  async function pollOnce(): Promise<PollRound> {
    const round: PollRound = {
      resources: 0,
      events: 0,
      deliveries: 0,
      rejected: 0,
      failed: 0,
      more: false,
    };
    const now = clock.now();
    await db.query(SYNC_CURSORS, [now]);
    await db.query(DROP_CURSORS, [now]);
    const claimed = await db.transaction(
      async (tx) => (await tx.query<CursorRow>(CLAIM, [now, owner, later(leaseMs), perRound])).rows,
    );
    round.resources = claimed.length;
    await Promise.all(
      claimed.map(async (row) => {
        let error: string | null = null;
        let more = false;
        try {
          const done = await pollResource(row);
          round.events += done.events;
          round.deliveries += done.deliveries;
          round.rejected += done.rejected;
          more = done.more;
        } catch (caught) {
          if (caught instanceof LeaseLost) return; // another node holds it now
          round.failed += 1;
          error = caught instanceof Error ? caught.message.slice(0, 1000) : String(caught);
          options.onError?.(caught, row.resource_code);
        }
        if (more) round.more = true;
        const at = clock.now();
        await db.query(RELEASE, [
          row.resource_code,
          owner,
          more ? at : new Date(at.getTime() + interval(row.resource_code)),
          at,
          error,
        ]);
      }),
    );
    if (round.deliveries > 0) options.onDeliveries?.(round.deliveries);
    return round;
  }

  const loop = backgroundLoop(
    async () => (await pollOnce()).more,
    () => Math.min(1000, Math.max(10, interval(""))),
    (error) => options.onError?.(error),
  );

  return {
    pollOnce,
    async dueNow(resourceCode) {
      await db.query(
        "update event_cursors set next_poll_at = $1 where $2::text is null or resource_code = $2",
        [clock.now(), resourceCode ?? null],
      );
    },
    start() {
      loop.start();
    },
    async stop() {
      stopping.abort(new Error("the change poller stopped"));
      await loop.stop();
      stopping = new AbortController();
    },
    loop,
  };
}
