/**
 * Forward-only schema migrations: numbered SQL files (`0001-extensions.sql`, `0002-nonces.sql` …)
 * applied in order at start, all pending ones in one transaction, each recorded in
 * `schema_migrations` with the SHA-256 of its text. A migration already applied whose text has
 * changed since is refused (its checksum differs): a deployed database is never silently out of
 * step with the files. Starters that run at the same time on one PostgreSQL wait on a
 * transaction-level advisory lock; the second finds the work done.
 */
import { createHash } from "node:crypto";
import type { Db } from "./db.js";
import { StoreError } from "./errors.js";
import { MIGRATIONS } from "./migrations.generated.js";

/** One migration: its number, its file name without `.sql`, and its SQL text. */
export interface Migration {
  version: number;
  /** The file name without `.sql`, e.g. "0004-audit". */
  name: string;
  sql: string;
}

/** What `migrate` did. */
export interface MigrationReport {
  /** Migrations applied by this call, in order. */
  applied: { version: number; name: string }[];
  /** The database's schema version afterwards (the highest applied migration). */
  version: number;
}

/** The migrations shipped with this version of @govex/node (migrations/*.sql, embedded). */
export const NODE_MIGRATIONS: readonly Migration[] = MIGRATIONS;

// pg_advisory_xact_lock key: "govex" in ASCII, far from any key an operator would pick by hand.
const MIGRATION_LOCK = 0x676f766578;
const FILE_NAME = /^(\d{4})-[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * The checksum recorded for a migration: SHA-256 (hex) of its text with CRLF line ends turned into
 * LF, so a checkout that converts line ends does not look like an edit.
 */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n"), "utf8").digest("hex");
}

/** Throws `migration_invalid` unless the list is numbered 1, 2, 3 … with matching, well-formed names. */
export function checkMigrations(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const match = FILE_NAME.exec(m.name);
    const problem = !match
      ? {
          zh: `迁移文件名 ${JSON.stringify(m.name)} 不合规范: 应为四位序号加连字符小写名称, 如 0001-registry.sql。请改名。`,
          en: `migration file name ${JSON.stringify(m.name)} is not a four-digit number, a hyphen and a lower-case name such as 0001-registry.sql: rename it.`,
        }
      : Number(match[1]) !== m.version || m.version !== i + 1
        ? {
            zh: `迁移 ${m.name} 的序号应为 ${i + 1}: 序号须从 1 开始连续且不重复。请重新编号未发布的迁移。`,
            en: `migration ${m.name} should be number ${i + 1}: numbers start at 1 with no gap or repeat. Renumber the unreleased migration.`,
          }
        : m.sql.trim() === ""
          ? {
              zh: `迁移 ${m.name} 为空。请写入 SQL 或删除该文件。`,
              en: `migration ${m.name} is empty: write its SQL or remove the file.`,
            }
          : undefined;
    if (problem) {
      throw new StoreError("migration_invalid", {
        ...problem,
        params: { name: m.name, position: i + 1 },
      });
    }
  });
}

interface AppliedRow extends Record<string, unknown> {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Apply the pending migrations (by default the node's own) in one transaction.
 *
 * @throws StoreError `migration_checksum_mismatch` (an applied file was edited),
 * `migration_unknown` (the database was migrated by a newer govex), `migration_invalid`,
 * `migration_failed` (a statement failed: nothing of this run is kept).
 * @example
 * const { applied, version } = await migrate(db);
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = NODE_MIGRATIONS,
): Promise<MigrationReport> {
  checkMigrations(migrations);
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
  version integer primary key,
  name text not null,
  checksum text not null,
  applied_at timestamptz not null default now()
)`);
    const { rows } = await tx.query<AppliedRow>(
      "select version, name, checksum from schema_migrations order by version",
    );
    rows.forEach((row, i) => {
      const known = migrations[i];
      if (!known || known.version !== row.version || known.name !== row.name) {
        throw new StoreError("migration_unknown", {
          zh: `数据库已应用迁移 ${row.name} (序号 ${row.version}), 但本版本 govex 中${known ? `该序号为 ${known.name}` : "没有该迁移"}: 数据库由更新的版本迁移过。请升级 govex, 或换用新的数据库。`,
          en: `the database has migration ${row.name} (number ${row.version}) applied, which this govex ${known ? `knows as ${known.name}` : "does not have"}: a newer version migrated it. Upgrade govex, or use a fresh database.`,
          params: { version: row.version, name: row.name, expected: known?.name },
        });
      }
      const checksum = migrationChecksum(known.sql);
      if (checksum !== row.checksum) {
        throw new StoreError("migration_checksum_mismatch", {
          zh: `已应用的迁移 ${row.name} 的内容被修改过 (校验和 ${row.checksum.slice(0, 12)}… 变为 ${checksum.slice(0, 12)}…)。迁移只能前进: 请恢复原文件, 把改动写成新的迁移。`,
          en: `applied migration ${row.name} was edited since it ran (checksum ${row.checksum.slice(0, 12)}… is now ${checksum.slice(0, 12)}…). Migrations are forward-only: restore the file and put the change in a new migration.`,
          params: {
            version: row.version,
            name: row.name,
            recorded: row.checksum,
            current: checksum,
          },
        });
      }
    });
    const applied: MigrationReport["applied"] = [];
    for (const m of migrations.slice(rows.length)) {
      try {
        await tx.exec(m.sql);
      } catch (cause) {
        const reason = cause instanceof Error ? cause.message : String(cause);
        throw new StoreError("migration_failed", {
          zh: `迁移 ${m.name} 执行失败: ${reason}。本次启动的迁移均已回滚, 请修正后重试。`,
          en: `migration ${m.name} failed: ${reason}. Every migration of this run was rolled back: fix it and start again.`,
          params: { version: m.version, name: m.name },
          cause,
        });
      }
      await tx.query(
        "insert into schema_migrations (version, name, checksum) values ($1, $2, $3)",
        [m.version, m.name, migrationChecksum(m.sql)],
      );
      applied.push({ version: m.version, name: m.name });
    }
    return { applied, version: migrations.length };
  });
}
