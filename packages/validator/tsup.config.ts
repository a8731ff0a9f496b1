import { defineConfig } from "tsup";

export default defineConfig({
  // validate-worker is the worker-thread entry of parallel NDJSON validation: validateFile
  // starts it from beside the bundled module (dist/validate-worker.js / .cjs).
  entry: { index: "src/index.ts", "validate-worker": "src/stream/validate-worker.ts" },
  format: ["esm", "cjs"],
  dts: { entry: { index: "src/index.ts" } },
  // import.meta.url in the CJS build, to find the worker file.
  shims: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
