import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { describe, expect, test } from "vitest";
import { MIGRATIONS_MODULE, renderMigrationsModule } from "../scripts/embed-migrations.js";
import {
  checkMigrations,
  type Migration,
  migrate,
  migrationChecksum,
  NODE_MIGRATIONS,
  openStore,
  StoreError,
} from "../src/store/index.js";
import {
  DRIVERS,
  fresh,
  freshLocation,
  freshPglite,
  freshPostgresUrl,
  must,
  pgliteTemplate,
} from "./store-drivers.js";

const TABLES = [
  "schema_migrations",
  "signature_nonces",
  "idempotency_keys",
  "audit_state",
  "audit_entries",
  "audit_nodes",
  "audit_checkpoints",
  "members",
  "member_keys",
  "systems",
  "services",
  "catalog_resources",
  "catalog_versions",
  "catalog_items",
  "share_requests",
  "census_systems",
];

async function caught(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe("the embedded migrations", () => {
  test("match migrations/*.sql (run `tsx scripts/embed-migrations.ts` when this fails)", async () => {
    expect(await readFile(MIGRATIONS_MODULE, "utf8")).toBe(await renderMigrationsModule());
  });

  test("are numbered from 1 without gaps, and every one has SQL", () => {
    expect(NODE_MIGRATIONS.map((m) => m.version)).toEqual(NODE_MIGRATIONS.map((_, i) => i + 1));
    expect(() => checkMigrations(NODE_MIGRATIONS)).not.toThrow();
  });

  const m = (version: number, name: string, sql = "select 1;"): Migration => ({
    version,
    name,
    sql,
  });
  test.each<[string, Migration[]]>([
    ["a name without its number", [m(1, "registry")]],
    ["an upper-case name", [m(1, "0001-Registry")]],
    ["a path in the name", [m(1, "0001-../../etc")]],
    ["a gap", [m(1, "0001-a"), m(3, "0003-c")]],
    ["a repeated number", [m(1, "0001-a"), m(1, "0001-b")]],
    ["a number that disagrees with the name", [m(1, "0002-a")]],
    ["not starting at 1", [m(2, "0002-a")]],
    ["an empty file", [m(1, "0001-a", " \n\t")]],
  ])("refuse %s", (_, list) => {
    let error: unknown;
    try {
      checkMigrations(list);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("migration_invalid");
    expect((error as StoreError).zh).toMatch(/迁移/);
  });

  test("checksums ignore CRLF line ends, and nothing else", () => {
    expect(migrationChecksum("create table a (x int);\r\n")).toBe(
      migrationChecksum("create table a (x int);\n"),
    );
    expect(migrationChecksum("create table a (x int);\n")).not.toBe(
      migrationChecksum("create table a (x  int);\n"),
    );
  });
});

describe.each(DRIVERS)("migrations on %s", (driver) => {
  test("apply to an empty database, with pg_trgm, in UTF8", async () => {
    const db = await fresh(driver);
    expect(db.driver).toBe(driver);
    expect(db.migration?.applied.map((a) => a.name)).toEqual(NODE_MIGRATIONS.map((x) => x.name));
    expect(db.migration?.version).toBe(NODE_MIGRATIONS.length);
    for (const table of TABLES) {
      const { rows } = await db.query<{ n: number }>(`select count(*) as n from ${table}`);
      expect(rows[0]?.n, table).toBeGreaterThanOrEqual(0);
    }
    const { rows } = await db.query<{ version: number; checksum: string }>(
      "select version, checksum from schema_migrations order by version",
    );
    expect(rows).toEqual(
      NODE_MIGRATIONS.map((x) => ({ version: x.version, checksum: migrationChecksum(x.sql) })),
    );
    expect(db.features.pgTrgm).toBe(true);
    expect(db.features.pgTrgmCjk).toBe(true);
    expect(db.features.serverEncoding).toBe("UTF8");
    // Trigrams of Chinese text: what catalog search relies on.
    const similar = await db.query<{ s: number }>("select similarity($1, $2) as s", [
      "北京市海淀区人民政府",
      "海淀区政府",
    ]);
    expect(similar.rows[0]?.s).toBeGreaterThan(0);
  });

  test("catalog search finds Chinese text by trigrams, through the trigram index", async () => {
    const db = await fresh(driver);
    const { rows: indexes } = await db.query("select 1 from pg_indexes where indexname = $1", [
      "catalog_resources_search",
    ]);
    expect(indexes).toHaveLength(1);
    await db.query("insert into members (code, name, member_class) values ($1, $2, 'GOV')", [
      "11370000MB1234562A",
      "山东省公安厅",
    ]);
    const resources = [
      ["101001/000001", "常住人口基本信息 户籍 公民身份号码 姓名 性别 出生日期 户籍地址"],
      ["301001/000002", "企业登记信息 统一社会信用代码 企业名称 法定代表人"],
      ["301001/000003", "婚姻登记信息 结婚登记 离婚登记 登记机关"],
    ];
    for (const [code, text] of resources) {
      await db.query(
        `insert into catalog_resources (resource_code, provider_code, status, version, entry, name,
           category, share_type, update_cycle, search_text, published_at, updated_at)
         values ($1, '11370000MB1234562A', 'published', 1, '{}', $2, '1', '有条件共享', '实时', $2, now(), now())`,
        [code, text],
      );
    }
    const search = async (words: string) =>
      (
        await db.query<{ code: string }>(
          `select resource_code as code from catalog_resources
            where $1 <% search_text order by word_similarity($1, search_text) desc, resource_code`,
          [words],
        )
      ).rows.map((r) => r.code);
    expect(await search("户籍地址")).toEqual(["101001/000001"]);
    expect(await search("登记信息")).toEqual(["301001/000002", "301001/000003"]);
    expect(await search("不动产权证")).toEqual([]);
  });

  test("a second run, and a second open, are no-ops", async () => {
    const location = await freshLocation(driver);
    const first = await openStore(location);
    try {
      expect(first.migration?.applied).toHaveLength(NODE_MIGRATIONS.length);
      expect(await migrate(first)).toEqual({ applied: [], version: NODE_MIGRATIONS.length });
    } finally {
      await first.close();
    }
    const second = await openStore(location);
    try {
      expect(second.migration).toEqual({ applied: [], version: NODE_MIGRATIONS.length });
      const { rows } = await second.query<{ n: number }>(
        "select count(*) as n from schema_migrations",
      );
      expect(rows[0]?.n).toBe(NODE_MIGRATIONS.length);
    } finally {
      await second.close();
    }
  });

  test("an edited applied migration is refused, and nothing changes", async () => {
    const db = await fresh(driver);
    const edited = NODE_MIGRATIONS.map((x) =>
      x.name === "0002-nonces"
        ? { ...x, sql: `${x.sql}\ncreate index sneaky on signature_nonces (digest);\n` }
        : x,
    );
    const error = await caught(migrate(db, edited));
    expect(error.code).toBe("migration_checksum_mismatch");
    expect(error.message).toContain("0002-nonces");
    expect(error.message).toMatch(/new migration/);
    expect(error.zh).toContain("0002-nonces");
    expect(error.params).toMatchObject({ version: 2, name: "0002-nonces" });
    const { rows } = await db.query("select 1 from pg_indexes where indexname = 'sneaky'");
    expect(rows).toHaveLength(0);
  });

  test("a database migrated by a newer version is refused", async () => {
    const db = await fresh(driver);
    const error = await caught(migrate(db, NODE_MIGRATIONS.slice(0, 2)));
    expect(error.code).toBe("migration_unknown");
    expect(error.params).toMatchObject({ version: 3 });
    expect(error.message).toMatch(/Upgrade govex/);
  });

  test("a renamed applied migration is refused", async () => {
    const db = await fresh(driver);
    const renamed = NODE_MIGRATIONS.map((x, i) => (i === 0 ? { ...x, name: "0001-renamed" } : x));
    expect((await caught(migrate(db, renamed))).code).toBe("migration_unknown");
  });

  test("a failing migration rolls back the whole run", async () => {
    const db = await fresh(driver, { migrate: false });
    const broken: Migration[] = [
      ...NODE_MIGRATIONS,
      {
        version: NODE_MIGRATIONS.length + 1,
        name: `${String(NODE_MIGRATIONS.length + 1).padStart(4, "0")}-broken`,
        sql: "create table half_done (x int);\nselect * from no_such_table;\n",
      },
    ];
    const error = await caught(migrate(db, broken));
    expect(error.code).toBe("migration_failed");
    expect(error.message).toContain("-broken");
    const { rows } = await db.query(
      "select table_name from information_schema.tables where table_name in ('half_done', 'audit_nodes', 'schema_migrations')",
    );
    expect(rows).toEqual([]);
    // Then the good ones apply.
    expect((await migrate(db)).applied).toHaveLength(NODE_MIGRATIONS.length);
  });

  test("starters at the same time apply each migration once", async () => {
    const location = await freshLocation(driver);
    const stores = await Promise.all(
      Array.from({ length: 4 }, () => openStore({ ...location, poolMax: 2 })),
    );
    try {
      const applied = stores.map((s) => s.migration?.applied.length);
      expect(applied.sort()).toEqual([0, 0, 0, NODE_MIGRATIONS.length]);
      const { rows } = await must(stores[0]).query<{ n: number }>(
        "select count(*) as n from schema_migrations",
      );
      expect(rows[0]?.n).toBe(NODE_MIGRATIONS.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test("parameters are bound, never spliced into SQL", async () => {
    const db = await fresh(driver);
    const hostile = "'); drop table audit_nodes; --";
    const { rows } = await db.query<{ v: string; n: number; b: Uint8Array }>(
      "select $1::text as v, $2::bigint as n, $3::bytea as b",
      [hostile, 2 ** 53 - 1, Uint8Array.of(0, 1, 255)],
    );
    expect(rows[0]?.v).toBe(hostile);
    expect(rows[0]?.n).toBe(2 ** 53 - 1);
    expect([...(rows[0]?.b ?? [])]).toEqual([0, 1, 255]);
    expect((await db.query("select count(*) from audit_nodes")).rows).toHaveLength(1);
  });

  test("a transaction commits on success and rolls back on error", async () => {
    const db = await fresh(driver);
    await db.transaction(async (tx) => {
      await tx.query("insert into signature_nonces (digest, expires_at) values ($1, 1)", [
        Buffer.from("a"),
      ]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into signature_nonces (digest, expires_at) values ($1, 1)", [
          Buffer.from("b"),
        ]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const { rows } = await db.query<{ d: Uint8Array }>("select digest as d from signature_nonces");
    expect(rows.map((r) => Buffer.from(r.d).toString())).toEqual(["a"]);
  });
});

test("PostgreSQL under LC_CTYPE C: pg_trgm is there but finds no trigrams in Chinese", async () => {
  const db = await openStore({ url: await freshPostgresUrl("govex_node_c", "cluster") });
  try {
    const { rows } = await db.query<{ ctype: string }>(
      "select current_setting('lc_ctype') as ctype",
    );
    // "C" on the run's own cluster; a server named by GOVEX_TEST_POSTGRES_URL may differ.
    const utf8Ctype = /utf-?8/i.test(rows[0]?.ctype ?? "");
    expect(db.features).toMatchObject({ pgTrgm: true, pgTrgmCjk: utf8Ctype });
  } finally {
    await db.close();
  }
});

describe("openStore", () => {
  test.each<[string, () => Promise<Parameters<typeof openStore>[0]>]>([
    ["both a URL and a data directory", async () => ({ url: "postgres://x/y", dataDir: "/tmp/x" })],
    [
      "both a URL and an instance",
      async () => ({ url: "postgres://x/y", pglite: await freshPglite() }),
    ],
    ["a URL of another scheme", async () => ({ url: "mysql://root@127.0.0.1/x" })],
    ["an empty data directory name", async () => ({ dataDir: "" })],
  ])("refuses %s", async (_, options) => {
    expect((await caught(openStore(await options()))).code).toBe("config_invalid");
  });

  test("names an unreachable server without its password", async () => {
    const error = await caught(openStore({ url: "postgres://govex:s3cret@127.0.0.1:1/nope" }));
    expect(error.code).toBe("unavailable");
    expect(error.message).not.toContain("s3cret");
    expect(error.zh).not.toContain("s3cret");
    expect(error.params.url).toBe("postgres://govex:***@127.0.0.1:1/nope");
  });

  test("refuses a data directory that holds something else", async () => {
    const dir = await mkdtemp(join(tmpdir(), "govex-node-store-"));
    try {
      await writeFile(join(dir, "thesis.docx"), "not a database");
      const error = await caught(openStore({ dataDir: dir }));
      expect(error.code).toBe("config_invalid");
      expect(error.message).toContain("PG_VERSION");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("PGlite in a data directory keeps its data across restarts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "govex-node-store-"));
    try {
      // Seed the directory from the initdb'd template: the driver then only opens it.
      const seed = await PGlite.create({
        dataDir: join(dir, "data"),
        loadDataDir: await pgliteTemplate(),
        extensions: { pg_trgm },
      });
      await seed.close();
      const first = await openStore({ dataDir: join(dir, "data") });
      expect(first.migration?.applied).toHaveLength(NODE_MIGRATIONS.length);
      await first.query("insert into signature_nonces (digest, expires_at) values ($1, 42)", [
        Buffer.from("kept"),
      ]);
      await first.close();
      await first.close(); // idempotent
      const second = await openStore({ dataDir: join(dir, "data") });
      try {
        expect(second.migration?.applied).toEqual([]);
        const { rows } = await second.query<{ e: number }>(
          "select expires_at as e from signature_nonces",
        );
        expect(rows).toEqual([{ e: 42 }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
