import { defineConfig } from "vitest/config";
export default defineConfig({
  root: "/work/main",
  resolve: { conditions: ["@govex/source"], alias: { "@govex/schemas": "/tmp/vstub/schemas.ts" } },
  ssr: { resolve: { conditions: ["@govex/source"] } },
  test: { include: ["packages/validator/test/**/*.test.ts"], testTimeout: 60000 },
});
