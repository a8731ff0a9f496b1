/**
 * The one database interface every store of the node is written against. Two drivers implement
 * it — PGlite (embedded PostgreSQL in WebAssembly) and `pg` (a PostgreSQL server by URL) — and
 * they differ only in how a connection is made: the SQL is the same text for both.
 *
 * Values come back the same from both drivers: `bigint` / `count(*)` as JavaScript numbers (the
 * node's counters stay far below 2^53), `bytea` as `Uint8Array` (a `Buffer` with `pg`),
 * `timestamptz` as `Date`, `json`/`jsonb` parsed.
 */

/** The drivers of the storage layer. */
export type DriverName = "pglite" | "postgres";

/** A row as the drivers return it. */
export type Row = Record<string, unknown>;

/** What a query returns: its rows and how many rows it touched (for UPDATE / DELETE). */
export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

/** Something SQL runs on: the database itself, or one transaction. */
export interface Queryable {
  /**
   * Run one statement with bound parameters (`$1`, `$2` …). Values are never spliced into the
   * SQL text. Arrays bind as PostgreSQL arrays, `Uint8Array` as `bytea`.
   */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Run a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** Optional features of the database, found at open time. */
export interface DbFeatures {
  /** The pg_trgm extension is installed (trigram search, `similarity`, `%`, gin_trgm_ops). */
  pgTrgm: boolean;
  /**
   * pg_trgm finds trigrams in Chinese text. Always so on PGlite; on PostgreSQL only when the
   * database's LC_CTYPE is a UTF-8 locale (C.UTF-8, zh_CN.UTF-8 …): under LC_CTYPE "C" pg_trgm
   * takes every non-ASCII character for a word separator and Chinese text has no trigrams.
   */
  pgTrgmCjk: boolean;
  /** The server encoding, e.g. "UTF8" (Chinese text needs UTF8). */
  serverEncoding: string;
}

/**
 * A database of the node.
 *
 * @example
 * const db = await openStore({ dataDir: ".govex/data" });
 * await db.transaction(async (tx) => {
 *   await tx.query("update audit_state set size = size where id = 1");
 * });
 * await db.close();
 */
export interface Db extends Queryable {
  readonly driver: DriverName;
  /** Filled in by `openStore` after the migrations ran. */
  readonly features: DbFeatures;
  /**
   * Run `fn` in one transaction (READ COMMITTED): committed when it resolves, rolled back when
   * it throws (the error is rethrown). Use only `tx` inside: with PGlite, the database itself
   * waits until the transaction ends, so a query on it from inside `fn` would never return.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Analyze and vacuum the tables that are due, as PostgreSQL's autovacuum daemon would. PGlite
   * has no daemon: its driver runs this by itself as rows are written (pglite-autovacuum.ts), and
   * a caller may run it at once, e.g. after a bulk load. A PostgreSQL server's daemon does it:
   * there it does nothing.
   */
  autovacuum(): Promise<{ analyzed: string[]; vacuumed: string[] }>;
  /** Close the connection(s). Idempotent. A PGlite instance passed in by the caller stays open. */
  close(): Promise<void>;
}
