import type { Options } from "tsup";

/**
 * The build every published library shares (docs/decisions/0002-tooling.md): ESM and CJS with
 * type declarations and source maps, for Node 20. Packages add or override what differs.
 */
export function libraryConfig(overrides: Options = {}): Options {
  return {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    ...overrides,
  };
}
