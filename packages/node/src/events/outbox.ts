/**
 * The transactional outbox: a page of provider changes becomes CloudEvents in `event_outbox`,
 * one audit leaf per event, and one `deliveries` row per matching live subscription — all in
 * the caller's transaction, together with the cursor it advances. Either all of that is
 * committed or none of it: a change is never lost between the feed and the deliveries, and
 * never turned into an event twice.
 */
import { appendAuditEntries } from "../audit/index.js";
import type { Db, Queryable } from "../store/index.js";
import {
  type CloudEvent,
  changeEvent,
  cloudEventIssues,
  type ProviderChange,
} from "./cloud-event.js";

/** A page of changes of one resource. */
export interface OutboxPage {
  resourceCode: string;
  providerCode: string;
  /** The operator member: the node reads the feed on the exchange's behalf (audit caller). */
  operator: string;
  /** The event source (see serviceSource). */
  source: string;
  changes: readonly ProviderChange[];
  now: Date;
}

export interface OutboxWritten {
  /** Events written to the outbox. */
  events: number;
  /** Delivery rows made by the fan-out. */
  deliveries: number;
  /** Changes that make no valid CloudEvent (skipped, named in `issues`). */
  rejected: number;
  issues: string[];
}

// specs/data/v1 catalog-entry 信息项 code (what an audit entry's `fields` accepts).
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** The transaction as the audit log's Db: its appends join this transaction. */
function within(tx: Queryable): Db {
  return {
    query: tx.query.bind(tx),
    exec: tx.exec.bind(tx),
    transaction: <T>(fn: (inner: Queryable) => Promise<T>) => fn(tx),
  } as unknown as Db;
}

const INSERT_OUTBOX = `insert into event_outbox (resource_code, event, ordering_key, audit_leaf_index, created_at)
select $1, t.event::jsonb, t.ordering_key, t.leaf, $2
  from unnest($3::text[], $4::text[], $5::bigint[]) with ordinality as t(event, ordering_key, leaf, n)
 order by t.n
returning seq`;

// One row per event and live, active subscription whose types match; the seq (identity) follows
// the events' order, so the deliveries of a key keep the feed's order. The delivery keeps the
// event's attributes only: the data is in the outbox and reaches a subscriber through its access
// rules (listDeliveries must not show what masking hides).
const FAN_OUT = `insert into deliveries (id, subscription_id, event, status, attempts, next_attempt_at,
    ordering_key, created_at, updated_at, outbox_seq)
select 'dlv-' || replace(gen_random_uuid()::text, '-', ''), s.id, o.event - 'data', 'pending', 0, $2,
       o.ordering_key, $2, $2, o.seq
  from event_outbox o
  join subscriptions s on s.resource_code = o.resource_code and s.deleted_at is null
   and s.status = 'active'
   and (s.event_types is null or (o.event ->> 'type') = any (s.event_types))
 where o.seq = any ($1::bigint[])
 order by o.seq, s.id
on conflict do nothing`;

/** The key of one record of a resource: deliveries of one key go out in order. */
export const orderingKey = (resourceCode: string, key: string): string => `${resourceCode}\n${key}`;

/**
 * Write a page of changes into the outbox, audit and fan out, inside `tx`.
 *
 * @example
 * await db.transaction((tx) => writeOutbox(tx, { resourceCode, providerCode, operator, source, changes, now }));
 */
export async function writeOutbox(tx: Queryable, page: OutboxPage): Promise<OutboxWritten> {
  const events: CloudEvent[] = [];
  const keys: string[] = [];
  const issues: string[] = [];
  for (const change of page.changes) {
    const event = changeEvent(change, { source: page.source, resourceCode: page.resourceCode });
    const found = await cloudEventIssues(event);
    if (found.length > 0 || typeof change.key !== "string") {
      issues.push(
        `change ${String(change.key).slice(0, 64)}: ${found.map((i) => `${i.path} ${i.message}`).join("; ")}`,
      );
      continue;
    }
    events.push(event);
    keys.push(orderingKey(page.resourceCode, change.key));
  }
  const rejected = page.changes.length - events.length;
  if (events.length === 0) return { events: 0, deliveries: 0, rejected, issues };
  const leaves = await appendAuditEntries(
    within(tx),
    events.map((event) => {
      const record = (event.data as { record?: Record<string, unknown> }).record ?? {};
      const fields = Object.keys(record)
        .filter((f) => FIELD.test(f))
        .slice(0, 512);
      return {
        time: page.now,
        operation: "changesSince",
        caller: page.operator,
        provider: page.providerCode,
        resourceCode: page.resourceCode,
        ...(fields.length > 0 ? { fields } : {}),
        requestId: event.id,
        status: 200,
      };
    }),
  );
  const { rows } = await tx.query<{ seq: number }>(INSERT_OUTBOX, [
    page.resourceCode,
    page.now,
    events.map((e) => JSON.stringify(e)),
    keys,
    leaves.map((l) => l.leafIndex),
  ]);
  const fanned = await tx.query(FAN_OUT, [rows.map((r) => Number(r.seq)), page.now]);
  return { events: events.length, deliveries: fanned.rowCount, rejected, issues };
}
