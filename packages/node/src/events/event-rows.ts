/**
 * Subscriptions and deliveries as stored (migrations/0009-events-bulk.sql) and as served
 * (specs/exchange v1 `Subscription`, `Delivery`). The delivery worker (delivery-worker.ts)
 * writes the same rows.
 */
import { randomBytes } from "node:crypto";

/** A subscription row with its delivery counts. */
export interface SubscriptionRow {
  id: string;
  member_code: string;
  resource_code: string;
  url: string;
  event_types: string[] | null;
  status: "active" | "paused";
  created_at: Date;
  last_delivery_at: Date | null;
  pending: number;
  dead_letters: number;
}

/** The columns of a subscription with its pending and dead-letter counts (alias `s`). */
export const SUBSCRIPTION_COLUMNS = `s.id, s.member_code, s.resource_code, s.url, s.event_types,
  s.status, s.created_at, s.last_delivery_at,
  (select count(*) from deliveries d
    where d.subscription_id = s.id and d.status in ('pending', 'retrying')) as pending,
  (select count(*) from deliveries d
    where d.subscription_id = s.id and d.status = 'dead') as dead_letters`;

/** Delivery states; `cancelled` is internal and never served. */
export type DeliveryStatus = "pending" | "delivered" | "retrying" | "dead" | "cancelled";

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  event: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  /** Why the last attempt failed (specs/exchange v1 Delivery.lastErrorCode). */
  last_error_code: string | null;
  next_attempt_at: Date | null;
  seq: number;
}

/** The columns of a delivery (alias `d`). */
export const DELIVERY_COLUMNS = `d.id, d.subscription_id, d.event, d.status, d.attempts,
  d.last_status_code, d.last_error, d.last_error_code, d.next_attempt_at, d.seq`;

/** specs/exchange v1 Subscription. */
export function subscriptionJson(row: SubscriptionRow): Record<string, unknown> {
  return {
    id: row.id,
    resourceCode: row.resource_code,
    url: row.url,
    ...(row.event_types === null ? {} : { eventTypes: row.event_types }),
    status: row.status,
    createdAt: row.created_at.toISOString(),
    ...(row.last_delivery_at === null
      ? {}
      : { lastDeliveryAt: row.last_delivery_at.toISOString() }),
    pending: Number(row.pending),
    deadLetters: Number(row.dead_letters),
  };
}

/** specs/exchange v1 Delivery (never called for a cancelled row). */
export function deliveryJson(row: DeliveryRow): Record<string, unknown> {
  const due = row.status === "pending" || row.status === "retrying";
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    ...(row.last_status_code === null ? {} : { lastStatusCode: row.last_status_code }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
    ...(row.last_error_code === null || row.last_error_code === undefined
      ? {}
      : { lastErrorCode: row.last_error_code }),
    ...(due && row.next_attempt_at !== null
      ? { nextAttemptAt: row.next_attempt_at.toISOString() }
      : {}),
  };
}

/**
 * A new id of specs/exchange v1 `Id` shape: `prefix-` and 16 random bytes in base64url
 * (128 bits: unguessable, so an id never tells that another member's object exists).
 */
export function newId(prefix: string): string {
  return `${prefix}-${randomBytes(16).toString("base64url")}`;
}
