/**
 * The four example departments as the demo exchange starts them: each trusts the running node's
 * key (GOVEX_EXCHANGE_PUBLIC_KEY), and signs its own requests to the exchange with its provider
 * key, registered as its member key.
 */
import { existsSync } from "node:fs";
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as marriage from "@govex/example-civil-affairs-marriage";
import { EXCHANGE_PUBLIC_KEY_ENV, type RunningDepartment } from "@govex/example-kit";
import * as enterprises from "@govex/example-market-regulation-enterprises";
import * as household from "@govex/example-public-security-household";
import * as insurance from "@govex/example-social-insurance";

export interface ExampleModule {
  EXAMPLE_DIR: string;
  PROVIDER_KEY_ID: string;
  startExample(options: {
    port?: number;
    dir?: string;
    env?: Record<string, string | undefined>;
  }): Promise<{ url: string; department: RunningDepartment; close(): Promise<void> }>;
}

/** A department of the demo: its example, its system code and its default port. */
export interface DemoDepartment {
  key: "household" | "enterprises" | "insurance" | "marriage";
  module: ExampleModule;
  /** The system code it registers (specs/exchange v1 Code). */
  system: string;
  port: number;
}

export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  { key: "household", module: household, system: "hukou", port: 8701 },
  { key: "enterprises", module: enterprises, system: "qiye", port: 8702 },
  { key: "insurance", module: insurance, system: "shebao", port: 8703 },
  { key: "marriage", module: marriage, system: "hunyin", port: 8704 },
];

/** The catalog entry a department publishes (specs/data/v1), as its entry.json holds it. */
export interface CatalogEntry {
  resourceCode: string;
  name: string;
  provider: string;
  providerCode: string;
  items: { code: string; name: string }[];
  [property: string]: unknown;
}

export async function readEntry(department: DemoDepartment): Promise<CatalogEntry> {
  return JSON.parse(await readFile(join(department.module.EXAMPLE_DIR, "entry.json"), "utf8"));
}

export interface StartedDepartment {
  spec: DemoDepartment;
  entry: CatalogEntry;
  url: string;
  department: RunningDepartment;
  close(): Promise<void>;
}

/** What of an example's folder a department's copy needs: its configuration and data, no code. */
const NOT_COPIED = /[\\/](node_modules|\.data|src|test|bench)([\\/]|$)/;

/**
 * Start a department's legacy system and provider, trusting the node's key, in its own copy of
 * the example's folder under `<dataDir>/departments/` (made on first start, kept after: its keys
 * are registered with the exchange), so that exchanges with different data directories never
 * share a department's data.
 */
export async function startDemoDepartment(
  spec: DemoDepartment,
  options: { nodePublicPem: string; port: number; dataDir: string },
): Promise<StartedDepartment> {
  const entry = await readEntry(spec);
  const dir = join(options.dataDir, "departments", spec.key);
  if (!existsSync(dir))
    await cp(spec.module.EXAMPLE_DIR, dir, {
      recursive: true,
      filter: (source) => !NOT_COPIED.test(source.slice(spec.module.EXAMPLE_DIR.length)),
    });
  const running = await spec.module.startExample({
    port: options.port,
    dir,
    env: { [EXCHANGE_PUBLIC_KEY_ENV]: options.nodePublicPem },
  });
  return {
    spec,
    entry,
    url: running.url,
    department: running.department,
    close: () => running.close(),
  };
}
