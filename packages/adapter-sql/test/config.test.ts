import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AdapterError } from "@govex/adapter";
import { afterAll, describe, expect, it } from "vitest";
import { createSource, isIdentifier, parseSqlSourceConfig } from "../src/index.js";

const SECRET_URL = "postgres://hukou:S3cr3t-p%40ss@db.example:5432/hukou";
const env = { HUKOU_DATABASE_URL: SECRET_URL, NOT_A_URL: "S3cr3t-p@ss plain", EMPTY: "" };
const baseDir = mkdtempSync(join(tmpdir(), "govex-sql-config-"));
mkdirSync(join(baseDir, "empty"));
mkdirSync(join(baseDir, "data"));
writeFileSync(join(baseDir, "data", "PG_VERSION"), "17\n");
afterAll(() => rmSync(baseDir, { recursive: true, force: true }));

const pg = {
  kind: "sql",
  dialect: "postgres",
  connection: { env: "HUKOU_DATABASE_URL" },
  table: "residents",
};

const cases: [string, { given: Record<string, unknown>; path: string; code: string }][] = [
  [
    "dialect missing",
    { given: { kind: "sql", table: "t" }, path: "/source/dialect", code: "required" },
  ],
  [
    "unknown dialect",
    { given: { ...pg, dialect: "oracle" }, path: "/source/dialect", code: "invalid_value" },
  ],
  ["wrong kind", { given: { ...pg, kind: "file" }, path: "/source/kind", code: "invalid_value" }],
  [
    "misspelt setting",
    { given: { ...pg, tabel: "x" }, path: "/source/tabel", code: "unknown_setting" },
  ],
  ["table and view", { given: { ...pg, view: "v" }, path: "/source/view", code: "relation_count" }],
  ["no relation", { given: { ...pg, table: undefined }, path: "/source", code: "relation_count" }],
  [
    "injection in a table name",
    {
      given: { ...pg, table: "residents; drop table x" },
      path: "/source/table",
      code: "invalid_identifier",
    },
  ],
  [
    "dotted table",
    {
      given: { ...pg, table: "public.residents" },
      path: "/source/table",
      code: "invalid_identifier",
    },
  ],
  [
    "quoted schema",
    { given: { ...pg, schema: '"x"' }, path: "/source/schema", code: "invalid_identifier" },
  ],
  [
    "64-byte view",
    {
      given: { ...pg, table: undefined, view: "v".repeat(64) },
      path: "/source/view",
      code: "invalid_identifier",
    },
  ],
  [
    "22 Chinese characters (66 bytes)",
    { given: { ...pg, table: "表".repeat(22) }, path: "/source/table", code: "invalid_identifier" },
  ],
  [
    "unknown changes mode",
    {
      given: { ...pg, changes: { mode: "trigger" } },
      path: "/source/changes/mode",
      code: "invalid_value",
    },
  ],
  [
    "bad change column",
    {
      given: { ...pg, changes: { mode: "column", column: "updated at" } },
      path: "/source/changes/column",
      code: "invalid_identifier",
    },
  ],
  [
    "bad change table column",
    {
      given: { ...pg, changes: { mode: "table", table: "c", columns: { seq: "seq--" } } },
      path: "/source/changes/columns/seq",
      code: "invalid_identifier",
    },
  ],
  [
    "connection missing",
    { given: { ...pg, connection: undefined }, path: "/source/connection", code: "required" },
  ],
  [
    "connection string in the file",
    { given: { ...pg, connection: SECRET_URL }, path: "/source/connection", code: "invalid_type" },
  ],
  [
    "connection with a url key",
    {
      given: { ...pg, connection: { url: SECRET_URL } },
      path: "/source/connection/url",
      code: "unknown_setting",
    },
  ],
  [
    "variable not set",
    {
      given: { ...pg, connection: { env: "NOPE" } },
      path: "/source/connection/env",
      code: "env_missing",
    },
  ],
  [
    "variable empty",
    {
      given: { ...pg, connection: { env: "EMPTY" } },
      path: "/source/connection/env",
      code: "env_missing",
    },
  ],
  [
    "variable not a URL",
    {
      given: { ...pg, connection: { env: "NOT_A_URL" } },
      path: "/source/connection/env",
      code: "env_not_url",
    },
  ],
  [
    "mysql dialect with a postgres URL",
    { given: { ...pg, dialect: "mysql" }, path: "/source/connection/env", code: "env_not_url" },
  ],
  [
    "bad variable name",
    {
      given: { ...pg, connection: { env: "A-B" } },
      path: "/source/connection/env",
      code: "invalid_env_name",
    },
  ],
  [
    "dataDir on postgres",
    { given: { ...pg, dataDir: "./data" }, path: "/source/dataDir", code: "pglite_only" },
  ],
  [
    "pglite dataDir missing",
    {
      given: { kind: "sql", dialect: "pglite", dataDir: "./nope", table: "t" },
      path: "/source/dataDir",
      code: "data_dir_missing",
    },
  ],
  [
    "pglite dataDir not a database",
    {
      given: { kind: "sql", dialect: "pglite", dataDir: "./empty", table: "t" },
      path: "/source/dataDir",
      code: "not_pglite_dir",
    },
  ],
  [
    "pglite dataDir and connection",
    {
      given: {
        kind: "sql",
        dialect: "pglite",
        dataDir: "./data",
        connection: { env: "EMPTY" },
        table: "t",
      },
      path: "/source/dataDir",
      code: "conflict",
    },
  ],
  [
    "query that deletes",
    {
      given: { ...pg, table: undefined, query: "delete from residents" },
      path: "/source/query",
      code: "query_not_select",
    },
  ],
  [
    "query with a second statement",
    {
      given: { ...pg, table: undefined, query: "select 1; drop table residents" },
      path: "/source/query",
      code: "query_multiple_statements",
    },
  ],
  [
    "named time zone",
    {
      given: { ...pg, timeZone: "Asia/Shanghai" },
      path: "/source/timeZone",
      code: "invalid_time_zone",
    },
  ],
  [
    "pool of zero",
    { given: { ...pg, pool: { max: 0 } }, path: "/source/pool/max", code: "too_small" },
  ],
  [
    "__proto__ setting",
    {
      given: JSON.parse(`{"kind":"sql","dialect":"postgres","table":"t","__proto__":{"x":1}}`),
      path: "/source/__proto__",
      code: "unknown_setting",
    },
  ],
];

describe("source block errors", () => {
  it.each(cases)("%s", async (_, { given, path, code }) => {
    const error = await createSource(given, { baseDir, env, file: "hukou.mapping.yaml" }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.code).toBe("config_invalid");
    expect(error.params.issues).toContainEqual(expect.objectContaining({ path, code }));
    expect(error.path).toBe(error.params.issues[0].path);
    // Both languages name the file and the place; neither ever shows a secret.
    for (const text of [error.message, error.zh])
      expect(text).toContain(`hukou.mapping.yaml ${path}`);
    for (const text of [error.message, error.zh, JSON.stringify(error.params)])
      expect(text).not.toContain("S3cr3t");
  });

  it("lists every problem, not only the first", () => {
    let error: unknown;
    try {
      parseSqlSourceConfig(
        { kind: "sql", dialect: "postgres", table: "a b", view: "c d", x: 1 },
        { baseDir, env },
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AdapterError);
    const paths = ((error as AdapterError).params.issues as { path: string }[])
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(["/source/table", "/source/view", "/source/x"]);
  });
});

describe("a valid source block", () => {
  it("resolves the connection, relation, changes and defaults", () => {
    const settings = parseSqlSourceConfig(
      {
        ...pg,
        schema: "户籍",
        changes: { mode: "table", table: "residents_changes", columns: { key: "k" } },
      },
      { baseDir, env },
    );
    expect(settings).toEqual({
      dialect: "postgres",
      connection: { kind: "url", url: SECRET_URL, env: "HUKOU_DATABASE_URL" },
      relation: { kind: "table", schema: "户籍", name: "residents" },
      changes: {
        mode: "table",
        schema: "户籍",
        table: "residents_changes",
        columns: { seq: "seq", key: "k", op: "op", time: "changed_at" },
      },
      timeZone: "+08:00",
      poolMax: 10,
      connectTimeoutMs: 10_000,
    });
  });

  it("resolves a PGlite data directory against the mapping file, or from the environment", () => {
    const relative = parseSqlSourceConfig(
      { kind: "sql", dialect: "pglite", dataDir: "./data", view: "v" },
      { baseDir, env },
    );
    expect(relative.connection).toEqual({ kind: "pglite", dataDir: join(baseDir, "data") });
    const fromEnv = parseSqlSourceConfig(
      { kind: "sql", dialect: "pglite", connection: { env: "DIR" }, table: "t" },
      { baseDir, env: { DIR: "data" } },
    );
    expect(fromEnv.connection).toEqual({
      kind: "pglite",
      dataDir: join(baseDir, "data"),
      env: "DIR",
    });
    const memory = parseSqlSourceConfig(
      { kind: "sql", dialect: "pglite", table: "t" },
      { baseDir, env },
    );
    expect(memory.connection).toEqual({ kind: "pglite" });
  });

  it("keeps a query as written, without a trailing semicolon", () => {
    const settings = parseSqlSourceConfig(
      { ...pg, table: undefined, query: "  WITH x AS (select 1 as id) select id from x;  " },
      { baseDir, env },
    );
    expect(settings.relation).toEqual({
      kind: "query",
      sql: "WITH x AS (select 1 as id) select id from x",
    });
  });
});

describe("identifiers", () => {
  const table: [string, boolean][] = [
    ["residents", true],
    ["_x1", true],
    ["SFZH", true],
    ["户籍人口", true],
    ["a".repeat(63), true],
    ["a".repeat(64), false],
    ["1abc", false],
    ["a-b", false],
    ["a b", false],
    ["a.b", false],
    ['a"b', false],
    ["a`b", false],
    ["a;b", false],
    ["", false],
    ["a\u0000", false],
    ["__proto__", true],
  ];
  it.each(table)("%j → %s", (name, ok) => {
    expect(isIdentifier(name)).toBe(ok);
  });
});
