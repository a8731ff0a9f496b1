import type { SourceChange, SourceChangesPage } from "@govex/adapter";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeColumnPosition } from "../src/changes.js";
import { changeTableDdl, type SqlSource } from "../src/index.js";
import { closePglite, createHarness, DIALECTS, type Harness } from "./harness.js";

/** Read every change after `position`, `limit` at a time; the positions seen, in order. */
async function drain(source: SqlSource, fields: string[], limit: number, position?: string) {
  const changes: SourceChange[] = [];
  const positions: string[] = [];
  let at = position;
  for (let pages = 0; pages < 1000; pages++) {
    const page: SourceChangesPage = await (source.changes as NonNullable<SqlSource["changes"]>)({
      keyField: "sfzh",
      fields,
      limit,
      ...(at !== undefined ? { position: at } : {}),
    });
    changes.push(...page.changes);
    if (page.changes.length === 0) {
      // Nothing new: the position stays where it was.
      expect(page.position).toBe(at ?? page.position);
      break;
    }
    positions.push(page.position);
    at = page.position;
  }
  return { changes, positions, position: at };
}

/** `2024-05-01 00:00:00.000001` style text of an instant, in a given offset. */
function local(instant: string, offsetHours: number): string {
  const shifted = new Date(Date.parse(instant) + offsetHours * 3_600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 23)}${instant.slice(23, 26)}`;
}

describe.each(DIALECTS)("%s", (dialect) => {
  let h: Harness;

  beforeAll(async () => {
    h = await createHarness(dialect, "changes");
  });
  afterAll(async () => {
    await h?.close();
    if (dialect === "pglite") await closePglite();
  });

  describe("by a monotonic column", () => {
    // Instants with microseconds; several rows share one, across page boundaries.
    const T1 = "2024-05-01T00:00:00.000001Z";
    const T2 = "2024-05-01T00:00:00.000002Z";
    const T3 = "2024-05-02T08:30:00.123456Z";
    const seed = [
      ...["a1", "a2", "a3", "a4", "a5"].map((sfzh) => ({ sfzh, at: T1, version: 1 })),
      ...["b1", "b2", "b3"].map((sfzh) => ({ sfzh, at: T2, version: 9 })),
      { sfzh: "c1", at: T3, version: 10 },
    ];
    let source: SqlSource;
    let versioned: SqlSource;
    const table = () => h.admin.withSchema(h.schema);
    // MySQL DATETIME holds local time: the source reads it in its timeZone (default +08:00).
    const stored = (instant: string) => (dialect === "mysql" ? local(instant, 8) : instant);

    beforeAll(async () => {
      const t = h.types;
      await h.admin.schema
        .withSchema(h.schema)
        .createTable("people")
        .addColumn("sfzh", sql.raw(t.key), (c) => c.primaryKey())
        .addColumn("xm", sql.raw(t.text))
        .addColumn("updated_at", sql.raw(t.modified))
        .addColumn("version", sql.raw(t.bigint))
        .execute();
      await table()
        .insertInto("people")
        .values(
          seed.map((r) => ({
            sfzh: r.sfzh,
            xm: `名${r.sfzh}`,
            updated_at: stored(r.at),
            version: r.version,
          })),
        )
        .execute();
      source = await h.source({
        table: "people",
        changes: { mode: "column", column: "updated_at" },
      });
      versioned = await h.source({
        table: "people",
        changes: { mode: "column", column: "version" },
      });
    });

    it("reads every row once, ties split across pages, in (column, key) order", async () => {
      for (const limit of [1, 2, 3, 4, 100]) {
        const { changes, positions } = await drain(source, ["xm"], limit);
        expect(changes.map((c) => c.key)).toEqual([
          "a1",
          "a2",
          "a3",
          "a4",
          "a5",
          "b1",
          "b2",
          "b3",
          "c1",
        ]);
        expect(new Set(positions).size).toBe(positions.length);
        for (const change of changes) {
          expect(change.op).toBe("upsert");
          expect(change.row).toEqual({ sfzh: change.key, xm: `名${change.key}` });
        }
        // The change time is the column's instant, as RFC 3339.
        const times = changes.map((c) => c.time);
        expect(
          times.every((t) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(t)),
        ).toBe(true);
        expect(times.map((t) => Date.parse(t))).toEqual(seed.map((r) => Date.parse(r.at)));
        expect(times[0]).toMatch(/\.000001(Z|[+-]\d\d:\d\d)$/);
      }
    });

    it("moves only forward: later updates are seen, older values are not", async () => {
      const { position } = await drain(source, [], 4);
      expect(position).toBeDefined();
      // Nothing after the end.
      const idle = await drain(source, [], 4, position);
      expect(idle.changes).toEqual([]);
      // An update stamped later is the next change; a position can be replayed.
      const T4 = "2024-06-01T00:00:00Z";
      await table()
        .updateTable("people")
        .set({ xm: "新名", updated_at: stored(T4) })
        .where("sfzh", "=", "a3")
        .execute();
      const next = await drain(source, ["xm"], 4, position);
      expect(next.changes.map((c) => [c.key, c.row?.xm])).toEqual([["a3", "新名"]]);
      expect((await drain(source, ["xm"], 4, position)).changes.map((c) => c.key)).toEqual(["a3"]);
      // A writer that stamps an older value than the position is not seen: the column must be monotonic.
      await table()
        .updateTable("people")
        .set({ xm: "旧", updated_at: stored(T1) })
        .where("sfzh", "=", "b2")
        .execute();
      expect((await drain(source, [], 4, next.position)).changes).toEqual([]);
      // Rows without a value are not changes.
      await table()
        .insertInto("people")
        .values({ sfzh: "z9", xm: "无", updated_at: null, version: null })
        .execute();
      expect((await drain(source, [], 100)).changes.map((c) => c.key)).not.toContain("z9");
    });

    it("orders a version column as numbers, not text", async () => {
      const { changes } = await drain(versioned, [], 2);
      const versions = changes.map((c) => c.key);
      // version 9 (b*) before 10 (c1), although "10" < "9" as text.
      expect(versions.indexOf("c1")).toBeGreaterThan(versions.indexOf("b3"));
      for (const change of changes) expect(Number.isNaN(Date.parse(change.time))).toBe(false);
    });

    it("refuses a position it did not hand out", async () => {
      for (const position of [
        "garbage",
        "t.12",
        "c.!!",
        `c.${Buffer.from("[1,2]").toString("base64url")}`,
      ]) {
        await expect(
          source.changes?.({ keyField: "sfzh", fields: [], limit: 1, position }),
        ).rejects.toMatchObject({ code: "bad_request", path: "/position" });
      }
      // Hostile text inside a well-formed position is a bound value.
      const hostile = encodeColumnPosition(
        "2024-01-01 00:00:00' OR 1=1 --",
        "'; drop table people; --",
      );
      const result = await source
        .changes?.({ keyField: "sfzh", fields: [], limit: 1, position: hostile })
        .catch((e) => e);
      if (dialect === "mysql") expect(Array.isArray(result?.changes)).toBe(true);
      else expect(result).toMatchObject({ code: "bad_request" });
      const count = await table()
        .selectFrom("people")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(seed.length + 1);
    });
  });

  describe("by a trigger-fed change table", () => {
    let source: SqlSource;
    const table = () => h.admin.withSchema(h.schema);

    beforeAll(async () => {
      const t = h.types;
      await h.admin.schema
        .withSchema(h.schema)
        .createTable("residents")
        .addColumn("sfzh", sql.raw(t.key), (c) => c.primaryKey())
        .addColumn("xm", sql.raw(t.text))
        .addColumn("xb", sql.raw("char(1)"))
        .execute();
      for (const statement of changeTableDdl(dialect, "residents", "sfzh", { schema: h.schema }))
        await h.exec(statement);
      // The DDL is idempotent: running it twice is harmless.
      for (const statement of changeTableDdl(dialect, "residents", "sfzh", { schema: h.schema }))
        await h.exec(statement);
      source = await h.source({
        table: "residents",
        changes: { mode: "table", table: "residents_changes" },
      });
    });

    it("sees inserts, updates, deletes and key changes, in order, page by page", async () => {
      expect(await source.check()).toEqual({ status: "ok" });
      const start = await drain(source, ["xm"], 10);
      expect(start.changes).toEqual([]);
      await table()
        .insertInto("residents")
        .values([
          { sfzh: "p1", xm: "甲", xb: "1" },
          { sfzh: "p2", xm: "乙", xb: "2" },
          { sfzh: "p3", xm: "丙", xb: "1" },
        ])
        .execute();
      await table().updateTable("residents").set({ xm: "甲二" }).where("sfzh", "=", "p1").execute();
      await table().deleteFrom("residents").where("sfzh", "=", "p2").execute();
      await table().updateTable("residents").set({ sfzh: "p4" }).where("sfzh", "=", "p3").execute();

      const want = [
        ["p1", "upsert", "甲二"],
        // p2 is gone now: its insert reads as a delete, then its delete.
        ["p2", "delete", undefined],
        ["p3", "delete", undefined],
        ["p1", "upsert", "甲二"],
        ["p2", "delete", undefined],
        ["p3", "delete", undefined],
        ["p4", "upsert", "丙"],
      ];
      for (const limit of [1, 2, 3, 100]) {
        const { changes, positions } = await drain(source, ["xm"], limit);
        expect(changes.map((c) => [c.key, c.op, c.row?.xm])).toEqual(want);
        const seqs = positions.map((p) => Number(p.slice(2)));
        expect(positions.every((p) => /^t\.\d+$/.test(p))).toBe(true);
        expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
        for (const change of changes) {
          const age = Date.now() - Date.parse(change.time);
          expect(age).toBeGreaterThan(-60_000);
          expect(age).toBeLessThan(600_000);
          if (change.row) expect(Object.keys(change.row).sort()).toEqual(["sfzh", "xm"]);
        }
      }
      // From the last position: nothing, until the next write.
      const { position } = await drain(source, [], 100);
      expect((await drain(source, [], 100, position)).changes).toEqual([]);
      await table().updateTable("residents").set({ xb: "2" }).where("sfzh", "=", "p4").execute();
      const next = await drain(source, ["xb"], 100, position);
      expect(next.changes.map((c) => [c.key, c.op, c.row])).toEqual([
        ["p4", "upsert", { sfzh: "p4", xb: "2" }],
      ]);
    });

    it("reports a missing change table as degraded", async () => {
      const missing = await h.source({
        table: "residents",
        changes: { mode: "table", table: "nope_changes" },
      });
      expect(await missing.check()).toMatchObject({
        status: "degraded",
        detail: "change table not found",
      });
      await expect(
        missing.changes?.({ keyField: "sfzh", fields: [], limit: 1 }),
      ).rejects.toMatchObject({
        code: "unavailable",
      });
    });
  });
});
