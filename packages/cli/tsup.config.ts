import { defineConfig } from "tsup";

export default defineConfig({
  // validate-worker: @govex/validator's worker-thread entry for parallel NDJSON validation. The
  // bundled validator starts it from beside itself, so it is emitted as dist/validate-worker.js.
  entry: {
    index: "src/index.ts",
    bin: "src/bin.ts",
    "validate-worker": "../validator/src/stream/validate-worker.ts",
  },
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  target: "node20",
  // The libraries `govex validate` needs are bundled in: one file to load keeps its start-up
  // short. They stay listed as dependencies for their licences and for users who import them.
  // @govex/spec-tools (Redocly, yaml) is loaded on demand by `govex spec` and stays external.
  noExternal: [/^@govex\/(schemas|validator)(\/|$)/],
  // The demo departments of `govex start` come with the repository (TypeScript, run from
  // source by `pnpm start`); a built CLI looks for them at run time and goes on without them.
  external: ["@govex/example-exchange"],
});
