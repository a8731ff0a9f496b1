#!/usr/bin/env node
/**
 * Build the console when dist/ is missing or older than its sources: the sources (src/,
 * index.html, vite.config.ts, package.json) are hashed, and the hash of the last build is kept in
 * dist/.source-hash. Unchanged sources cost one hash of ~100 kB (a few milliseconds).
 *
 *   node scripts/ensure-built.mjs [--force] [--quiet]
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "dist");
const stamp = join(dist, ".source-hash");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

export function sourceHash() {
  const hash = createHash("sha256");
  for (const file of ["src", "index.html", "vite.config.ts", "package.json"].flatMap((p) =>
    files(join(root, p)),
  )) {
    hash.update(relative(root, file).replaceAll("\\", "/"));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const wanted = sourceHash();
const built = existsSync(join(dist, "index.html")) && existsSync(stamp);
if (!force && built && readFileSync(stamp, "utf8").trim() === wanted) process.exit(0);

if (!quiet) process.stderr.write("govex: building the web console (packages/console)…\n");
const vite = join(
  dirname(createRequire(join(root, "package.json")).resolve("vite/package.json")),
  "bin",
  "vite.js",
);
const result = spawnSync(
  process.execPath,
  [vite, "build", "--logLevel", quiet ? "error" : "warn"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(stamp, `${wanted}\n`);
