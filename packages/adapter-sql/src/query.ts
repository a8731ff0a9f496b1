/**
 * Reading rows: scan (equality filters as bound parameters, keyset pagination by the key
 * column, only the needed columns), get by key, a health check, and a stream of every row in
 * key order. Identifiers come from the checked configuration and request; values are always
 * bound parameters of Kysely-built queries.
 */
import {
  AdapterError,
  type SourceGetRequest,
  type SourceHealth,
  type SourceRow,
  type SourceScanRequest,
} from "@govex/adapter";
import { type Kysely, type SelectQueryBuilder, sql } from "kysely";
import { isIdentifier, type SqlSourceSettings } from "./config.js";
import type { AnyDatabase } from "./connection.js";
import {
  classify,
  driverCode,
  type ErrorScope,
  unavailable,
  unknownColumn,
} from "./driver-errors.js";
import { keyText, toSourceRow } from "./values.js";

/** The most rows one scan, stream page or changes page may ask for. */
export const MAX_PAGE = 10_000;
/** The alias of a `query:` source's subquery. */
const QUERY_ALIAS = "govex_source";

export interface ReadContext {
  db: Kysely<AnyDatabase>;
  settings: SqlSourceSettings;
  scope: ErrorScope;
}

// biome-ignore lint/suspicious/noExplicitAny: rows of a relation only known at run time.
export type AnySelect = SelectQueryBuilder<AnyDatabase, any, object>;

/** `select … from` the configured table, view or subquery. */
export function fromRelation(context: ReadContext): AnySelect {
  const { db, settings } = context;
  const relation = settings.relation;
  if (relation.kind === "query")
    // The query is trusted configuration (see README, "query"); the newlines end a trailing comment.
    return db.selectFrom(sql`(\n${sql.raw(relation.sql)}\n)`.as(QUERY_ALIAS)) as AnySelect;
  return db.selectFrom(
    relation.schema ? `${relation.schema}.${relation.name}` : relation.name,
  ) as AnySelect;
}

/** A human name of the relation, for health details (never data). */
export function relationName(settings: SqlSourceSettings): string {
  const r = settings.relation;
  return r.kind === "query" ? "query" : r.schema ? `${r.schema}.${r.name}` : r.name;
}

function badRequest(path: string, zh: string, en: string): AdapterError {
  return new AdapterError("bad_request", { zh, en, path });
}

/** A source field name from a request: the same identifier rule as the configuration. */
export function checkField(name: string, path: string): string {
  if (typeof name !== "string" || !isIdentifier(name))
    throw badRequest(
      path,
      "来源字段名须为标识符(字母或下划线开头,只含字母、数字和下划线)。",
      "a source field name must be an identifier (a letter or underscore, then letters, digits or underscores)",
    );
  return name;
}

export function checkLimit(limit: unknown): number {
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw badRequest(
      "/limit",
      `limit 须为 1 到 ${MAX_PAGE} 的整数。`,
      `limit must be an integer from 1 to ${MAX_PAGE}`,
    );
  return limit;
}

function checkValue(value: unknown, path: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(path, "过滤值须为字符串。", "a filter value must be a string");
}

/** The columns to select: the requested fields and the key, each once, checked. */
export function columnsOf(keyField: string, fields: readonly string[]): string[] {
  checkField(keyField, "/keyField");
  if (!Array.isArray(fields))
    throw badRequest("/fields", "fields 须为数组。", "fields must be an array");
  const columns = new Set<string>([keyField]);
  for (const [i, field] of fields.entries()) columns.add(checkField(field, `/fields/${i}`));
  return [...columns];
}

/** What a query's failure means for the caller. */
export interface OnFailure<T> {
  /** A value that cannot be compared with its column (class 22): usually "no such row". */
  data: () => T;
}

/**
 * Run a query, turning driver errors into adapter errors: an unreachable database is
 * `unavailable`, an unknown column `bad_request`, an incomparable value whatever `onFailure`
 * says. An aborted request rethrows the signal's reason.
 */
export async function runQuery<T>(
  context: ReadContext,
  signal: AbortSignal | undefined,
  query: () => Promise<T>,
  onFailure: OnFailure<T>,
): Promise<T> {
  signal?.throwIfAborted();
  try {
    return await query();
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    if (error instanceof AdapterError) throw error;
    switch (classify(error)) {
      case "data":
        return onFailure.data();
      case "undefined_column":
        throw unknownColumn(error, context.scope);
      default:
        throw unavailable(error, context.scope);
    }
  }
}

/** Filters, keyset and order of a scan, on any select. */
function scanQuery(context: ReadContext, request: SourceScanRequest, columns: string[]): AnySelect {
  let query = fromRelation(context).select(columns);
  const filter = request.filter ?? {};
  if (typeof filter !== "object" || Array.isArray(filter))
    throw badRequest("/filter", "filter 须为对象。", "filter must be an object");
  for (const [field, value] of Object.entries(filter))
    query = query.where(
      checkField(field, `/filter/${field}`),
      "=",
      checkValue(value, `/filter/${field}`),
    );
  if (request.after !== undefined)
    query = query.where(request.keyField, ">", checkValue(request.after, "/after"));
  // A validated integer, written as a literal: drivers disagree on the type of a LIMIT parameter.
  return query.orderBy(request.keyField).limit(sql.lit(checkLimit(request.limit)));
}

/** Rows in ascending key order after `after`, at most `limit`, with the filters applied in the database. */
export async function scanRows(
  context: ReadContext,
  request: SourceScanRequest,
): Promise<SourceRow[]> {
  const columns = columnsOf(request.keyField, request.fields);
  const query = scanQuery(context, request, columns);
  const signal = request.signal;
  const rows = await runQuery(
    context,
    signal,
    () => query.execute(signal ? { signal } : undefined),
    // A filter value or key that the column's type cannot hold matches no row.
    { data: () => [] },
  );
  return rows.map((row) => toSourceRow(row as Record<string, unknown>, columns));
}

/** One row by key, or undefined. */
export async function getRow(
  context: ReadContext,
  request: SourceGetRequest,
): Promise<SourceRow | undefined> {
  const columns = columnsOf(request.keyField, request.fields);
  const key = checkValue(request.key, "/key");
  const query = fromRelation(context)
    .select(columns)
    .where(request.keyField, "=", key)
    .limit(sql.lit(1));
  const signal = request.signal;
  const rows = await runQuery(
    context,
    signal,
    () => query.execute(signal ? { signal } : undefined),
    {
      data: () => [],
    },
  );
  const row = rows[0] as Record<string, unknown> | undefined;
  return row === undefined ? undefined : toSourceRow(row, columns);
}

export interface SourceStreamRequest {
  keyField: string;
  fields: readonly string[];
  /** Equality filters, as in `scan`. */
  filter?: Readonly<Record<string, string>>;
  /** Start after this key (resume a stream); absent for the first row. */
  after?: string;
  /** Rows per query (default 1000, at most 10,000). */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Every row in ascending key order, read page by page with keyset pagination: memory stays at
 * one page, and each page is a short query that holds no lock or cursor between pages.
 */
export async function* streamRows(
  context: ReadContext,
  request: SourceStreamRequest,
): AsyncGenerator<SourceRow, void, undefined> {
  const limit = checkLimit(request.pageSize ?? 1000);
  let after = request.after;
  for (;;) {
    const page = await scanRows(context, {
      keyField: request.keyField,
      fields: request.fields,
      filter: request.filter ?? {},
      limit,
      ...(after !== undefined ? { after } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    yield* page;
    const last = page.at(-1);
    if (page.length < limit || last === undefined) return;
    after = keyText(last[request.keyField]);
  }
}

/** A query that plans and touches the relation but reads no row (`limit 0`). */
async function probe(context: ReadContext, query: AnySelect, what: string, signal?: AbortSignal) {
  try {
    signal?.throwIfAborted();
    await query
      .select(sql.lit(1).as("ok"))
      .limit(sql.lit(0))
      .execute(signal ? { signal } : undefined);
    return undefined;
  } catch (error) {
    if (signal?.aborted) throw signal.reason ?? error;
    const failure = classify(error);
    const code = driverCode(error);
    const answered = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
    if (failure === "connection" || !answered) throw unavailable(error, context.scope);
    // The database answers but cannot serve this relation: degraded, with a reason for the log.
    return failure === "undefined_relation"
      ? `${what} not found`
      : `${what} cannot be read (${code})`;
  }
}

/** `select 1 … limit 0` against the relation (and the change table): cheap, and proves both are readable. */
export async function checkSource(
  context: ReadContext,
  changeTable: AnySelect | undefined,
  signal?: AbortSignal,
): Promise<SourceHealth> {
  const problems = [
    await probe(context, fromRelation(context), relationName(context.settings), signal),
  ];
  if (changeTable) problems.push(await probe(context, changeTable, "change table", signal));
  const detail = problems.filter((p) => p !== undefined).join("; ");
  return detail ? { status: "degraded", detail } : { status: "ok" };
}
