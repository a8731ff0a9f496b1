import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { bundle, createConfig } from "@redocly/openapi-core";
import { parse } from "yaml";

/** A spec as the tools see it: an OpenAPI document (bundled) or a set of JSON Schema files. */
export type LoadedSpec =
  | {
      kind: "openapi";
      path: string;
      document: Record<string, unknown>;
      version: string | undefined;
    }
  | {
      kind: "schemas";
      path: string;
      files: Record<string, Record<string, unknown>>;
      version: string | undefined;
    };

/** Thrown for a spec that cannot be read or parsed; `code` is stable. */
export class SpecLoadError extends Error {
  override name = "SpecLoadError";
  constructor(
    readonly code: "spec_not_found" | "spec_unreadable" | "spec_unknown_kind",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const MAX_FILE_BYTES = 32 * 1024 * 1024;

function readStructured(path: string): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(path).size > MAX_FILE_BYTES)
      throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new SpecLoadError("spec_unreadable", `${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    const value: unknown = path.endsWith(".json")
      ? JSON.parse(text)
      : parse(text, { maxAliasCount: 10_000 });
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new SpecLoadError("spec_unreadable", `${path}: ${(cause as Error).message}`, { cause });
  }
}

function schemaFiles(dir: string, base = dir, out: Record<string, Record<string, unknown>> = {}) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) schemaFiles(full, base, out);
    else if (entry.name.endsWith(".schema.json"))
      out[relative(base, full).split(sep).join("/")] = readStructured(full);
  }
  return out;
}

/** The version a schema set declares: the top `## x.y.z` of the nearest CHANGELOG.md above it. */
export function schemaSetVersion(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const changelog = join(d, "CHANGELOG.md");
    if (existsSync(changelog))
      return /^## (\d+\.\d+\.\d+)/m.exec(readFileSync(changelog, "utf8"))?.[1];
    if (dirname(d) === d) return undefined;
  }
}

/**
 * Load a spec: a directory of `*.schema.json` files (keys are paths relative to it, so
 * relative `$ref`s resolve), a single `.schema.json`, or an OpenAPI 3.1 YAML/JSON file —
 * bundled with Redocly so that its external `$ref`s (specs/data) become components.
 */
export async function loadSpec(path: string): Promise<LoadedSpec> {
  if (!existsSync(path)) throw new SpecLoadError("spec_not_found", `${path} does not exist`);
  if (statSync(path).isDirectory()) {
    return { kind: "schemas", path, files: schemaFiles(path), version: schemaSetVersion(path) };
  }
  const document = readStructured(path);
  if (typeof document.openapi === "string") {
    let bundled: Record<string, unknown>;
    try {
      const result = await bundle({ ref: resolve(path), config: await createConfig({}) });
      bundled = result.bundle.parsed as Record<string, unknown>;
    } catch (cause) {
      throw new SpecLoadError("spec_unreadable", `${path}: ${(cause as Error).message}`, { cause });
    }
    const info = (bundled.info ?? {}) as { version?: unknown };
    return {
      kind: "openapi",
      path,
      document: bundled,
      version: typeof info.version === "string" ? info.version : undefined,
    };
  }
  if (path.endsWith(".schema.json") || typeof document.$schema === "string") {
    const name = path.split(/[\\/]/).pop() as string;
    return {
      kind: "schemas",
      path,
      files: { [name]: document },
      version: typeof document["x-version"] === "string" ? document["x-version"] : undefined,
    };
  }
  throw new SpecLoadError(
    "spec_unknown_kind",
    `${path} is neither an OpenAPI document nor a JSON Schema`,
  );
}

/**
 * Load the spec at `path` as it was at git revision `rev`: the repository's `specs/`
 * tree at that revision is extracted to a temporary directory first, so that the
 * spec's relative `$ref`s resolve as they did then. Returns undefined when the path
 * did not exist at that revision.
 */
export async function loadSpecAtRevision(
  rev: string,
  path: string,
  repoRoot: string,
): Promise<LoadedSpec | undefined> {
  const rel = relative(resolve(repoRoot), resolve(path)).split(sep).join("/");
  const top = rel.split("/")[0] as string;
  const dir = mkdtempSync(join(tmpdir(), "govex-spec-"));
  try {
    try {
      const archive = execFileSync(
        "git",
        ["-C", repoRoot, "archive", "--format=tar", rev, "--", top],
        { maxBuffer: 512 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] },
      );
      execFileSync("tar", ["-x", "-C", dir], { input: archive });
    } catch {
      return undefined;
    }
    const old = join(dir, rel);
    if (!existsSync(old)) return undefined;
    const spec = await loadSpec(old);
    return { ...spec, path: `${rev}:${rel}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
