/**
 * Example department: 某市市场监管局企业登记系统 (a market regulation bureau's enterprise
 * registration). Its legacy system hands over nightly export files; @govex/adapter-file serves
 * them through one mapping file as the resource 市场主体登记信息, signed, over specs/provider v1.
 * @module
 */
import { join } from "node:path";
import { createSource } from "@govex/adapter-file";
import { type RunningDepartment, startDepartment } from "@govex/example-kit";
import { type LegacySystem, startLegacy } from "./legacy.js";

/** The example's folder: provider.yaml, mapping.yaml, entry.json; `.data/` is made in it. */
export const EXAMPLE_DIR = join(import.meta.dirname, "..");
/** The provider's key id in provider.yaml. */
export const PROVIDER_KEY_ID = "scjg-qiye-2026";
export const TITLE =
  "某市市场监管局企业登记系统(示例部门,@govex/adapter-file) / Market regulation bureau: enterprise registration (example department)";

export interface RunningExample {
  /** Base URL of the provider API, e.g. http://127.0.0.1:8702/v1. */
  url: string;
  department: RunningDepartment;
  legacy: LegacySystem;
  close(): Promise<void>;
}

/**
 * Start the example: run the legacy export job (it writes `.data/export/`), then the department's
 * provider from provider.yaml.
 *
 * @example
 * const example = await startExample({ port: 0 });
 * console.log(example.url);
 * await example.close();
 */
export async function startExample(
  options: { port?: number; dir?: string; env?: Record<string, string | undefined> } = {},
): Promise<RunningExample> {
  const dir = options.dir ?? EXAMPLE_DIR;
  const legacy = await startLegacy({ dir });
  try {
    const department = await startDepartment({
      dir,
      providerKeyId: PROVIDER_KEY_ID,
      createSource,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.env === undefined ? {} : { env: options.env }),
    });
    return {
      url: department.provider.url,
      department,
      legacy,
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
