/**
 * The server driver: PostgreSQL by URL through a `pg` connection pool. Several nodes may share
 * the database; everything that must be serialized across them is, in SQL (row locks, advisory
 * locks), never in this process.
 */
import type { Pool, PoolClient } from "pg";
import type { Db, DbFeatures, Queryable, QueryResult, Row } from "./db.js";
import { StoreError } from "./errors.js";

const INT8 = 20;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/** Socket errors of a lost or refused connection (Node's `code`). */
const SOCKET_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/**
 * Whether an error means the server is out of reach rather than that a statement failed:
 * a socket error, pg's own "Connection terminated" / connect timeout, or an SQLSTATE of class 08
 * (connection exception), 57P01–57P03 (admin or crash shutdown, cannot connect now) or 53300
 * (too many connections) — PostgreSQL documentation, Appendix A "PostgreSQL Error Codes".
 */
export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : "";
  if (SOCKET_ERRORS.has(code)) return true;
  if (code.startsWith("08") || ["57P01", "57P02", "57P03", "53300"].includes(code)) return true;
  const message = typeof e?.message === "string" ? e.message : "";
  return /Connection terminated|connection error|timeout exceeded when trying to connect/i.test(
    message,
  );
}

function unavailable(url: string, cause: unknown): StoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreError("unavailable", {
    zh: `无法连接数据库 ${redactUrl(url)}: ${reason}。请确认服务器已启动、地址与凭据正确。`,
    en: `cannot connect to ${redactUrl(url)}: ${reason}. Check that the server runs and the address and credentials are right.`,
    params: { url: redactUrl(url) },
    cause,
  });
}

/** Run a call on the server; losing the server is `unavailable`, other errors pass as they are. */
async function onServer<T>(url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isConnectionLost(error) ? unavailable(url, error) : error;
  }
}

function wrap(target: Pool | PoolClient, url: string): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const result = await onServer(url, () => target.query<R>(sql, params as unknown[]));
      return { rows: result.rows, rowCount: result.rowCount ?? 0 } satisfies QueryResult<R>;
    },
    async exec(sql: string) {
      // Without parameters pg uses the simple query protocol, which runs several statements.
      await onServer(url, () => target.query(sql));
    },
  };
}

/**
 * Open a pool on `url` and check that the server answers.
 *
 * @param poolMax most connections this node holds (default 10).
 */
export async function openPostgres(options: { url: string; poolMax?: number }): Promise<Db> {
  const { url } = options;
  if (!/^postgres(?:ql)?:\/\//.test(url)) {
    throw new StoreError("config_invalid", {
      zh: `数据库 URL ${redactUrl(url)} 不是 postgres:// 或 postgresql:// 地址。请改正。`,
      en: `database URL ${redactUrl(url)} is not a postgres:// or postgresql:// URL: correct it.`,
      params: { url: redactUrl(url) },
    });
  }
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolMax ?? 10,
    // A server that does not answer a connect is reported (503), not waited on for ever.
    connectionTimeoutMillis: 5_000,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server emits here; without a listener it would crash the process.
  // The next query then fails and reports it.
  pool.on("error", () => {});
  try {
    await pool.query("select 1");
  } catch (cause) {
    await pool.end().catch(() => {});
    throw unavailable(url, cause);
  }
  const features: DbFeatures = { pgTrgm: false, pgTrgmCjk: false, serverEncoding: "" };
  let closed = false;
  return {
    driver: "postgres",
    features,
    ...wrap(pool, url),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await onServer(url, () => pool.connect());
      let broken: Error | undefined;
      try {
        await onServer(url, () => client.query("begin"));
        const result = await fn(wrap(client, url));
        await onServer(url, () => client.query("commit"));
        return result;
      } catch (error) {
        try {
          await client.query("rollback");
        } catch (rollbackError) {
          // A connection that cannot roll back is not given back to the pool.
          broken =
            rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    // The server's autovacuum daemon analyzes and vacuums.
    autovacuum: async () => ({ analyzed: [], vacuumed: [] }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
