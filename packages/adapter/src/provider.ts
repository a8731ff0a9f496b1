/**
 * Running a provider from a provider.yaml: each mapping file loaded, its source created by the
 * adapter package of its kind, one mapped adapter over them, served by the provider runtime.
 * This is what `govex provide` does; a program can call it too.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import type { FastifyServerOptions } from "fastify";
import { Registry } from "prom-client";
import { isAdapterError } from "./errors.js";
import { createMappedAdapter, type MappedResource, type RecordIssue } from "./mapped-adapter.js";
import { loadMapping, type Mapping } from "./mapping/load-mapping.js";
import { MappingError } from "./mapping/mapping-error.js";
import type { ProviderConfig } from "./provider-config.js";
import { createProviderServer, type ProviderServer } from "./server/server.js";
import type { Source, SourceFactory } from "./source.js";

/** Finds the source factory of a kind, e.g. by importing `@govex/adapter-<kind>`. */
export type SourceResolver = (kind: string) => Promise<SourceFactory>;

export interface StartProviderOptions {
  config: ProviderConfig;
  resolveSource: SourceResolver;
  /** Override the config's listen address (port 0: any free port). */
  port?: number;
  host?: string;
  env?: Readonly<Record<string, string | undefined>>;
  logger?: FastifyServerOptions["logger"];
  /** Called for every withheld record, besides the issue log file. */
  onRecordIssue?: (issue: RecordIssue) => void;
}

export interface RunningProvider {
  /** Base URL of the spec operations, e.g. http://127.0.0.1:8700/v1. */
  url: string;
  server: ProviderServer;
  mappings: Mapping[];
  close(): Promise<void>;
}

/** Create a mapping's source; a configuration error of the source block is reported at its line. */
export async function createMappingSource(
  mapping: Mapping,
  resolveSource: SourceResolver,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Source> {
  const locatedError = (path: string, zh: string, en: string, code = "config_invalid") =>
    new MappingError([{ file: mapping.file, ...mapping.locate(path), path, code, zh, en }]);
  let factory: SourceFactory;
  try {
    factory = await resolveSource(mapping.source.kind);
  } catch {
    throw locatedError(
      "/source/kind",
      `没有 ${mapping.source.kind} 类适配器:请安装 @govex/adapter-${mapping.source.kind}。`,
      `no adapter of kind ${mapping.source.kind}: install @govex/adapter-${mapping.source.kind}`,
      "unknown_kind",
    );
  }
  try {
    return await factory(mapping.source, { baseDir: mapping.baseDir, env, file: mapping.file });
  } catch (error) {
    if (
      isAdapterError(error) &&
      error.code === "config_invalid" &&
      !(error instanceof MappingError)
    ) {
      // Adapter packages point into the mapping file (`/source/table`) or into their block (`/table`).
      const path = error.path ?? "";
      throw locatedError(
        path.startsWith("/source") ? path : `/source${path}`,
        error.zh,
        error.message,
      );
    }
    throw error;
  }
}

/**
 * Start a provider from a checked provider.yaml.
 *
 * @example
 * const config = await loadProviderConfig("provider.yaml");
 * const provider = await startProvider({ config, resolveSource: (kind) => import(`@govex/adapter-${kind}`).then((m) => m.createSource) });
 * console.log(provider.url);
 */
export async function startProvider(options: StartProviderOptions): Promise<RunningProvider> {
  const { config } = options;
  const env = options.env ?? process.env;
  const mappings = await Promise.all(config.mappings.map((file) => loadMapping(file)));
  const resources: MappedResource[] = [];
  let log: WriteStream | undefined;
  try {
    for (const mapping of mappings)
      resources.push({
        mapping,
        source: await createMappingSource(mapping, options.resolveSource, env),
      });
    if (config.issueLog) log = createWriteStream(config.issueLog, { flags: "a" });
    const registry = new Registry();
    const adapter = await createMappedAdapter({
      system: config.system,
      resources,
      registry,
      lang: config.lang,
      onRecordIssue: (issue) => {
        log?.write(`${JSON.stringify(issue)}\n`);
        options.onRecordIssue?.(issue);
      },
    });
    const server = createProviderServer({
      adapter,
      signer: config.signer,
      exchangeKeys: config.exchangeKeys,
      basePath: config.basePath,
      registry,
      lang: config.lang,
      ...(config.publicOrigin ? { publicOrigin: config.publicOrigin } : {}),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
    const url = await server.listen({
      port: options.port ?? config.listen.port,
      host: options.host ?? config.listen.host,
    });
    return {
      url,
      server,
      mappings,
      async close() {
        await server.close();
        await new Promise<void>((done) => (log ? log.end(done) : done()));
      },
    };
  } catch (error) {
    await Promise.allSettled(resources.map((r) => r.source.close()));
    log?.end();
    throw error;
  }
}
