import { defineConfig } from "vitest/config";

// Workspace packages resolve to their TypeScript source through the "@govex/source"
// export condition, so tests never need a build (see STYLE.md, "Layout").
export default defineConfig({
  resolve: { conditions: ["@govex/source"] },
  ssr: { resolve: { conditions: ["@govex/source"] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two files at a time even on 2 CPUs (vitest's default there is one): most files wait on
    // servers, browsers and child processes rather than compute.
    maxWorkers: 2,
    // Two projects in one run, their files in one pool: `vitest run --project fault` runs one.
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
          exclude: ["**/node_modules/**", "packages/*/test/fault/**"],
          // Throwaway PostgreSQL and MariaDB on 127.0.0.1 for the run (test/databases.ts reads them).
          globalSetup: ["./test/global-setup.ts"],
          typecheck: {
            enabled: true,
            include: ["packages/*/test/**/*.test-d.ts"],
            // Only the type tests and what they import (the console is built for the browser).
            tsconfig: "./test/tsconfig.type-tests.json",
          },
        },
      },
      {
        // The fault and load suite: node processes, PostgreSQL stopped and started, kill -9,
        // loopback load. Each file starts the servers it breaks; every wait is bounded.
        extends: true,
        test: {
          name: "fault",
          include: ["packages/*/test/fault/**/*.test.ts"],
          testTimeout: 240_000,
        },
      },
    ],
  },
});
