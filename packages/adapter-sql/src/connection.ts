/**
 * One Kysely instance per source, over the dialect's driver: `pg` (PostgreSQL), `mysql2`
 * (MySQL/MariaDB) or PGlite. The drivers differ only here (Kysely's dialect split); the queries
 * in query.ts and changes.ts are the same for all three.
 *
 * Every driver is set up to hand back date and time values as the database's own text
 * (`2024-03-01`, `2024-03-01 08:30:00`), never as a JavaScript Date, so no time zone is invented
 * on the way, and 64-bit integers as strings, so no digit is lost. Sessions are read-only: a
 * source never writes.
 */
import type { PGlite as PGliteInstance } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  MysqlDialect,
  type MysqlPool,
  type MysqlPoolConnection,
  PGliteDialect,
  type PGlite as PGliteLike,
  PostgresDialect,
} from "kysely";
import type { SqlSourceSettings } from "./config.js";

/** The source's database as Kysely sees it: any table, any column (names are checked identifiers). */
// biome-ignore lint/suspicious/noExplicitAny: tables and columns are only known at run time.
export type AnyDatabase = Record<string, any>;

/** Options a program (not the mapping file) can pass to `createSource`. */
export interface SqlSourceOptions {
  /**
   * An open PGlite instance to read from (dialect `pglite`), shared with the program that owns it:
   * `dataDir` and `connection` are then ignored, and `close()` leaves the instance open.
   */
  pglite?: PGliteInstance;
}

export interface SqlConnection {
  db: Kysely<AnyDatabase>;
  close(): Promise<void>;
}

// PostgreSQL type OIDs whose text form is kept as is.
const OID = { int8: 20, date: 1082, time: 1083, timestamp: 1114, timestamptz: 1184, timetz: 1266 };
const AS_TEXT = new Set(Object.values(OID));
const keepText = (value: string) => value;

async function postgres(settings: SqlSourceSettings, url: string): Promise<Dialect> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.poolMax,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    allowExitOnIdle: true,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        AS_TEXT.has(oid)
          ? keepText
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server emits here; without a listener it would crash the process.
  // The next query reports the failure as `unavailable`.
  pool.on("error", () => {});
  return new PostgresDialect({
    pool,
    onCreateConnection: (connection) =>
      readOnly(connection, "set default_transaction_read_only = on"),
  });
}

async function readOnly(connection: DatabaseConnection, statement: string): Promise<void> {
  await connection.executeQuery(CompiledQuery.raw(statement));
}

/**
 * mysql2's `query` interpolates parameters on the client (escaped, but the text still reaches
 * the server as SQL, and a server running with NO_BACKSLASH_ESCAPES reads the escapes
 * differently). Route every parameterized query through `execute`, a server-side prepared
 * statement, so values are bound parameters as they are with PostgreSQL.
 */
// biome-ignore lint/suspicious/noExplicitAny: mysql2's callback connection, typed loosely by Kysely.
function preparedStatements(pool: any): MysqlPool {
  const wrapped = new WeakMap<object, MysqlPoolConnection>();
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const wrap = (connection: any): MysqlPoolConnection => ({
    get config() {
      return connection.config;
    },
    get threadId() {
      return connection.threadId;
    },
    connect: (callback) => connection.connect(callback),
    destroy: () => connection.destroy(),
    release: () => connection.release(),
    query(sql, parameters, callback) {
      return Array.isArray(parameters) && parameters.length > 0
        ? connection.execute(sql, parameters, callback)
        : connection.query(sql, parameters, callback);
    },
  });
  return {
    getConnection(callback) {
      // biome-ignore lint/suspicious/noExplicitAny: see above.
      pool.getConnection((error: unknown, connection: any) => {
        if (error || !connection) return callback(error, connection);
        let found = wrapped.get(connection);
        if (!found) {
          found = wrap(connection);
          wrapped.set(connection, found);
        }
        callback(null, found);
      });
    },
    end: (callback) => pool.end(callback),
  };
}

async function mysql(settings: SqlSourceSettings, url: string): Promise<Dialect> {
  const { default: mysql2 } = await import("mysql2");
  const pool = mysql2.createPool({
    uri: url,
    connectionLimit: settings.poolMax,
    connectTimeout: settings.connectTimeoutMs,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    charset: "utf8mb4_general_ci",
    multipleStatements: false,
  });
  // Same as pg: a dropped idle connection must not crash the process.
  pool.on("connection", (connection) => connection.on("error", () => {}));
  return new MysqlDialect({
    pool: preparedStatements(pool),
    async onCreateConnection(connection) {
      await readOnly(connection, "set session transaction read only");
      // TIMESTAMP values render in this offset, DATETIME values are read as being in it.
      await connection.executeQuery(CompiledQuery.raw("set time_zone = ?", [settings.timeZone]));
    },
  });
}

const PGLITE_PARSERS = Object.fromEntries([...AS_TEXT].map((oid) => [oid, keepText]));

/** Kysely's view of a PGlite instance, with our parsers on every query. */
function pgliteView(instance: PGliteInstance, owned: boolean): PGliteLike {
  return {
    get closed() {
      return instance.closed;
    },
    get ready() {
      return instance.ready;
    },
    get waitReady() {
      return instance.waitReady;
    },
    query: (text, params, options) =>
      instance.query(text, params, {
        ...options,
        parsers: { ...options?.parsers, ...PGLITE_PARSERS },
      }),
    transaction: (callback) => instance.transaction(callback),
    // A shared instance belongs to the program that opened it.
    close: async () => {
      if (owned && !instance.closed) await instance.close();
    },
  };
}

async function pglite(settings: SqlSourceSettings, options: SqlSourceOptions): Promise<Dialect> {
  if (options.pglite) return new PGliteDialect({ pglite: pgliteView(options.pglite, false) });
  const dataDir = settings.connection.kind === "pglite" ? settings.connection.dataDir : undefined;
  return new PGliteDialect({
    // Opened on the first query, so a bad data directory is reported as `unavailable` there.
    pglite: async () => {
      const { PGlite } = await import("@electric-sql/pglite");
      const instance = await PGlite.create({ ...(dataDir ? { dataDir } : {}) });
      return pgliteView(instance, true);
    },
    onCreateConnection: (connection) =>
      readOnly(connection, "set default_transaction_read_only = on"),
  });
}

/** Open (lazily: the first query connects) the database a source reads. */
export async function openConnection(
  settings: SqlSourceSettings,
  options: SqlSourceOptions = {},
): Promise<SqlConnection> {
  const url = settings.connection.kind === "url" ? settings.connection.url : "";
  const dialect =
    settings.dialect === "postgres"
      ? await postgres(settings, url)
      : settings.dialect === "mysql"
        ? await mysql(settings, url)
        : await pglite(settings, options);
  const db = new Kysely<AnyDatabase>({ dialect });
  return { db, close: () => db.destroy() };
}
