/**
 * The console's built files (packages/console/dist), read once into memory: the app is a few
 * hundred kilobytes, and a node serves it to operators, not to the public.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, relative, sep } from "node:path";

export interface StaticFile {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Vite's content-hashed assets never change under their name. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

/** Where the built console is: @govex/console's dist, when the package is installed and built. */
export function defaultConsoleDir(): string | undefined {
  try {
    // The ESM build has import.meta.url; the CJS build has __filename (and no import.meta).
    const from = typeof __filename === "string" ? __filename : import.meta.url;
    const manifest = createRequire(from).resolve("@govex/console/package.json");
    const dir = join(dirname(manifest), "dist");
    return existsSync(join(dir, "index.html")) ? dir : undefined;
  } catch {
    return undefined;
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The files of a built console by their URL path under /console/ (e.g. "assets/index-x.js"). */
export async function loadConsoleFiles(dir: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  for (const path of await walk(dir)) {
    const type = TYPES[extname(path).toLowerCase()];
    if (type === undefined) continue;
    const body = await readFile(path);
    const name = relative(dir, path).split(sep).join("/");
    files.set(name, {
      body,
      contentType: type,
      etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`,
      immutable: name.startsWith("assets/"),
    });
  }
  return files;
}
