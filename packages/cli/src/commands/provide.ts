import { createRequire } from "node:module";
import { join } from "node:path";
import {
  isAdapterError,
  loadProviderConfig,
  MappingError,
  type SourceFactory,
  startProvider,
} from "@govex/adapter";
import type { Lang } from "@govex/validator";
import { type CliIo, parseOptions, portOption, printable, UsageError, waitForStop } from "../io.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex provide —— 按 provider.yaml 运行提供方接口(specs/provider v1)

用法:
  govex provide --config <provider.yaml> [--port <端口>] [--host <地址>]

provider.yaml 列出系统名称、监听地址、提供方签名密钥、交换节点公钥和各资源的映射文件;
映射文件的 source.kind 决定所用适配器(@govex/adapter-sql、-file、-rest、-soap)。
按 Ctrl-C 停止。退出码: 0 正常停止;2 配置错误或无法启动。
`,
  en: `govex provide — run a provider (specs/provider v1) from a provider.yaml

Usage:
  govex provide --config <provider.yaml> [--port <port>] [--host <address>]

provider.yaml names the system, where to listen, the provider's signing key, the exchange
node's public keys and each resource's mapping file; a mapping's source.kind picks the adapter
(@govex/adapter-sql, -file, -rest, -soap). Stop with Ctrl-C.
Exit codes: 0 stopped cleanly; 2 configuration error or could not start.
`,
};

/**
 * The source factory of a kind: `@govex/adapter-<kind>` as installed with govex, else as
 * installed in the current directory's project (a third party's adapter).
 */
export async function resolveSourceKind(kind: string, cwd = process.cwd()): Promise<SourceFactory> {
  if (!/^[a-z][a-z0-9-]{0,63}$/.test(kind)) throw new Error(`bad kind ${kind}`);
  const name = `@govex/adapter-${kind}`;
  let module: { createSource?: SourceFactory };
  try {
    module = await import(name);
  } catch {
    const local = createRequire(join(cwd, "package.json")).resolve(name);
    module = await import(local);
  }
  if (typeof module.createSource !== "function") throw new Error(`${name} has no createSource`);
  return module.createSource;
}

/** `govex provide`: runs until Ctrl-C (or `signal`), then closes the server and the sources. */
export async function provideCommand(
  args: string[],
  io: CliIo,
  lang: Lang,
  options: { signal?: AbortSignal; onListening?: (url: string) => void } = {},
): Promise<number> {
  const parsed = parse(args);
  if (parsed.values.help) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const configFile = parsed.values.config;
  if (!configFile)
    throw new UsageError({
      "zh-CN": "缺少 --config <provider.yaml>。运行 govex provide --help 查看用法。",
      en: "missing --config <provider.yaml>: run govex provide --help",
    });
  const port = portOption(parsed.values.port);
  try {
    const config = await loadProviderConfig(configFile, io.env);
    const provider = await startProvider({
      config,
      resolveSource: (kind) => resolveSourceKind(kind),
      env: io.env,
      ...(port === undefined ? {} : { port }),
      ...(parsed.values.host ? { host: parsed.values.host } : {}),
      onRecordIssue: (issue) =>
        io.stderr.write(
          `govex: ${lang === "en" ? "withheld record" : "已暂停提供的记录"} ${issue.resourceCode} ${issue.key ?? ""}: ${issue.issues.map((i) => i.code).join(", ")}\n`,
        ),
    });
    io.stdout.write(
      lang === "en"
        ? `provider ${config.system} listening at ${provider.url} (${provider.mappings.length} resource(s))\n`
        : `提供方 ${config.system} 已启动:${provider.url}(${provider.mappings.length} 项资源)\n`,
    );
    options.onListening?.(provider.url);
    await waitForStop(options.signal);
    await provider.close();
    return 0;
  } catch (error) {
    if (error instanceof MappingError) {
      for (const issue of error.issues)
        io.stderr.write(
          `${printable(issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file)} ${issue.path || "/"}: ${printable(lang === "en" ? issue.en : issue.zh)}\n`,
        );
      return 2;
    }
    if (isAdapterError(error)) {
      io.stderr.write(`govex: ${printable(error.localized(lang))}\n`);
      return 2;
    }
    throw error;
  }
}

function parse(args: string[]) {
  return parseOptions("provide", {
    args,
    options: {
      config: { type: "string", short: "c" },
      port: { type: "string", short: "p" },
      host: { type: "string" },
      lang: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
    allowPositionals: false,
  });
}
