/**
 * In-memory PGlite instances for the tests and the benchmark, started from a freshly initdb'd
 * data directory kept as a tarball in the temp dir (initdb is most of the seconds a new instance
 * takes), cached per PGlite build. No vitest here: the benchmark imports it too.
 */
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

const require = createRequire(import.meta.url);

let cached: Promise<Blob> | undefined;

/** A freshly initdb'd PGlite data directory as a tarball (cached in the temp dir). */
export function pgliteTemplate(): Promise<Blob> {
  cached ??= loadTemplate();
  return cached;
}

async function loadTemplate(): Promise<Blob> {
  const build = createHash("sha256").update(require.resolve("@electric-sql/pglite")).digest("hex");
  const file = join(tmpdir(), `govex-test-pglite-node-${build.slice(0, 16)}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {}
  const fresh = await PGlite.create({ extensions: { pg_trgm } });
  const dump = await fresh.dumpDataDir("none");
  await fresh.close();
  // Write then rename: files racing to create the cache never read half of one.
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

/** A new, empty PGlite in memory with pg_trgm, as `openStore({})` makes (the caller closes it). */
export async function newPglite(): Promise<PGlite> {
  return PGlite.create({ loadDataDir: await pgliteTemplate(), extensions: { pg_trgm } });
}
