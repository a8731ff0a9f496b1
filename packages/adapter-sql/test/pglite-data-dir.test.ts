import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource, type SqlSource } from "../src/index.js";
import { pgliteTemplate } from "./harness.js";

// The other tests share one PGlite instance (`createSource(…, { pglite })`); this one opens a
// data directory the way a mapping file does, so the source owns the instance.
describe("PGlite from a data directory", () => {
  const baseDir = mkdtempSync(join(tmpdir(), "govex-sql-pglite-"));
  let source: SqlSource;

  beforeAll(async () => {
    const db = await PGlite.create({
      dataDir: join(baseDir, "hukou"),
      loadDataDir: await pgliteTemplate(),
    });
    await db.exec(`
      create table residents (sfzh text primary key, xm text, csrq date, updated_at timestamp(6), big bigint);
      insert into residents values
        ('k1', '张三', '1990-01-02', '2024-03-01 08:30:00.123456', 9007199254740993),
        ('k2', '李四', '1985-12-31', '2024-03-02 09:00:00', 1);
      create table write_log (n integer);
      create function writes() returns integer language sql as 'insert into write_log values (1) returning 1';
    `);
    await db.close();
    source = await createSource(
      {
        kind: "sql",
        dialect: "pglite",
        dataDir: "./hukou",
        table: "residents",
        changes: { mode: "column", column: "updated_at" },
      },
      { baseDir, env: {} },
    );
  });
  afterAll(async () => {
    await source?.close();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it("reads rows with dates and 64-bit integers as text", async () => {
    expect(await source.check()).toEqual({ status: "ok" });
    expect(
      await source.scan({ keyField: "sfzh", fields: ["xm", "csrq", "big"], filter: {}, limit: 10 }),
    ).toEqual([
      { sfzh: "k1", xm: "张三", csrq: "1990-01-02", big: "9007199254740993" },
      { sfzh: "k2", xm: "李四", csrq: "1985-12-31", big: "1" },
    ]);
  });

  it("reads a timestamp without a zone in the configured offset (default +08:00)", async () => {
    const page = await source.changes?.({ keyField: "sfzh", fields: [], limit: 10 });
    expect(page?.changes.map((c) => [c.key, c.time])).toEqual([
      ["k1", "2024-03-01T08:30:00.123456+08:00"],
      ["k2", "2024-03-02T09:00:00+08:00"],
    ]);
  });

  it("is read-only", async () => {
    const writer = await createSource(
      {
        kind: "sql",
        dialect: "pglite",
        dataDir: "./hukou",
        query: "select sfzh, writes() as w from residents",
      },
      { baseDir, env: {} },
    );
    // A second instance on the same directory is not how PGlite is shared: close ours first.
    await source.close();
    try {
      await expect(
        writer.scan({ keyField: "sfzh", fields: ["w"], filter: {}, limit: 1 }),
      ).rejects.toMatchObject({
        code: "unavailable",
      });
    } finally {
      await writer.close();
    }
  });
});
