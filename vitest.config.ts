import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source through the "@govex/source"
// export condition, so tests never need a build (see STYLE.md, "Layout").
export default defineConfig({
  resolve: { conditions: ["@govex/source"] },
  ssr: { resolve: { conditions: ["@govex/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // Throwaway PostgreSQL and MariaDB on 127.0.0.1 for the run (test/databases.ts reads them).
    globalSetup: ["./test/global-setup.ts"],
    typecheck: {
      enabled: true,
      include: ["packages/*/test/**/*.test-d.ts"],
      tsconfig: "./tsconfig.base.json",
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
