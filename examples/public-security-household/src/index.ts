/**
 * 公安 户籍人口: 山东省示例公安厅户籍管理系统's legacy table served with @govex/adapter-sql.
 * `startExample()` starts the legacy database (embedded PGlite, or the PostgreSQL named by
 * HUKOU_DATABASE_URL) and the department's provider from its provider.yaml — PGlite:
 * ./provider.yaml, PostgreSQL: ./postgres/provider.yaml — as `govex provide` would run it.
 * @module
 */
import { join } from "node:path";
import type { SourceFactory } from "@govex/adapter";
import { createSource } from "@govex/adapter-sql";
import {
  type DepartmentOptions,
  type RunningDepartment,
  startDepartment,
} from "@govex/example-kit";
import { type LegacySystem, startLegacy } from "./legacy.js";

export * from "./legacy.js";

/** The example's folder (provider.yaml, mapping.yaml, entry.json; `.data/` is made in it). */
export const EXAMPLE_DIR = join(import.meta.dirname, "..");
/** The provider's key id in provider.yaml. */
export const PROVIDER_KEY_ID = "gongan-hukou-2026";
/** The catalog entry's resource code (entry.json). */
export const RESOURCE_CODE = "101001/3700GA0001";
/** The environment variable naming a PostgreSQL to use instead of PGlite. */
export const DATABASE_URL_ENV = "HUKOU_DATABASE_URL";

export interface StartExampleOptions {
  /** Provider port (default provider.yaml's 8701; 0 for any free port). */
  port?: number;
  /** A copy of the example's folder to run in (default the example's own). */
  dir?: string;
  /** Environment over process.env; HUKOU_DATABASE_URL switches to PostgreSQL. */
  env?: Record<string, string | undefined>;
  /** A dump of an empty PGlite cluster for a new data directory (skips initdb; tests). */
  pgliteTemplate?: Blob;
}

export interface RunningExample {
  /** The provider's base URL, e.g. http://127.0.0.1:8701/v1. */
  url: string;
  department: RunningDepartment;
  legacy: LegacySystem;
  /** The folder whose provider.yaml runs: `dir`, or `dir/postgres` on PostgreSQL. */
  providerDir: string;
  close(): Promise<void>;
}

/** Where the department's files and legacy data are, for an environment. */
export function exampleLayout(dir: string, env: Record<string, string | undefined>) {
  const databaseUrl = env[DATABASE_URL_ENV] || undefined;
  return {
    databaseUrl,
    // provider.yaml cannot switch dialect by environment, so PostgreSQL has its own folder.
    providerDir: databaseUrl ? join(dir, "postgres") : dir,
    dataDir: join(dir, ".data", "pglite"),
  };
}

/**
 * The kit's options for this department over a started legacy system. On PGlite the provider
 * reads through the legacy system's own instance: a data directory has a single owner.
 */
export function departmentOptions(
  legacy: LegacySystem,
  options: { providerDir: string; env: Record<string, string | undefined>; port?: number },
): DepartmentOptions {
  const factory: SourceFactory = (block, context) =>
    createSource(block, context, legacy.pglite ? { pglite: legacy.pglite } : {});
  return {
    dir: options.providerDir,
    providerKeyId: PROVIDER_KEY_ID,
    createSource: factory,
    env: options.env,
    ...(options.port === undefined ? {} : { port: options.port }),
  };
}

/**
 * Start the legacy database and the department's provider.
 *
 * @example
 * const example = await startExample({ port: 0 });
 * console.log(example.url); // http://127.0.0.1:…/v1
 * await example.close();
 */
export async function startExample(options: StartExampleOptions = {}): Promise<RunningExample> {
  const dir = options.dir ?? EXAMPLE_DIR;
  const env = { ...process.env, ...options.env };
  const layout = exampleLayout(dir, env);
  const legacy = await startLegacy({
    dataDir: layout.dataDir,
    ...(layout.databaseUrl ? { databaseUrl: layout.databaseUrl } : {}),
    ...(options.pgliteTemplate ? { pgliteTemplate: options.pgliteTemplate } : {}),
  });
  let department: RunningDepartment;
  try {
    department = await startDepartment(
      departmentOptions(legacy, {
        providerDir: layout.providerDir,
        env,
        ...(options.port === undefined ? {} : { port: options.port }),
      }),
    );
  } catch (error) {
    await legacy.close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url: department.provider.url,
    department,
    legacy,
    providerDir: layout.providerDir,
    close() {
      closed ??= department.close().finally(() => legacy.close());
      return closed;
    },
  };
}
