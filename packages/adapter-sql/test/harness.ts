/**
 * One real database per dialect for a test file: a schema in an in-process PGlite, a schema in
 * the run's PostgreSQL, a database in the run's MariaDB (test/global-setup.ts starts both
 * servers). Each harness has its own unique schema/database, so test files run in parallel;
 * `admin` is a Kysely instance that may write (sources never do).
 */
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type Dialect, Kysely, MysqlDialect, PGliteDialect, PostgresDialect, sql } from "kysely";
import { createPool } from "mysql2";
import pg from "pg";
import { testDatabaseUrl, uniqueDatabaseName } from "../../../test/databases.js";
import {
  createSource,
  type SqlDialect,
  type SqlSource,
  type SqlSourceConfig,
} from "../src/index.js";

const require = createRequire(import.meta.url);

export const DIALECTS: readonly SqlDialect[] = ["pglite", "postgres", "mysql"];

/** Column types per dialect, for the tests' own tables. */
export interface Types {
  key: string;
  text: string;
  /** A timestamp without a zone (MySQL DATETIME(6), PostgreSQL timestamp(6)). */
  timestamp: string;
  /** A timestamp as the dialect's last-modified columns usually are. */
  modified: string;
  date: string;
  bigint: string;
  int: string;
}

const TYPES: Record<"postgres" | "mysql", Types> = {
  postgres: {
    key: "varchar(64)",
    text: "text",
    timestamp: "timestamp(6)",
    modified: "timestamptz(6)",
    date: "date",
    bigint: "bigint",
    int: "integer",
  },
  mysql: {
    key: "varchar(64)",
    text: "text",
    timestamp: "datetime(6)",
    modified: "datetime(6)",
    date: "date",
    bigint: "bigint",
    int: "integer",
  },
};

export interface Harness {
  dialect: SqlDialect;
  /** The unique schema (PostgreSQL, PGlite) or database (MySQL) of this harness. */
  schema: string;
  types: Types;
  // biome-ignore lint/suspicious/noExplicitAny: the tests' tables are built at run time.
  admin: Kysely<any>;
  /** Run one raw statement (DDL) as the admin. */
  exec(statement: string): Promise<void>;
  /** A source over this harness's database, with `schema` set. */
  source(block: Omit<SqlSourceConfig, "kind" | "dialect">): Promise<SqlSource>;
  close(): Promise<void>;
}

let sharedPglite: PGlite | undefined;

/**
 * A freshly initialized PGlite data directory, as a tarball cached per PGlite version: loading it
 * skips initdb, which is most of the seconds a new in-memory instance takes.
 */
export async function pgliteTemplate(): Promise<Blob | undefined> {
  // pnpm's path names the version: a new PGlite gets a new cache file.
  const build = createHash("sha256").update(require.resolve("@electric-sql/pglite")).digest("hex");
  const file = join(tmpdir(), `govex-test-pglite-${build.slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {}
  const fresh = await PGlite.create();
  const dump = await fresh.dumpDataDir("none");
  await fresh.close();
  // Write then rename: files racing to create the cache never read half of one.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

/** The file's one PGlite instance (starting one takes seconds; schemas keep harnesses apart). */
async function pgliteInstance(): Promise<PGlite> {
  sharedPglite ??= await PGlite.create({ loadDataDir: await pgliteTemplate() });
  return sharedPglite;
}

/** Close the file's PGlite instance; call in afterAll. */
export async function closePglite(): Promise<void> {
  await sharedPglite?.close();
  sharedPglite = undefined;
}

/** A PGlite view whose close() leaves the shared instance open. */
function unclosable(instance: PGlite) {
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
    query: instance.query.bind(instance),
    transaction: instance.transaction.bind(instance),
    close: async () => {},
  };
}

const URL_ENV = "GOVEX_SQL_TEST_URL";

export async function createHarness(dialect: SqlDialect, prefix: string): Promise<Harness> {
  const schema = uniqueDatabaseName(`govex_${prefix}`);
  const types = TYPES[dialect === "mysql" ? "mysql" : "postgres"];
  let dialectImpl: Dialect;
  let url = "";
  let pglite: PGlite | undefined;
  if (dialect === "pglite") {
    pglite = await pgliteInstance();
    dialectImpl = new PGliteDialect({ pglite: unclosable(pglite) });
  } else if (dialect === "postgres") {
    url = testDatabaseUrl("postgres");
    dialectImpl = new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) });
  } else {
    const root = testDatabaseUrl("mysql");
    const bootstrap = createPool({ uri: root, connectionLimit: 1 });
    await bootstrap.promise().query(`create database \`${schema}\` character set utf8mb4`);
    await bootstrap.promise().end();
    url = new URL(schema, root.endsWith("/") ? root : `${root}/`).toString();
    dialectImpl = new MysqlDialect({
      pool: createPool({ uri: url, connectionLimit: 2, dateStrings: true }),
    });
  }
  const admin = new Kysely({ dialect: dialectImpl });
  if (dialect !== "mysql") await sql`create schema ${sql.id(schema)}`.execute(admin);
  const sources: SqlSource[] = [];
  return {
    dialect,
    schema,
    types,
    admin,
    async exec(statement) {
      await sql.raw(statement).execute(admin);
    },
    async source(block) {
      const config = {
        kind: "sql",
        dialect,
        schema,
        ...(dialect === "pglite" ? {} : { connection: { env: URL_ENV } }),
        ...block,
      } as Record<string, unknown>;
      const source = await createSource(
        config,
        { baseDir: process.cwd(), env: { [URL_ENV]: url } },
        pglite ? { pglite } : {},
      );
      sources.push(source);
      return source;
    },
    async close() {
      await Promise.all(sources.map((s) => s.close()));
      if (dialect === "mysql") await sql`drop database if exists ${sql.id(schema)}`.execute(admin);
      else await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    },
  };
}

/** `schema.name`, quoted for the dialect, for raw test statements. */
export function qualified(harness: Harness, name: string): string {
  const q = harness.dialect === "mysql" ? "`" : '"';
  return `${q}${harness.schema}${q}.${q}${name}${q}`;
}
