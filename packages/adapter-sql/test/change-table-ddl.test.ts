import { describe, expect, it } from "vitest";
import { changeTableDdl } from "../src/index.js";

// Applying the DDL and reading the changes it records, on PGlite, PostgreSQL and MariaDB, is in
// changes.test.ts ("by a trigger-fed change table"); here, its shape and its refusals.
describe("changeTableDdl", () => {
  it("creates a change table and one trigger for PostgreSQL and PGlite", () => {
    for (const dialect of ["postgres", "pglite"] as const) {
      const ddl = changeTableDdl(dialect, "residents", "sfzh", { schema: "hukou" });
      expect(ddl).toHaveLength(4);
      expect(ddl[0]).toMatch(/^CREATE TABLE IF NOT EXISTS "hukou"\."residents_changes" \(/);
      expect(ddl[0]).toContain('"seq" bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY');
      expect(ddl[0]).toContain('"changed_at" timestamptz NOT NULL DEFAULT clock_timestamp()');
      expect(ddl[1]).toContain('CREATE OR REPLACE FUNCTION "hukou"."residents_changes_log"()');
      expect(ddl[1]).toContain('OLD."sfzh" IS DISTINCT FROM NEW."sfzh"');
      expect(ddl[2]).toBe('DROP TRIGGER IF EXISTS "residents_changes" ON "hukou"."residents"');
      expect(ddl[3]).toBe(
        'CREATE TRIGGER "residents_changes" AFTER INSERT OR UPDATE OR DELETE ON "hukou"."residents" ' +
          'FOR EACH ROW EXECUTE FUNCTION "hukou"."residents_changes_log"()',
      );
    }
  });

  it("creates a change table and three single-statement triggers for MySQL", () => {
    const ddl = changeTableDdl("mysql", "residents", "SFZH", {
      changeTable: "rk_log",
      columns: { key: "k", time: "t" },
    });
    expect(ddl).toHaveLength(7);
    expect(ddl[0]).toMatch(/^CREATE TABLE IF NOT EXISTS `rk_log` \(/);
    expect(ddl[0]).toContain("`t` TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)");
    expect(ddl[0]).toContain("`k` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL");
    expect(ddl.filter((s) => s.startsWith("CREATE TRIGGER"))).toEqual([
      "CREATE TRIGGER `rk_log_ai` AFTER INSERT ON `residents` FOR EACH ROW INSERT INTO `rk_log` (`k`, `op`) VALUES (NEW.`SFZH`, 'I')",
      "CREATE TRIGGER `rk_log_au` AFTER UPDATE ON `residents` FOR EACH ROW INSERT INTO `rk_log` (`k`, `op`) " +
        "SELECT OLD.`SFZH`, 'D' FROM DUAL WHERE NOT (OLD.`SFZH` <=> NEW.`SFZH`) UNION ALL SELECT NEW.`SFZH`, 'U' FROM DUAL",
      "CREATE TRIGGER `rk_log_ad` AFTER DELETE ON `residents` FOR EACH ROW INSERT INTO `rk_log` (`k`, `op`) VALUES (OLD.`SFZH`, 'D')",
    ]);
    // No statement needs a DELIMITER: none has a semicolon.
    expect(ddl.some((s) => s.includes(";"))).toBe(false);
  });

  const hostile: [string, Parameters<typeof changeTableDdl>, string][] = [
    ["table", ["postgres", 'residents"; drop table x; --', "sfzh"], "/table"],
    ["key column", ["mysql", "residents", "sfzh`) VALUES (1); --"], "/keyColumn"],
    ["schema", ["postgres", "residents", "sfzh", { schema: "a.b" }], "/schema"],
    ["change table", ["mysql", "residents", "sfzh", { changeTable: "x y" }], "/changeTable"],
    ["column", ["postgres", "residents", "sfzh", { columns: { op: "op'" } }], "/columns/op"],
    // Derived names must fit too: `<changeTable>_log` may not pass 63 bytes.
    ["derived name", ["postgres", "r", "k", { changeTable: "c".repeat(60) }], "/function"],
  ];
  it.each(hostile)("refuses a bad %s", (_, args, path) => {
    expect(() => changeTableDdl(...args)).toThrow(
      expect.objectContaining({ code: "config_invalid", path }),
    );
  });
});
