/**
 * `openStore`: the node's database, embedded (PGlite) or a PostgreSQL server, migrated and ready.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Db, DbFeatures } from "./db.js";
import { StoreError } from "./errors.js";
import { type Migration, type MigrationReport, migrate } from "./migrate.js";
import { openPglite } from "./pglite-driver.js";
import { openPostgres } from "./postgres-driver.js";

/** Where the database is: exactly one of `url`, `dataDir`, `pglite`, or none (in memory). */
export interface OpenStoreOptions {
  /** A PostgreSQL server: `postgres://user:password@host:5432/db`. */
  url?: string;
  /** An embedded PGlite database persisted in this directory (created if missing). */
  dataDir?: string;
  /** An embedded PGlite instance the caller opened (and closes). */
  pglite?: PGlite;
  /** Most connections to a PostgreSQL server (default 10). */
  poolMax?: number;
  /** Apply pending migrations on open (default true). */
  migrate?: boolean;
  /** The migrations to apply (default: the node's own). */
  migrations?: readonly Migration[];
}

/** An open database and what its migrations did. */
export interface Store extends Db {
  /** The migrations applied on open; `undefined` when `migrate: false`. */
  readonly migration: MigrationReport | undefined;
}

/** Read the features the node cares about into `features`. */
export async function detectFeatures(db: Db): Promise<DbFeatures> {
  const { rows } = await db.query<{ pg_trgm: boolean; encoding: string }>(
    `select exists (select 1 from pg_extension where extname = 'pg_trgm') as pg_trgm,
            current_setting('server_encoding') as encoding`,
  );
  const row = rows[0];
  const features = db.features as DbFeatures;
  features.pgTrgm = row?.pg_trgm === true;
  features.serverEncoding = row?.encoding ?? "";
  features.pgTrgmCjk = false;
  if (features.pgTrgm) {
    // The extension may live in any schema on the search path; call it unqualified.
    const probe = await db.query<{ n: number }>("select array_length(show_trgm($1), 1) as n", [
      "政务信息",
    ]);
    features.pgTrgmCjk = (probe.rows[0]?.n ?? 0) > 0;
  }
  return features;
}

/**
 * Open the node's database and apply pending migrations: a PostgreSQL server by `url`, or the
 * embedded PGlite in `dataDir` (in memory without one).
 *
 * @throws StoreError `config_invalid`, `unavailable`, or a migration error (see `migrate`); the
 * database is closed again when the migrations fail.
 * @example
 * const db = await openStore({ dataDir: ".govex/data" });            // embedded
 * const db2 = await openStore({ url: process.env.DATABASE_URL });   // PostgreSQL
 * db.features.pgTrgm; // true: trigram search is available
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const given = (["url", "dataDir", "pglite"] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    throw new StoreError("config_invalid", {
      zh: `数据库只能指定一处, 却同时给了 ${given.join("、")}。请只保留一个。`,
      en: `name one database only, not ${given.join(" and ")}: keep one.`,
      params: { given },
    });
  }
  if (options.dataDir !== undefined && (typeof options.dataDir !== "string" || !options.dataDir)) {
    throw new StoreError("config_invalid", {
      zh: "数据目录须为非空路径。",
      en: "the data directory must be a non-empty path.",
    });
  }
  const db =
    options.url !== undefined
      ? await openPostgres({
          url: options.url,
          ...(options.poolMax !== undefined ? { poolMax: options.poolMax } : {}),
        })
      : await openPglite({
          ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
          ...(options.pglite !== undefined ? { pglite: options.pglite } : {}),
        });
  try {
    const migration = options.migrate === false ? undefined : await migrate(db, options.migrations);
    await detectFeatures(db);
    return Object.assign(db, { migration });
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
