import { AdapterError, type SourceRow } from "@govex/adapter";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SqlSource } from "../src/index.js";
import { closePglite, createHarness, DIALECTS, type Harness, qualified } from "./harness.js";

const HOSTILE = [
  "' OR 1=1 --",
  "' OR '1'='1",
  '"; drop table residents; --',
  "'; DROP TABLE residents; --",
  "\\",
  "\\'",
  "x\\' OR 1=1 #",
  "a\u0000b",
  "x".repeat(10_000),
  "__proto__",
  "constructor",
  "%",
  "_",
  "*",
  "1 UNION SELECT sfzh FROM residents",
  "$1",
  "?",
  "张三' OR '1'='1",
  "\uD800",
  "😀",
];
/** Hostile values that are also stored (as names and keys), so an exact match must find them. */
const STORED_HOSTILE = ["' OR 1=1 --", "\\", "__proto__", "$1", "?", '"; drop table residents; --'];

interface Resident {
  sfzh: string;
  xm: string;
  xb: string;
  csrq: string;
  version: number;
  big: string;
}

const residents: Resident[] = Array.from({ length: 60 }, (_, i) => ({
  sfzh: `k${String(i).padStart(3, "0")}`,
  xm: STORED_HOSTILE[i % 10] ?? `居民${i}`,
  xb: i % 3 === 0 ? "2" : "1",
  csrq: `19${String(50 + (i % 40))}-0${1 + (i % 9)}-1${i % 10}`,
  version: i + 1,
  big: (9007199254740993n + BigInt(i)).toString(),
}));
// Keys that look like attacks, for get and keyset.
const hostileKeys = STORED_HOSTILE.map((k, i) => ({ ...residents[i], sfzh: k }) as Resident);
const all = [...residents, ...hostileKeys];
const sortedKeys = (rows: Resident[]) => rows.map((r) => r.sfzh).sort();

describe.each(DIALECTS)("%s", (dialect) => {
  let h: Harness;
  let source: SqlSource;

  beforeAll(async () => {
    h = await createHarness(dialect, "query");
    const t = h.types;
    await h.admin.schema
      .withSchema(h.schema)
      .createTable("residents")
      .addColumn("sfzh", sql.raw(t.key), (c) => c.primaryKey())
      .addColumn("xm", sql.raw(t.text))
      .addColumn("xb", sql.raw("char(1)"))
      .addColumn("csrq", sql.raw(t.date))
      .addColumn("version", sql.raw(t.int))
      .addColumn("big", sql.raw(t.bigint))
      .addColumn("note", sql.raw(t.text))
      .execute();
    await h.admin.withSchema(h.schema).insertInto("residents").values(all).execute();
    await h.exec(
      `create view ${qualified(h, "v_women")} as select sfzh, xm, xb from ${qualified(h, "residents")} where xb = '2'`,
    );
    source = await h.source({ table: "residents" });
  });

  afterAll(async () => {
    await h?.close();
    if (dialect === "pglite") await closePglite();
  });

  it("checks the table with a cheap query", async () => {
    expect(await source.check()).toEqual({ status: "ok" });
    const missing = await h.source({ table: "no_such_table" });
    const health = await missing.check();
    expect(health.status).toBe("degraded");
    expect(health.detail).toMatch(/no_such_table not found/);
  });

  /** Keys in the database's own order (its collation decides where `__proto__` sorts). */
  async function dbOrder(filter: Record<string, string> = {}): Promise<string[]> {
    const rows = await source.scan({ keyField: "sfzh", fields: [], filter, limit: 10_000 });
    return rows.map((r) => String(r.sfzh));
  }

  it("scans in key order with only the needed columns", async () => {
    const order = await dbOrder();
    expect([...order].sort()).toEqual(sortedKeys(all));
    const rows = await source.scan({
      keyField: "sfzh",
      fields: ["xm", "csrq"],
      filter: {},
      limit: 5,
    });
    expect(rows.map((r) => r.sfzh)).toEqual(order.slice(0, 5));
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(["csrq", "sfzh", "xm"]);
    // Dates come back as the database's text, never a Date shifted by a time zone.
    const k000 = await source.get({
      keyField: "sfzh",
      key: "k000",
      fields: ["csrq", "big", "version"],
    });
    expect(k000).toEqual({ sfzh: "k000", csrq: "1950-01-10", big: "9007199254740993", version: 1 });
  });

  it("pages with keyset pagination: every row once, in order", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 100; pages++) {
      const page = await source.scan({
        keyField: "sfzh",
        fields: [],
        filter: {},
        limit: 7,
        ...(after !== undefined ? { after } : {}),
      });
      seen.push(...page.map((r) => String(r.sfzh)));
      if (page.length < 7) break;
      after = String(page.at(-1)?.sfzh);
    }
    expect(seen).toEqual(await dbOrder());
    expect(new Set(seen).size).toBe(all.length);
  });

  it("pushes equality filters down, with keyset", async () => {
    const women = all.filter((r) => r.xb === "2");
    const order = await dbOrder({ xb: "2" });
    expect([...order].sort()).toEqual(sortedKeys(women));
    const page = await source.scan({
      keyField: "sfzh",
      fields: ["xb"],
      filter: { xb: "2" },
      after: order[3] as string,
      limit: 2,
    });
    expect(page).toEqual(order.slice(4, 6).map((sfzh) => ({ sfzh, xb: "2" })));
    const both = await source.scan({
      keyField: "sfzh",
      fields: [],
      filter: { xb: "2", version: "4" },
      limit: 10,
    });
    expect(both.map((r) => r.sfzh).sort()).toEqual(["$1", "k003"]);
    // A value the column's type cannot hold matches nothing.
    expect(
      await source.scan({ keyField: "sfzh", fields: [], filter: { version: "abc" }, limit: 10 }),
    ).toEqual([]);
  });

  it("gets one row by key", async () => {
    expect(await source.get({ keyField: "sfzh", key: "k007", fields: ["xm", "xb"] })).toEqual({
      sfzh: "k007",
      xm: "居民7",
      xb: "1",
    });
    expect(await source.get({ keyField: "sfzh", key: "k999", fields: ["xm"] })).toBeUndefined();
  });

  it("reads a view and a query source", async () => {
    const view = await h.source({ view: "v_women" });
    const rows = await view.scan({ keyField: "sfzh", fields: ["xm"], filter: {}, limit: 1000 });
    expect(rows.map((r) => r.sfzh)).toEqual(sortedKeys(all.filter((r) => r.xb === "2")));
    const query = await h.source({
      query: `select sfzh, xm, version * 10 as v10 from ${qualified(h, "residents")} where xb = '1' -- men`,
    });
    const page = await query.scan({
      keyField: "sfzh",
      fields: ["v10"],
      filter: { v10: "20" },
      limit: 10,
    });
    // MySQL types int * int as BIGINT, which the source hands back as a string.
    expect(page.map((r) => [r.sfzh, String(r.v10)]).sort()).toEqual([
      ["\\", "20"],
      ["k001", "20"],
    ]);
    expect(await query.check()).toEqual({ status: "ok" });
  });

  // A shared PGlite instance belongs to its program; sources over a URL or a data directory are
  // read-only (the data-directory case is in pglite-data-dir.test.ts). Registered only where it applies.
  if (dialect !== "pglite")
    it("reads in read-only sessions, even a query that would write", async () => {
      const log = qualified(h, "write_log");
      const writes = qualified(h, "writes");
      await h.exec(`create table ${log} (n integer)`);
      await h.exec(
        dialect === "mysql"
          ? `create function ${writes}() returns integer modifies sql data begin insert into ${log} values (1); return 1; end`
          : `create function ${writes}() returns integer language sql as 'insert into ${log.replaceAll("'", "''")} values (1) returning 1'`,
      );
      const writer = await h.source({
        query: `select sfzh, ${writes}() as w from ${qualified(h, "residents")}`,
      });
      const error = await writer
        .scan({ keyField: "sfzh", fields: ["w"], filter: {}, limit: 1 })
        .catch((e) => e);
      expect(error).toBeInstanceOf(AdapterError);
      expect(error.code).toBe("unavailable");
      const count = await sql<{
        n: number | string;
      }>`select count(*) as n from ${sql.raw(log)}`.execute(h.admin);
      expect(Number(count.rows[0]?.n)).toBe(0);
    });

  if (dialect === "mysql")
    it("binds MySQL values as server-side prepared statements", async () => {
      const probe = await h.source({
        query:
          "select 'k' as sfzh, (select variable_value from information_schema.session_status " +
          "where variable_name = 'COM_STMT_EXECUTE') as executed",
      });
      const rows = await probe.scan({
        keyField: "sfzh",
        fields: ["executed"],
        filter: { sfzh: "k" },
        limit: 1,
      });
      expect(Number(rows[0]?.executed)).toBeGreaterThan(0);
    });

  it("treats hostile filter values and keys as data", async () => {
    for (const value of HOSTILE) {
      const rows = await source.scan({
        keyField: "sfzh",
        fields: ["xm"],
        filter: { xm: value },
        limit: 1000,
      });
      const want = all.filter((r) => r.xm === value).map((r) => r.sfzh);
      expect(rows.map((r) => r.sfzh).sort(), JSON.stringify(value.slice(0, 40))).toEqual(
        want.sort(),
      );
      for (const row of rows) expect(row.xm).toBe(value);

      const got = await source.get({ keyField: "sfzh", key: value, fields: ["xm"] });
      if (STORED_HOSTILE.includes(value)) expect(got?.sfzh).toBe(value);
      else expect(got).toBeUndefined();

      const after = await source.scan({
        keyField: "sfzh",
        fields: [],
        filter: {},
        after: value,
        limit: 1,
      });
      expect(after.length).toBeLessThanOrEqual(1);
    }
    // The table survived every one of them.
    const count = await h.admin
      .withSchema(h.schema)
      .selectFrom("residents")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(all.length);
  });

  it("refuses hostile field names before they reach SQL", async () => {
    const names = ['xm" OR 1=1 --', "xm; drop table residents", "xm`", "a.b", "", "x y", "1xm"];
    for (const name of names) {
      await expect(
        source.scan({ keyField: "sfzh", fields: [], filter: { [name]: "1" }, limit: 1 }),
      ).rejects.toMatchObject({ code: "bad_request", path: `/filter/${name}` });
      await expect(
        source.scan({ keyField: "sfzh", fields: [name], filter: {}, limit: 1 }),
      ).rejects.toMatchObject({
        code: "bad_request",
        path: "/fields/0",
      });
      await expect(source.get({ keyField: name, key: "k001", fields: [] })).rejects.toMatchObject({
        code: "bad_request",
        path: "/keyField",
      });
    }
    // `__proto__` is a valid identifier but no column: an unknown field, as data, not a prototype.
    const filter = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    const error = await source
      .scan({ keyField: "sfzh", fields: [], filter, limit: 1 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error.code).toBe("bad_request");
    await expect(
      source.scan({ keyField: "sfzh", fields: [], filter: {}, limit: 0 }),
    ).rejects.toMatchObject({
      code: "bad_request",
      path: "/limit",
    });
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      source.scan({
        keyField: "sfzh",
        fields: [],
        filter: {},
        limit: 1,
        signal: controller.signal,
      }),
    ).rejects.toThrow("stop");
  });

  it("streams more than 10,000 rows in key order, a page at a time", async () => {
    const t = h.types;
    await h.admin.schema
      .withSchema(h.schema)
      .createTable("big")
      .addColumn("id", sql.raw(t.key), (c) => c.primaryKey())
      .addColumn("kind", sql.raw("char(1)"))
      .addColumn("n", sql.raw(t.int))
      .execute();
    const total = 12_345;
    const ids = Array.from({ length: total }, (_, i) => `r${String(i).padStart(6, "0")}`);
    for (let i = 0; i < total; i += 2000)
      await h.admin
        .withSchema(h.schema)
        .insertInto("big")
        .values(
          ids
            .slice(i, i + 2000)
            .map((id, j) => ({ id, kind: (i + j) % 5 === 0 ? "a" : "b", n: i + j })),
        )
        .execute();
    const big = await h.source({ table: "big" });
    let count = 0;
    let previous = "";
    let sum = 0;
    for await (const row of big.stream({ keyField: "id", fields: ["n"], pageSize: 2500 })) {
      expect(String(row.id) > previous).toBe(true);
      previous = String(row.id);
      sum += Number(row.n);
      count++;
    }
    expect(count).toBe(total);
    expect(sum).toBe((total * (total - 1)) / 2);
    // Filtered, resumed after a key, and stopped early.
    const some: SourceRow[] = [];
    for await (const row of big.stream({
      keyField: "id",
      fields: [],
      filter: { kind: "a" },
      after: "r010000",
    })) {
      some.push(row);
      if (some.length === 300) break;
    }
    expect(some).toHaveLength(300);
    expect(some[0]?.id).toBe("r010005");
    expect(some.every((r) => Number(String(r.id).slice(1)) % 5 === 0)).toBe(true);
  });
});
