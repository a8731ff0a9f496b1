/**
 * The embedded driver: PGlite (PostgreSQL compiled to WebAssembly, in this process), persisted in
 * a data directory or held in memory. One process may open a data directory at a time: PGlite is
 * a single-user PostgreSQL, so it serializes every query of the process itself and there is no
 * other process to wait for.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type { Db, DbFeatures, Queryable, QueryResult, Row } from "./db.js";
import { StoreError } from "./errors.js";
import { createPgliteAutovacuum } from "./pglite-autovacuum.js";

const INT8 = 20;
// bigint as a JavaScript number, as the `pg` driver is configured to do (see postgres-driver.ts).
const PARSERS = { [INT8]: (value: string) => Number(value) };

function wrap(target: PGlite | Transaction, wrote: (rows: number) => void): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, params as unknown[], { parsers: PARSERS });
      if (result.affectedRows) wrote(result.affectedRows);
      return {
        rows: result.rows,
        rowCount: result.affectedRows ?? result.rows.length,
      } satisfies QueryResult<R>;
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
  };
}

/** Refuse a directory that holds something other than a PGlite (PostgreSQL) data directory. */
function checkDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true });
    return;
  }
  const entries = readdirSync(dataDir);
  if (entries.length > 0 && !entries.includes("PG_VERSION")) {
    throw new StoreError("config_invalid", {
      zh: `数据目录 ${dataDir} 不为空, 也不是 PGlite 数据目录 (缺少 PG_VERSION)。请指定空目录或原有的数据目录。`,
      en: `data directory ${dataDir} is neither empty nor a PGlite data directory (no PG_VERSION): name an empty directory or an existing data directory.`,
      params: { dataDir },
    });
  }
}

/**
 * Open PGlite with the pg_trgm extension: in `dataDir` (created if missing), in memory without
 * one, or wrap an instance the caller opened (left open by `close`).
 */
export async function openPglite(options: { dataDir?: string; pglite?: PGlite }): Promise<Db> {
  let instance = options.pglite;
  const owned = instance === undefined;
  if (!instance) {
    if (options.dataDir !== undefined) checkDataDir(options.dataDir);
    const [{ PGlite }, { pg_trgm }] = await Promise.all([
      import("@electric-sql/pglite"),
      import("@electric-sql/pglite/contrib/pg_trgm"),
    ]);
    try {
      instance = await PGlite.create({
        ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
        extensions: { pg_trgm },
      });
    } catch (cause) {
      throw new StoreError("unavailable", {
        zh: `无法打开嵌入式数据库${options.dataDir ? ` (数据目录 ${options.dataDir})` : ""}: ${String(cause)}。请确认目录可写且未被其他进程打开。`,
        en: `the embedded database${options.dataDir ? ` in ${options.dataDir}` : ""} does not open: ${String(cause)}. Check that the directory is writable and no other process has it open.`,
        params: { dataDir: options.dataDir },
        cause,
      });
    }
  }
  const pglite = instance;
  const features: DbFeatures = { pgTrgm: false, pgTrgmCjk: false, serverEncoding: "UTF8" };
  const autovacuum = createPgliteAutovacuum(pglite, {
    onError: (error) => process.emitWarning(`PGlite autovacuum: ${String(error)}`),
  });
  const { wrote } = autovacuum;
  let closed = false;
  return {
    driver: "pglite",
    features,
    ...wrap(pglite, wrote),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      pglite.transaction((tx) => fn(wrap(tx, wrote))) as Promise<T>,
    autovacuum: () => autovacuum.check(),
    async close() {
      if (closed) return;
      closed = true;
      await autovacuum.stop();
      if (owned && !pglite.closed) await pglite.close();
    },
  };
}
