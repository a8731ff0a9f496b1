/**
 * Change detection, two ways (see README, "Change detection"):
 *
 * - `column`: a monotonic column (a last-modified timestamp or a version number). The position is
 *   the last (column value, key) pair read, so rows sharing a value are never lost between pages;
 *   deletes are not seen.
 * - `table`: a change table fed by triggers (`changeTableDdl`): seq, key, op, time. The position is
 *   the last seq read; deletes are seen.
 *
 * Positions are opaque tokens that only move forward: `c.` + base64url JSON `[value, key]` for
 * the column, `t.` + seq for the table (`c.` / `t.` alone: from the beginning).
 */
import {
  AdapterError,
  type SourceChange,
  type SourceChangesPage,
  type SourceChangesRequest,
  type SourceRow,
} from "@govex/adapter";
import { sql } from "kysely";
import type { SqlChangeSettings } from "./config.js";
import {
  type AnySelect,
  checkLimit,
  columnsOf,
  fromRelation,
  type ReadContext,
  runQuery,
} from "./query.js";
import { keyText, toRfc3339, toSourceRow } from "./values.js";

const POSITION_ALIAS = "govex__position";
const KEY_ALIAS = "govex__key";
const MAX_POSITION_CHARS = 8192;
const SEQ = /^\d{1,20}$/;

function badPosition(): AdapterError {
  return new AdapterError("bad_request", {
    zh: "变更位置无效:请使用上一页返回的位置,或不带位置从头读取。",
    en: "invalid change position: use the position of the previous page, or none to start from the beginning",
    path: "/position",
  });
}

/** `[column value, key]` of a column position, or undefined for the beginning. */
export function decodeColumnPosition(position: string | undefined): [string, string] | undefined {
  if (position === undefined || position === "c.") return undefined;
  if (
    typeof position !== "string" ||
    position.length > MAX_POSITION_CHARS ||
    !position.startsWith("c.")
  )
    throw badPosition();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(position.slice(2), "base64url").toString("utf8"));
  } catch {
    throw badPosition();
  }
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === "string"))
    throw badPosition();
  return value as [string, string];
}

export function encodeColumnPosition(value: string, key: string): string {
  return `c.${Buffer.from(JSON.stringify([value, key]), "utf8").toString("base64url")}`;
}

/** The last seq of a table position, or undefined for the beginning. */
export function decodeTablePosition(position: string | undefined): string | undefined {
  if (position === undefined || position === "t.") return undefined;
  if (typeof position !== "string" || !position.startsWith("t.") || !SEQ.test(position.slice(2)))
    throw badPosition();
  return position.slice(2);
}

/** Text of a value, as the database prints it: exact for timestamps (microseconds) and numbers. */
function textType(context: ReadContext): "text" | "char" {
  return context.settings.dialect === "mysql" ? "char" : "text";
}

function timeOf(text: unknown, context: ReadContext): string {
  return (
    (typeof text === "string" ? toRfc3339(text, context.settings.timeZone) : undefined) ??
    // A version number is no time: the change was seen now.
    new Date().toISOString()
  );
}

async function changesByColumn(
  context: ReadContext,
  column: string,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  const columns = columnsOf(request.keyField, request.fields);
  const limit = checkLimit(request.limit);
  const after = decodeColumnPosition(request.position);
  const key = request.keyField;
  const type = textType(context);
  let query = fromRelation(context)
    .select(columns)
    .select((eb) => [
      eb.cast(eb.ref(column), type).as(POSITION_ALIAS),
      eb.cast(eb.ref(key), type).as(KEY_ALIAS),
    ])
    .where(column, "is not", null);
  if (after) {
    const [value, lastKey] = after;
    // (column, key) > (value, lastKey), written so both databases range-scan an index on column.
    query = query.where((eb) =>
      eb.and([
        eb(column, ">=", value),
        eb.or([eb(column, ">", value), eb.and([eb(column, "=", value), eb(key, ">", lastKey)])]),
      ]),
    );
  }
  query = query.orderBy(column).orderBy(key).limit(sql.lit(limit));
  const signal = request.signal;
  const rows = await runQuery(
    context,
    signal,
    () => query.execute(signal ? { signal } : undefined),
    {
      // The position does not fit the column's type: not one this source handed out.
      data: () => {
        throw badPosition();
      },
    },
  );
  const changes: SourceChange[] = rows.map((raw) => ({
    key: keyText(raw[key]),
    op: "upsert",
    time: timeOf(raw[POSITION_ALIAS], context),
    row: toSourceRow(raw, columns),
  }));
  const last = rows.at(-1);
  const position = last
    ? encodeColumnPosition(String(last[POSITION_ALIAS]), String(last[KEY_ALIAS]))
    : (request.position ?? "c.");
  return { changes, position };
}

/** `select … from` the change table. */
export function fromChangeTable(
  context: ReadContext,
  changes: SqlChangeSettings,
): AnySelect | undefined {
  if (changes.mode !== "table") return undefined;
  const name = changes.schema ? `${changes.schema}.${changes.table}` : changes.table;
  return context.db.selectFrom(name) as AnySelect;
}

function isDelete(op: unknown): boolean {
  const text = String(op).trim().toLowerCase();
  return text === "d" || text === "delete";
}

async function changesByTable(
  context: ReadContext,
  settings: Extract<SqlChangeSettings, { mode: "table" }>,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  const columns = columnsOf(request.keyField, request.fields);
  const limit = checkLimit(request.limit);
  const after = decodeTablePosition(request.position);
  const c = settings.columns;
  let query = (fromChangeTable(context, settings) as AnySelect).select([
    c.seq,
    c.key,
    c.op,
    c.time,
  ]);
  if (after !== undefined) query = query.where(c.seq, ">", after);
  query = query.orderBy(c.seq).limit(sql.lit(limit));
  const signal = request.signal;
  const options = signal ? { signal } : undefined;
  const log = await runQuery(context, signal, () => query.execute(options), {
    data: () => {
      throw badPosition();
    },
  });

  // The rows as they are now, for every key upserted in this page: one query, keys bound.
  const upserted = [
    ...new Set(log.filter((e) => !isDelete(e[c.op])).map((e) => keyText(e[c.key]))),
  ];
  const rows = new Map<string, SourceRow>();
  if (upserted.length > 0) {
    const current = fromRelation(context).select(columns).where(request.keyField, "in", upserted);
    const found = await runQuery(context, signal, () => current.execute(options), {
      data: () => [],
    });
    for (const raw of found) rows.set(keyText(raw[request.keyField]), toSourceRow(raw, columns));
  }
  const changes: SourceChange[] = log.map((entry) => {
    const key = keyText(entry[c.key]);
    const time = timeOf(entry[c.time], context);
    const row = isDelete(entry[c.op]) ? undefined : rows.get(key);
    // An upserted row the source cannot read now was deleted since, or left the view or query:
    // to a consumer it is gone.
    return row ? { key, op: "upsert", time, row } : { key, op: "delete", time };
  });
  const last = log.at(-1);
  const position = last ? `t.${keyText(last[c.seq])}` : (request.position ?? "t.");
  return { changes, position };
}

/** Changes after a position, by the configured mode. */
export function readChanges(
  context: ReadContext,
  settings: SqlChangeSettings,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  return settings.mode === "column"
    ? changesByColumn(context, settings.column, request)
    : changesByTable(context, settings, request);
}
