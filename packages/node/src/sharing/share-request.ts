/**
 * A share request (共享申请) as the node stores and reports it: the row of `share_requests`
 * (migrations/0007-share-requests.sql), its status on a given day (an approved grant whose period
 * has ended reads as `expired`), the overdue flag, the specs/exchange v1 `ShareRequest` body, and
 * the grant the access rules check (`GrantState`).
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import type { GrantState, GrantStatus } from "../access/access-rules.js";
import { type CalendarDate, CST_OFFSET_MINUTES, cstDateOf } from "../calendar/index.js";
import { isStringPair } from "../server/pagination.js";
import type { Queryable } from "../store/index.js";

/** The statuses of specs/exchange v1 `ShareRequestStatus`. */
export type ShareRequestStatus = GrantStatus;

/** The statuses stored; `expired` is computed on read (see `effectiveStatus`). */
export type StoredShareRequestStatus = Exclude<ShareRequestStatus, "expired">;

/** specs/exchange v1 `Period`: inclusive calendar dates. */
export interface Period {
  from: CalendarDate;
  to: CalendarDate;
}

/** specs/exchange v1 `ShareRequestInput`. */
export interface ShareRequestInput {
  resourceCode: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  period: Period;
}

/** specs/exchange v1 `ShareApproval` (`clearText` always filled in when stored). */
export interface ShareApproval {
  outcome: "approved";
  grantedFields: string[];
  grantedPeriod: Period;
  clearText?: boolean;
}

/** specs/exchange v1 `ShareRefusal`. */
export interface ShareRefusal {
  outcome: "refused";
  reason: string;
}

export type ShareDecision = ShareApproval | ShareRefusal;

/** A `share_requests` row as `SHARE_REQUEST_COLUMNS` selects it (dates as YYYY-MM-DD text). */
export interface ShareRequestRow {
  id: string;
  requester_code: string;
  provider_code: string;
  resource_code: string;
  request: ShareRequestInput;
  status: StoredShareRequestStatus;
  created_at: Date;
  /** created_at in UTC with microseconds: the list cursor, exact whatever wrote the row. */
  cursor_at: string;
  answer_deadline: CalendarDate;
  deadline_estimated: boolean;
  decision: ShareDecision | null;
  decided_at: Date | null;
  granted_fields: string[] | null;
  granted_from: CalendarDate | null;
  granted_to: CalendarDate | null;
  clear_text: boolean;
  revoked_at: Date | null;
}

/** A timestamptz column in UTC with microseconds: an exact list position (`isListCursor`). */
export const cursorAtSql = (column: string): string =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The columns of `ShareRequestRow`. Dates are selected as text: `pg` would read a `date` as a
 * local-time `Date` of the host, PGlite as UTC, and the node needs neither.
 */
export const SHARE_REQUEST_COLUMNS = `id, requester_code, provider_code, resource_code, request,
  status, created_at,
  ${cursorAtSql("created_at")} as cursor_at,
  to_char(answer_deadline, 'YYYY-MM-DD') as answer_deadline, deadline_estimated, decision,
  decided_at, granted_fields, to_char(granted_from, 'YYYY-MM-DD') as granted_from,
  to_char(granted_to, 'YYYY-MM-DD') as granted_to, clear_text, revoked_at`;

/**
 * The same status in SQL, for filters: `$n` is today's date in China. Keep in step with
 * `effectiveStatus`.
 */
export const effectiveStatusSql = (today: string): string =>
  `(case when status = 'approved' and granted_to < ${today}::date then 'expired' else status end)`;

/**
 * The status of a share request on `today` (China time): an approved grant whose granted period
 * ended before today is `expired` (the period is inclusive: it still holds on `grantedTo`).
 * Computed on read, never stored, so a grant ends on time without a job that marks it.
 */
export function effectiveStatus(
  row: { status: StoredShareRequestStatus | ShareRequestStatus; granted_to: CalendarDate | null },
  today: CalendarDate,
): ShareRequestStatus {
  if (row.status === "approved" && row.granted_to !== null && row.granted_to < today)
    return "expired";
  return row.status;
}

/**
 * Whether a share request is overdue on `today` (a YYYY-MM-DD date in China): still pending
 * after its answer deadline, the 10th working day after submission (国发〔2016〕51号 第十四条).
 * The deadline day itself is not late (民法典 第二百零三条: the period ends at 24:00 of its
 * last day), so a request due on 2026-10-16 is overdue from 2026-10-17.
 *
 * @example
 * isShareRequestOverdue({ status: "pending", answerDeadline: "2026-10-16" }, "2026-10-17"); // true
 */
export function isShareRequestOverdue(
  row: { status: ShareRequestStatus; answerDeadline: CalendarDate },
  today: CalendarDate,
): boolean {
  return row.status === "pending" && today > row.answerDeadline;
}

/**
 * An RFC 3339 date-time in China Standard Time (`+08:00`), as the spec's examples write them.
 *
 * @example
 * chinaDateTime(new Date("2026-03-20T01:30:00Z")); // "2026-03-20T09:30:00.000+08:00"
 */
export function chinaDateTime(at: Date): string {
  const shifted = new Date(at.getTime() + CST_OFFSET_MINUTES * 60_000);
  return `${shifted.toISOString().slice(0, -1)}+08:00`;
}

/**
 * A node-assigned id matching specs/exchange v1 `Id`: the prefix, the date in China, and 64
 * random bits, e.g. `sr-20260320-9f86d081884c7d65`.
 */
export function newNodeId(prefix: string, at: Date): string {
  return `${prefix}-${cstDateOf(at).replaceAll("-", "")}-${randomBytes(8).toString("hex")}`;
}

/**
 * The specs/exchange v1 `ShareRequest` body of a row on `today`. Besides the schema's properties
 * it carries `overdue` (pending past the answer deadline) and `answerDeadlineEstimated` (the
 * deadline's year had no holiday notice, Monday–Friday was assumed); `ShareRequest` does not
 * forbid extra properties, and both are proposed for the spec.
 */
export function shareRequestBody(row: ShareRequestRow, today: CalendarDate) {
  const status = effectiveStatus(row, today);
  return {
    id: row.id,
    status,
    requester: row.requester_code,
    provider: row.provider_code,
    request: row.request,
    createdAt: chinaDateTime(row.created_at),
    answerDeadline: row.answer_deadline,
    ...(row.decision === null ? {} : { decision: row.decision }),
    ...(row.decided_at === null ? {} : { decidedAt: chinaDateTime(row.decided_at) }),
    overdue: isShareRequestOverdue({ status, answerDeadline: row.answer_deadline }, today),
    answerDeadlineEstimated: row.deadline_estimated,
  };
}

/** A `ShareRequest` body as `shareRequestBody` builds it. */
export type ShareRequestBody = ReturnType<typeof shareRequestBody>;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A list position: created_at in UTC with microseconds (as `cursor_at`), then the id. */
export function isListCursor(value: unknown): value is [string, string] {
  if (!isStringPair(value)) return false;
  const [at, id] = value;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(at) || !ID.test(id)) return false;
  // A real instant (no 2026-02-30): the millisecond part must survive a round trip.
  const ms = Date.parse(`${at.slice(0, 23)}Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 23) === at.slice(0, 23);
}

/** The row of a share request, or undefined (also for a string that cannot be an id). */
export async function findShareRequest(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ShareRequestRow | undefined> {
  if (typeof id !== "string" || !ID.test(id)) return undefined;
  const { rows } = await db.query<ShareRequestRow & Record<string, unknown>>(
    `select ${SHARE_REQUEST_COLUMNS} from share_requests where id = $1${options.forUpdate ? " for update" : ""}`,
    [id],
  );
  return rows[0];
}

/**
 * A share request as the access rules check it (`GrantState`), or undefined when there is none
 * with this id. With `today` (China time), an approved grant whose period ended reads as
 * `expired`; without it the stored status is reported and `decideAccess` checks the period.
 *
 * @example
 * const grant = await loadGrant(node.db, header, todayInChina(node.clock));
 * decideAccess({ resource, caller, shareRequestId: header, grant, today, kind: "read" });
 */
export async function loadGrant(
  db: Queryable,
  id: string,
  today?: CalendarDate,
): Promise<GrantState | undefined> {
  const row = await findShareRequest(db, id);
  if (row === undefined) return undefined;
  const grant: GrantState = {
    id: row.id,
    requesterCode: row.requester_code,
    resourceCode: row.resource_code,
    status: today === undefined ? row.status : effectiveStatus(row, today),
    clearText: row.clear_text,
  };
  if (row.granted_fields !== null) grant.grantedFields = row.granted_fields;
  if (row.granted_from !== null) grant.grantedFrom = row.granted_from;
  if (row.granted_to !== null) grant.grantedTo = row.granted_to;
  return grant;
}
