import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/bin.ts"],
  format: ["esm"],
  dts: { entry: "src/index.ts" },
  clean: true,
  sourcemap: true,
  target: "node20",
  // The workspace libraries are bundled in: one file to load keeps `govex validate` start-up
  // short. They stay listed as dependencies for their licences and for users who import them.
  noExternal: [/^@govex\//],
});
