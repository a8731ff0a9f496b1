/**
 * PGlite has no autovacuum daemon; its driver runs the daemon's thresholds itself as rows are
 * written. Without it the delivery worker's claim planned over a never-analyzed table walked every
 * pending delivery for each one (6.8 s for 6,000), and updated rows were never reclaimed.
 */
import { describe, expect, it } from "vitest";
import { CLAIM } from "../src/events/delivery-worker.js";
import type { Db } from "../src/store/index.js";
import { dueTables } from "../src/store/pglite-autovacuum.js";
import { CONSUMER, seedMembers, seedResource, writeChanges } from "./events-bulk-fixtures.js";
import { fresh } from "./store-drivers.js";

const stats = async (db: Db, table: string) => {
  await db.query("select pg_stat_force_next_flush()");
  const { rows } = await db.query<{ analyzed: number; vacuumed: number; dead: number }>(
    `select analyze_count + autoanalyze_count as analyzed, vacuum_count as vacuumed,
            n_dead_tup as dead
       from pg_stat_user_tables where relname = $1`,
    [table],
  );
  return rows[0] as { analyzed: number; vacuumed: number; dead: number };
};

describe("the embedded database's autovacuum", () => {
  it.each([
    // [rows, changed since analyze, dead rows] → [analyze, vacuum]: 50 + 10 % and 50 + 20 %
    [0, 50, 0, false, false],
    [0, 51, 51, true, true],
    [1000, 150, 250, false, false],
    [1000, 151, 251, true, true],
    [1_000_000, 100_000, 200_000, false, false],
    [1_000_000, 100_051, 200_051, true, true],
  ])(
    "%i rows, %i changed, %i dead → analyze %s, vacuum %s",
    (live, changed, dead, analyze, vacuum) => {
      const due = dueTables([{ schema: "public", name: "t", live, changed, dead }]);
      expect([due.analyze.length > 0, due.vacuum.length > 0]).toEqual([analyze, vacuum]);
    },
  );

  it("analyzes a table as it grows, so the claim's plan follows the per-key index", async () => {
    const db = await fresh("pglite");
    await seedMembers(db);
    const resourceCode = await seedResource(db, { shareType: "无条件共享" });
    await db.query(
      `insert into subscriptions (id, member_code, resource_code, url, status, created_at)
       values ('sub-av', $1, $2, 'http://127.0.0.1:9/hook', 'active', now())`,
      [CONSUMER, resourceCode],
    );
    expect((await stats(db, "deliveries")).analyzed).toBe(0);
    for (let start = 0; start < 3000; start += 500)
      await writeChanges(
        db,
        resourceCode,
        Array.from({ length: 500 }, (_, j) => `k${start + j}`),
      );
    // No call: the writes themselves set off the checks.
    expect((await stats(db, "deliveries")).analyzed).toBeGreaterThan(0);
    const now = new Date(Date.now() + 1000);
    const { rows } = await db.query<{ "QUERY PLAN": string }>(`explain ${CLAIM}`, [
      now,
      "owner",
      new Date(now.getTime() + 60_000),
      256,
    ]);
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    // The earlier-undelivered-row check goes through (subscription_id, ordering_key, seq).
    expect(plan).toMatch(/Anti Join[\s\S]*deliveries_ordering on deliveries p/);
  });

  it("vacuums a table whose rows were updated, and analyzes on demand", async () => {
    const db = await fresh("pglite");
    await db.query("create table churn (id int primary key, n int)");
    await db.query("insert into churn select g, 0 from generate_series(1, 2000) g");
    await db.autovacuum();
    for (let round = 0; round < 3; round++) await db.query("update churn set n = n + 1");
    // The updates themselves set off a vacuum (2,000 dead rows are over 50 + 20 % of 2,000).
    expect((await stats(db, "churn")).vacuumed).toBeGreaterThan(0);
    // On demand (a check in flight may have looked before the last update: the second one did not).
    await db.autovacuum();
    await db.autovacuum();
    expect((await stats(db, "churn")).dead).toBe(0);
    expect(await db.autovacuum()).toEqual({ analyzed: [], vacuumed: [] });
  });

  it("leaves a PostgreSQL server to its own daemon", async () => {
    const db = await fresh("postgres");
    expect(await db.autovacuum()).toEqual({ analyzed: [], vacuumed: [] });
  });
});
