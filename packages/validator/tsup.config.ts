import { defineConfig } from "tsup";
import { libraryConfig } from "../../tsup.library.js";

export default defineConfig(
  libraryConfig({
    // validate-worker is the worker-thread entry of parallel NDJSON validation: validateFile
    // starts it from beside the bundled module (dist/validate-worker.js / .cjs).
    entry: { index: "src/index.ts", "validate-worker": "src/stream/validate-worker.ts" },
    dts: { entry: { index: "src/index.ts" } },
    // import.meta.url in the CJS build, to find the worker file.
    shims: true,
  }),
);
