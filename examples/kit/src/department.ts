/**
 * Start an example department: its legacy backend (a database, files, a JSON API, a SOAP
 * service) is the department's business; here its provider.yaml is run with govex, exactly as
 * `govex provide --config provider.yaml` would, and optionally checked with the conformance kit.
 */
import { join } from "node:path";
import {
  loadProviderConfig,
  type RunningProvider,
  type SourceFactory,
  startProvider,
} from "@govex/adapter";
import {
  type ClientOptions,
  createProviderClient,
  type GovexClient,
  type ProviderPaths,
} from "@govex/client";
import { type ConformanceResult, renderText, runConformance } from "@govex/conformance";
import type { Signer } from "@govex/security";
import { type DemoKeys, EXCHANGE_PUBLIC_KEY_ENV, ensureDemoKeys } from "./keys.js";

export interface DepartmentOptions {
  /** The example's folder (holds provider.yaml; `.data/` is made in it). */
  dir: string;
  /** The key id of the provider's key in provider.yaml. */
  providerKeyId: string;
  createSource: SourceFactory;
  /** Port of the provider (default provider.yaml's; 0 for any free port). */
  port?: number;
  env?: Record<string, string | undefined>;
}

export interface RunningDepartment {
  provider: RunningProvider;
  keys: DemoKeys;
  /**
   * Check the running provider with the conformance kit, as the exchange does at registration,
   * signed as the exchange (default: the demo exchange key).
   */
  conformance(exchangeSigner?: Signer): Promise<ConformanceResult>;
  /**
   * A client of the provider signed as the exchange, checking the provider's responses — at the
   * department's URL unless `baseUrl` says otherwise (another process on the same keys).
   */
  client(options?: Partial<Omit<ClientOptions, "signer" | "keys">>): GovexClient<ProviderPaths>;
  close(): Promise<void>;
}

export async function startDepartment(options: DepartmentOptions): Promise<RunningDepartment> {
  const env = { ...process.env, ...options.env };
  const keys = await ensureDemoKeys(
    join(options.dir, ".data", "keys"),
    options.providerKeyId,
    env[EXCHANGE_PUBLIC_KEY_ENV] || undefined,
  );
  const exchangeSigner = (given?: Signer): Signer => {
    const signer = given ?? keys.exchangeSigner;
    if (!signer)
      throw new Error(
        `the provider trusts the exchange key in ${EXCHANGE_PUBLIC_KEY_ENV}: pass that exchange's signer`,
      );
    return signer;
  };
  const config = await loadProviderConfig(join(options.dir, "provider.yaml"), env);
  const provider = await startProvider({
    config,
    resolveSource: async () => options.createSource,
    env,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  return {
    provider,
    keys,
    conformance: (signer) =>
      runConformance({
        baseUrl: provider.url,
        signer: exchangeSigner(signer),
        providerKeys: [keys.providerVerifier],
      }),
    client: (clientOptions = {}) =>
      createProviderClient({
        baseUrl: provider.url,
        ...clientOptions,
        signer: exchangeSigner(),
        keys: new Map([[keys.providerVerifier.keyId, keys.providerVerifier]]),
      }),
    close: () => provider.close(),
  };
}

/**
 * The example's `pnpm start`: start, print the URL and a conformance summary, serve until Ctrl-C.
 * `--check` runs the conformance kit once and exits with its verdict (0 pass, 1 fail).
 */
export async function runDepartmentMain(
  options: DepartmentOptions & { title: string; stop?: () => Promise<void> },
): Promise<void> {
  const check = process.argv.includes("--check");
  const lang = process.argv.includes("--lang") && process.argv.includes("en") ? "en" : "zh-CN";
  const department = await startDepartment(options);
  process.stdout.write(
    `${options.title}\n  ${lang === "en" ? "provider" : "提供方接口"}: ${department.provider.url}\n`,
  );
  if (department.keys.exchangeSigner) {
    const result = await department.conformance();
    process.stdout.write(renderText(result, lang));
    if (check) {
      await department.close();
      await options.stop?.();
      process.exitCode = result.summary.ok ? 0 : 1;
      return;
    }
  } else {
    // Trusting a running exchange's key: that exchange runs the kit, signed with its own key.
    process.stdout.write(
      lang === "en"
        ? `  trusts the exchange key in ${EXCHANGE_PUBLIC_KEY_ENV}; run the conformance kit with that exchange's key (govex conformance).\n`
        : `  信任 ${EXCHANGE_PUBLIC_KEY_ENV} 中的交换节点公钥;请用该节点的密钥运行符合性测试(govex conformance)。\n`,
    );
    if (check) {
      await department.close();
      await options.stop?.();
      process.exitCode = 2;
      return;
    }
  }
  process.stdout.write(lang === "en" ? "Serving; Ctrl-C to stop.\n" : "服务中,按 Ctrl-C 停止。\n");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await department.close();
  await options.stop?.();
}
