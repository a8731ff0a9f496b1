/**
 * The test database servers, as tests see them. test/global-setup.ts starts a throwaway
 * PostgreSQL cluster and a throwaway MariaDB on 127.0.0.1 once per run (or takes the URLs from
 * GOVEX_TEST_POSTGRES_URL / GOVEX_TEST_MYSQL_URL when they are set) and provides their URLs:
 *
 * - `inject("postgresUrl")`: `postgres://postgres@127.0.0.1:PORT/postgres` (a superuser; create a
 *   database or schema per test file), `""` when the server could not be started;
 * - `inject("mysqlUrl")`: `mysql://root@127.0.0.1:PORT/` (no database selected; create one per
 *   test file), `""` when the server could not be started;
 * - `inject("databaseErrors")`: why a server could not be started.
 *
 * Child processes get the same URLs as GOVEX_TEST_POSTGRES_URL and GOVEX_TEST_MYSQL_URL. Tests
 * should call `testDatabaseUrl(kind)`, which fails loudly when the server is missing.
 */
import { inject } from "vitest";

export type TestDatabaseKind = "postgres" | "mysql";

declare module "vitest" {
  export interface ProvidedContext {
    /** PostgreSQL superuser URL, or "" when no server could be started (see `databaseErrors`). */
    postgresUrl: string;
    /** MariaDB/MySQL root URL without a database, or "" when no server could be started. */
    mysqlUrl: string;
    /** Why a server could not be started, by kind. */
    databaseErrors: Partial<Record<TestDatabaseKind, string>>;
  }
}

const NAMES: Record<TestDatabaseKind, string> = { postgres: "PostgreSQL", mysql: "MariaDB" };

/**
 * The URL of the run's test server of this kind; throws a clear error when it is not available.
 *
 * @example
 * const url = testDatabaseUrl("postgres");
 */
export function testDatabaseUrl(kind: TestDatabaseKind): string {
  const url = inject(kind === "postgres" ? "postgresUrl" : "mysqlUrl");
  if (url) return url;
  const why = inject("databaseErrors")?.[kind] ?? "test/global-setup.ts did not run";
  throw new Error(
    `${NAMES[kind]} for the tests is not available: ${why}. ` +
      "Install the servers with `bash scripts/system-deps.sh`, or point " +
      `GOVEX_TEST_${kind === "postgres" ? "POSTGRES" : "MYSQL"}_URL at a server you run.`,
  );
}

/** A database or schema name unique to this run and caller, e.g. `govex_sql_query_k3x9a1`. */
export function uniqueDatabaseName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  return `${clean}_${process.pid.toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
}
