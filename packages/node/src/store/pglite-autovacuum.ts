/**
 * Autovacuum for the embedded database. PGlite is a single-user PostgreSQL: there is no
 * autovacuum launcher, so nothing ever analyzes or vacuums its tables. The planner then keeps the
 * estimates of an empty table while the table grows — the delivery worker's claim over 6,000
 * pending deliveries took 6.8 s through the wrong index instead of 47 ms once the table was
 * analyzed — and the dead rows that updates leave behind are never reclaimed.
 *
 * This does the daemon's job in the node's process, with the daemon's default thresholds
 * (PostgreSQL documentation, "Routine Vacuuming", The Autovacuum Daemon): a table is analyzed once
 * the rows changed since its last analyze exceed autovacuum_analyze_threshold (50) +
 * autovacuum_analyze_scale_factor (0.1) × its rows, and vacuumed once its dead rows exceed
 * autovacuum_vacuum_threshold (50) + autovacuum_vacuum_scale_factor (0.2) × its rows. A check is
 * made after every `kickRows` rows written through the driver, and every `intervalMs` besides.
 */
import type { PGlite } from "@electric-sql/pglite";

/** Options of {@link createPgliteAutovacuum}. */
export interface PgliteAutovacuumOptions {
  /** Rows written (inserted, updated, deleted) that trigger a check (default 1,000). */
  kickRows?: number;
  /** A check at least this often while rows are written (default 30 s). */
  intervalMs?: number;
  /** A check that failed (the node carries on; the next check tries again). */
  onError?: (error: unknown) => void;
}

/** The embedded database's autovacuum. */
export interface PgliteAutovacuum {
  /** Count rows written; a check follows once `kickRows` have been. */
  wrote(rows: number): void;
  /** Analyze and vacuum what is due now; resolves with the tables done. */
  check(): Promise<{ analyzed: string[]; vacuumed: string[] }>;
  /** Stop checking; waits for a check in progress. */
  stop(): Promise<void>;
}

interface TableStats {
  schema: string;
  name: string;
  live: number;
  dead: number;
  changed: number;
}

const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;

/** The tables due for `analyze` and for `vacuum` under the daemon's default thresholds. */
export function dueTables(tables: readonly TableStats[]): {
  analyze: TableStats[];
  vacuum: TableStats[];
} {
  return {
    analyze: tables.filter((t) => t.changed > ANALYZE_THRESHOLD + ANALYZE_SCALE * t.live),
    vacuum: tables.filter((t) => t.dead > VACUUM_THRESHOLD + VACUUM_SCALE * t.live),
  };
}

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

export function createPgliteAutovacuum(
  pglite: PGlite,
  options: PgliteAutovacuumOptions = {},
): PgliteAutovacuum {
  const kickRows = Math.max(1, options.kickRows ?? 1000);
  const intervalMs = Math.max(1, options.intervalMs ?? 30_000);
  let written = 0;
  let running: Promise<{ analyzed: string[]; vacuumed: string[] }> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function run(): Promise<{ analyzed: string[]; vacuumed: string[] }> {
    written = 0;
    // Statistics reach pg_stat_user_tables when a backend flushes them; PGlite's one backend
    // flushes at its own pace, so ask for it (PostgreSQL 15+).
    await pglite.query("select pg_stat_force_next_flush()");
    const { rows } = await pglite.query<TableStats>(
      `select schemaname as schema, relname as name, n_live_tup::float8 as live,
              n_dead_tup::float8 as dead, n_mod_since_analyze::float8 as changed
         from pg_stat_user_tables`,
    );
    const due = dueTables(rows);
    const vacuumed = new Set(due.vacuum.map((t) => `${t.schema}.${t.name}`));
    for (const t of due.vacuum)
      await pglite.exec(`vacuum analyze ${quote(t.schema)}.${quote(t.name)}`);
    const analyzed = due.analyze.filter((t) => !vacuumed.has(`${t.schema}.${t.name}`));
    for (const t of analyzed) await pglite.exec(`analyze ${quote(t.schema)}.${quote(t.name)}`);
    return {
      analyzed: [...due.vacuum, ...analyzed].map((t) => t.name),
      vacuumed: due.vacuum.map((t) => t.name),
    };
  }

  function check(): Promise<{ analyzed: string[]; vacuumed: string[] }> {
    if (stopped || pglite.closed) return Promise.resolve({ analyzed: [], vacuumed: [] });
    running ??= run().finally(() => {
      running = undefined;
    });
    return running;
  }

  function checkInBackground(): void {
    check().catch((error) => {
      if (!stopped && !pglite.closed) options.onError?.(error);
    });
  }

  return {
    wrote(rows) {
      if (stopped || rows <= 0) return;
      written += rows;
      if (written >= kickRows && running === undefined) {
        written = 0;
        // Queued at once: PGlite runs its statements in order, so the check waits for the
        // writer's transaction to end and goes before its next one. (A macrotask could wait for
        // ever: in memory, PGlite's statements never leave the microtask queue.)
        checkInBackground();
      }
      timer ??= setTimeout(() => {
        timer = undefined;
        if (written > 0) checkInBackground();
      }, intervalMs).unref();
    },
    check,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
