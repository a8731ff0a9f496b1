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

function wrap(target: Pool | PoolClient): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 } satisfies QueryResult<R>;
    },
    async exec(sql: string) {
      // Without parameters pg uses the simple query protocol, which runs several statements.
      await target.query(sql);
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
    throw new StoreError("unavailable", {
      zh: `无法连接数据库 ${redactUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}。请确认服务器已启动、地址与凭据正确。`,
      en: `cannot connect to ${redactUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}. Check that the server runs and the address and credentials are right.`,
      params: { url: redactUrl(url) },
      cause,
    });
  }
  const features: DbFeatures = { pgTrgm: false, pgTrgmCjk: false, serverEncoding: "" };
  let closed = false;
  return {
    driver: "postgres",
    features,
    ...wrap(pool),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("begin");
        const result = await fn(wrap(client));
        await client.query("commit");
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
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
