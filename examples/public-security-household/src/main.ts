/**
 * `pnpm start`: the legacy database (PGlite in .data/pglite, or HUKOU_DATABASE_URL's PostgreSQL),
 * then the provider on port 8701 with a conformance summary; `--check` runs the kit once and exits.
 */
import { runDepartmentMain } from "@govex/example-kit";
import { departmentOptions, EXAMPLE_DIR, exampleLayout } from "./index.js";
import { startLegacy } from "./legacy.js";

const env = process.env;
const layout = exampleLayout(EXAMPLE_DIR, env);
const legacy = await startLegacy({
  dataDir: layout.dataDir,
  ...(layout.databaseUrl ? { databaseUrl: layout.databaseUrl } : {}),
});
const where = layout.databaseUrl ? "PostgreSQL (HUKOU_DATABASE_URL)" : "PGlite .data/pglite";
try {
  await runDepartmentMain({
    ...departmentOptions(legacy, { providerDir: layout.providerDir, env }),
    title:
      `山东省示例公安厅户籍管理系统 · 户籍人口 / household registration — @govex/adapter-sql\n` +
      `  户籍库 / legacy database: ${where}, t_rk_jbxx ${await legacy.count()} 行 / rows` +
      (legacy.seeded ? " (首次启动,已生成 / seeded on this first start)" : ""),
    stop: () => legacy.close(),
  });
} catch (error) {
  await legacy.close();
  throw error;
}
