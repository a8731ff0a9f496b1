/**
 * An in-memory PGlite for the benchmark's node, started from a freshly initdb'd data directory
 * kept as a tarball in the temp dir (initdb is most of the seconds a new instance takes). The
 * same cache file as test/store-drivers.ts, with the same content, so either may make it.
 */
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

const require = createRequire(import.meta.url);

async function template(): Promise<Blob> {
  const build = createHash("sha256").update(require.resolve("@electric-sql/pglite")).digest("hex");
  const file = join(tmpdir(), `govex-test-pglite-node-${build.slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {}
  const fresh = await PGlite.create({ extensions: { pg_trgm } });
  const dump = await fresh.dumpDataDir("none");
  await fresh.close();
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

/** A new, empty PGlite in memory with pg_trgm, as `openStore({})` makes (the caller closes it). */
export async function freshPglite(): Promise<PGlite> {
  return PGlite.create({ loadDataDir: await template(), extensions: { pg_trgm } });
}
