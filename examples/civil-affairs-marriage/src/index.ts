/**
 * Example department: 某市民政局婚姻登记管理系统 (a civil affairs bureau's marriage
 * registration). Its legacy system is a JSON API; @govex/adapter-rest serves it through one
 * mapping file as the resource 婚姻登记信息, signed, over specs/provider v1.
 * @module
 */
import { join } from "node:path";
import { createSource } from "@govex/adapter-rest";
import { type RunningDepartment, startDepartment } from "@govex/example-kit";
import { DEFAULT_LEGACY_PORT, demoToken, type LegacySystem, startLegacy } from "./legacy.js";

/** The example's folder: provider.yaml, mapping.yaml, entry.json; `.data/` is made in it. */
export const EXAMPLE_DIR = join(import.meta.dirname, "..");
/** The provider's key id in provider.yaml. */
export const PROVIDER_KEY_ID = "minzheng-hunyin-2026";
export const TITLE =
  "某市民政局婚姻登记管理系统(示例部门,@govex/adapter-rest) / Civil affairs bureau: marriage registration (example department)";

export interface RunningExample {
  /** Base URL of the provider API, e.g. http://127.0.0.1:8704/v1. */
  url: string;
  department: RunningDepartment;
  legacy: LegacySystem;
  /** What the mapping reads from the environment: HUNYIN_API_URL and HUNYIN_API_TOKEN. */
  env: { HUNYIN_API_URL: string; HUNYIN_API_TOKEN: string };
  close(): Promise<void>;
}

export interface ExampleOptions {
  /** Port of the provider (default provider.yaml's 8704; 0 for any free port). */
  port?: number;
  /** Port of the legacy API (default 8714, or any free port when `port` is 0). */
  legacyPort?: number;
  /** The folder holding provider.yaml, mapping.yaml and entry.json (default this example's). */
  dir?: string;
  /** Environment for the provider; HUNYIN_API_TOKEN here (or in process.env) sets the API token. */
  env?: Record<string, string | undefined>;
}

/**
 * Start the example: the legacy API (its token from HUNYIN_API_TOKEN, else a demo token kept in
 * `.data/`), then the department's provider from provider.yaml, with HUNYIN_API_URL set to the
 * API's actual address.
 *
 * @example
 * const example = await startExample({ port: 0 });
 * console.log(example.url);
 * await example.close();
 */
export async function startExample(options: ExampleOptions = {}): Promise<RunningExample> {
  const dir = options.dir ?? EXAMPLE_DIR;
  const token = await demoToken(dir, { ...process.env, ...options.env });
  const legacy = await startLegacy({
    port: options.legacyPort ?? (options.port === 0 ? 0 : DEFAULT_LEGACY_PORT),
    token,
  });
  const env = { HUNYIN_API_URL: legacy.url, HUNYIN_API_TOKEN: token };
  try {
    const department = await startDepartment({
      dir,
      providerKeyId: PROVIDER_KEY_ID,
      createSource,
      env: { ...options.env, ...env },
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    return {
      url: department.provider.url,
      department,
      legacy,
      env,
      async close() {
        await department.close();
        await legacy.stop();
      },
    };
  } catch (error) {
    await legacy.stop();
    throw error;
  }
}

export * from "./legacy.js";
