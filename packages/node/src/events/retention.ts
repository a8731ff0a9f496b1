/**
 * Retention of change events. Every provider change becomes an outbox event and one delivery per
 * subscription; without retention both tables grow for as long as the node runs. Deliveries that
 * are over — delivered, or cancelled with their subscription — are deleted once older than the
 * retention, then the outbox events that no delivery refers to any more. Dead letters stay until
 * an operator replays them (their event is needed for the replay), and so do pending and retrying
 * deliveries. The audit log keeps its leaves: it is append-only and names each delivery by id.
 */
import type { Queryable } from "../store/index.js";

/** Default retention of finished deliveries and their events: 30 days. */
export const DEFAULT_EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Options of {@link pruneEvents}. */
export interface PruneEventsOptions {
  /** Finished deliveries last updated before this, and events made before it, are deleted. */
  before: Date;
  /** Rows deleted per statement, so that no statement holds many locks for long (default 5,000). */
  batch?: number;
}

/** What a prune deleted. */
export interface PrunedEvents {
  deliveries: number;
  events: number;
}

const PRUNE_DELIVERIES = `delete from deliveries where id in (
  select id from deliveries
   where status in ('delivered', 'cancelled') and updated_at < $1
   limit $2)`;

// An event is kept while a delivery refers to it (deliveries_outbox, migration 0014).
const PRUNE_EVENTS = `delete from event_outbox where seq in (
  select o.seq from event_outbox o
   where o.created_at < $1
     and not exists (select 1 from deliveries d where d.outbox_seq = o.seq)
   limit $2)`;

/**
 * Delete finished deliveries and unreferenced outbox events older than `before`, in batches.
 * Safe to run on several nodes at once: each statement deletes what is there when it runs.
 *
 * @example
 * await pruneEvents(db, { before: new Date(Date.now() - DEFAULT_EVENT_RETENTION_MS) });
 */
export async function pruneEvents(
  db: Queryable,
  options: PruneEventsOptions,
): Promise<PrunedEvents> {
  const batch = Math.max(1, options.batch ?? 5000);
  const pruned: PrunedEvents = { deliveries: 0, events: 0 };
  for (const [sql, key] of [
    [PRUNE_DELIVERIES, "deliveries"],
    [PRUNE_EVENTS, "events"],
  ] as const) {
    for (;;) {
      const { rowCount } = await db.query(sql, [options.before, batch]);
      pruned[key] += rowCount;
      if (rowCount < batch) break;
    }
  }
  return pruned;
}
