import { createRequire } from "node:module";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, onTestFinished } from "vitest";
import { testDatabaseUrl, uniqueDatabaseName } from "../../../test/databases.js";
import {
  type DriverName,
  type OpenStoreOptions,
  openStore,
  type Store,
} from "../src/store/index.js";
import { newPglite, pgliteTemplate } from "./pglite-template.js";

const _require = createRequire(import.meta.url);

export const DRIVERS: readonly DriverName[] = ["pglite", "postgres"];
export { pgliteTemplate };

type Cleanup = (fn: () => Promise<void>) => void;

/** A new, empty PGlite instance (closed when the test finishes). */
export async function freshPglite(cleanup: Cleanup = onTestFinished): Promise<PGlite> {
  const instance = await newPglite();
  cleanup(async () => {
    if (!instance.closed) await instance.close();
  });
  return instance;
}

/**
 * A URL of a new, empty database on the test PostgreSQL (dropped when the test finishes), UTF8
 * with LC_CTYPE C.UTF-8 as the node's docs ask (pg_trgm then finds trigrams in Chinese text), or
 * with the cluster's own locale ("C" on the test cluster).
 */
export async function freshPostgresUrl(
  prefix = "govex_node",
  locale: "C.UTF-8" | "cluster" = "C.UTF-8",
  cleanup: Cleanup = onTestFinished,
): Promise<string> {
  const admin = testDatabaseUrl("postgres");
  const name = uniqueDatabaseName(prefix);
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(
      locale === "cluster"
        ? `create database ${name}`
        : `create database ${name} template template0 encoding 'UTF8' lc_collate 'C.UTF-8' lc_ctype 'C.UTF-8'`,
    );
  } finally {
    await client.end();
  }
  cleanup(async () => {
    const dropper = new pg.Client({ connectionString: admin });
    await dropper.connect();
    try {
      await dropper.query(`drop database if exists ${name} with (force)`);
    } finally {
      await dropper.end();
    }
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Where a fresh database of `driver` is: options for `openStore`. */
export async function freshLocation(
  driver: DriverName,
  cleanup: Cleanup = onTestFinished,
): Promise<OpenStoreOptions> {
  return driver === "pglite"
    ? { pglite: await freshPglite(cleanup) }
    : { url: await freshPostgresUrl("govex_node", "C.UTF-8", cleanup) };
}

/** A fresh database of `driver`, opened (and migrated unless `migrate: false`). */
export async function fresh(
  driver: DriverName,
  options: Omit<OpenStoreOptions, "url" | "dataDir" | "pglite"> = {},
): Promise<Store> {
  const db = await openStore({ ...(await freshLocation(driver)), ...options });
  // Registered after the location's own cleanup, so it runs first (vitest runs them in reverse).
  onTestFinished(() => db.close());
  return db;
}

/**
 * One database of `driver` for a whole describe block (for tests that only read, or write
 * nothing that the next test counts): opened in beforeAll, closed and dropped in afterAll.
 */
export function sharedStore(driver: DriverName): () => Store {
  let db: Store | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    db = await openStore(await freshLocation(driver, (fn) => cleanups.push(fn)));
  });
  afterAll(async () => {
    await db?.close();
    for (const fn of cleanups.reverse()) await fn();
  });
  return () => {
    if (!db) throw new Error("the shared store is opened in beforeAll");
    return db;
  };
}

/** The value, or a failed test when it is missing. */
export function must<T>(value: T | null | undefined, what = "a value"): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${value}`);
  return value;
}
