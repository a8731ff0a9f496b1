/**
 * Example department: 某市人力资源和社会保障局社保参保系统 (a human resources and social
 * security bureau's insurance enrolment). Its legacy WSDL/SOAP 1.1 web service is served by
 * @govex/adapter-soap through one mapping file as the resource 社会保险参保人员信息, signed,
 * over specs/provider v1.
 * @module
 */
import { join } from "node:path";
import { createSource } from "@govex/adapter-soap";
import { type RunningDepartment, startDepartment } from "@govex/example-kit";
import { DEFAULT_LEGACY_PORT, type LegacyService, startLegacy } from "./legacy.js";

/** The example's folder: provider.yaml, mapping.yaml, entry.json, legacy/; `.data/` is made in it. */
export const EXAMPLE_DIR = join(import.meta.dirname, "..");
/** The provider's key id in provider.yaml. */
export const PROVIDER_KEY_ID = "renshe-shebao-2026";
/** The environment variable mapping.yaml reads the SOAP endpoint from. */
export const SOAP_URL_ENV = "SHEBAO_SOAP_URL";
export const TITLE =
  "某市人力资源和社会保障局社保参保系统(示例部门,@govex/adapter-soap) / Human resources and social security bureau: insurance enrolment (example department)";

export interface RunningExample {
  /** Base URL of the provider API, e.g. http://127.0.0.1:8703/v1. */
  url: string;
  department: RunningDepartment;
  legacy: LegacyService;
  close(): Promise<void>;
}

/**
 * Start the example: the legacy SOAP service, then the department's provider from provider.yaml,
 * with SHEBAO_SOAP_URL set to the service's address (in a real deployment the department sets
 * it). With `port: 0` the legacy service also takes any free port, unless `legacyPort` says.
 *
 * @example
 * const example = await startExample({ port: 0 });
 * console.log(example.url, example.legacy.wsdlUrl);
 * await example.close();
 */
export async function startExample(
  options: {
    port?: number;
    dir?: string;
    env?: Record<string, string | undefined>;
    /** Port of the legacy service (default 8713; 0 when `port` is 0). */
    legacyPort?: number;
  } = {},
): Promise<RunningExample> {
  const dir = options.dir ?? EXAMPLE_DIR;
  const legacy = await startLegacy({
    port: options.legacyPort ?? (options.port === 0 ? 0 : DEFAULT_LEGACY_PORT),
  });
  try {
    const department = await startDepartment({
      dir,
      providerKeyId: PROVIDER_KEY_ID,
      createSource,
      ...(options.port === undefined ? {} : { port: options.port }),
      env: { ...options.env, [SOAP_URL_ENV]: legacy.url },
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
