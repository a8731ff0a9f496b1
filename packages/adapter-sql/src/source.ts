/**
 * `createSource`: the `SourceFactory` of `kind: sql`, over PostgreSQL, MySQL/MariaDB or PGlite.
 */
import type { Source, SourceContext, SourceRow } from "@govex/adapter";
import { fromChangeTable, readChanges } from "./changes.js";
import { parseSqlSourceConfig, type SqlDialect } from "./config.js";
import { openConnection, type SqlSourceOptions } from "./connection.js";
import { secretsOf } from "./driver-errors.js";
import {
  checkSource,
  getRow,
  type ReadContext,
  type SourceStreamRequest,
  scanRows,
  streamRows,
} from "./query.js";

/** A SQL source: a `Source`, plus a stream of every row for bulk exchange. */
export interface SqlSource extends Source {
  readonly kind: "sql";
  /** The database kind; the resolved settings stay inside (they hold the connection string). */
  readonly dialect: SqlDialect;
  /** Every row (matching `filter`) in ascending key order, fetched a page at a time. */
  stream(request: SourceStreamRequest): AsyncGenerator<SourceRow, void, undefined>;
}

/**
 * Create a source from the mapping file's `source` block (`kind: sql`). Nothing connects until
 * the first call (`check`, `scan`…), so a database that is down at start-up is reported as
 * `unavailable` by those calls, not here; a wrong block throws `AdapterError("config_invalid")`.
 *
 * @example
 * const source = await createSource(
 *   { kind: "sql", dialect: "postgres", connection: { env: "HUKOU_DATABASE_URL" }, table: "residents" },
 *   { baseDir: process.cwd(), env: process.env },
 * );
 * const rows = await source.scan({ keyField: "sfzh", fields: ["xm"], filter: { xb: "1" }, limit: 100 });
 */
export async function createSource(
  config: Record<string, unknown>,
  context: SourceContext,
  options: SqlSourceOptions = {},
): Promise<SqlSource> {
  const settings = parseSqlSourceConfig(config, context);
  const connection = await openConnection(settings, options);
  const resolved = settings.connection;
  const read: ReadContext = {
    db: connection.db,
    settings,
    scope: {
      ...(resolved.env ? { env: resolved.env } : {}),
      secrets: secretsOf(resolved.kind === "url" ? resolved.url : undefined),
    },
  };
  const changeSettings = settings.changes;
  let closed: Promise<void> | undefined;

  const source: SqlSource = {
    kind: "sql",
    dialect: settings.dialect,
    check: (signal) =>
      checkSource(read, changeSettings ? fromChangeTable(read, changeSettings) : undefined, signal),
    scan: (request) => scanRows(read, request),
    get: (request) => getRow(read, request),
    stream: (request) => streamRows(read, request),
    close() {
      closed ??= connection.close();
      return closed;
    },
  };
  if (changeSettings) source.changes = (request) => readChanges(read, changeSettings, request);
  return source;
}
