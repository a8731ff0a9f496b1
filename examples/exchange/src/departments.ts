/**
 * The four example departments as the demo exchange starts them: each trusts the running node's
 * key (GOVEX_EXCHANGE_PUBLIC_KEY), and signs its own requests to the exchange with its provider
 * key, registered as its member key.
 */
import { readFile } from "node:fs/promises";
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

/** Start a department's legacy system and provider, trusting the node's key. */
export async function startDemoDepartment(
  spec: DemoDepartment,
  nodePublicPem: string,
  port: number,
): Promise<StartedDepartment> {
  const entry = await readEntry(spec);
  const running = await spec.module.startExample({
    port,
    env: { [EXCHANGE_PUBLIC_KEY_ENV]: nodePublicPem },
  });
  return {
    spec,
    entry,
    url: running.url,
    department: running.department,
    close: () => running.close(),
  };
}
