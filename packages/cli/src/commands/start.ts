/**
 * `govex start`: the main job — an exchange node (共享交换平台) on the embedded database, with the
 * example departments joined and a short demo walk, until Ctrl-C.
 */
import { resolve } from "node:path";
import type { LocalNode } from "@govex/node";
import type { Lang } from "@govex/validator";
import { type CliIo, parseOptions, portOption, printable, waitForStop } from "../io.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex start —— 启动交换节点(嵌入式数据库), 接入示例部门并演示一遍

用法:
  govex start [--data-dir <目录>] [--database <postgres://…>] [--port <端口>] [--host <地址>]
              [--public-origin <https://…>] [--instance <CN-370000>] [--no-demo] [--check] [--lang en]

  --data-dir   密钥和嵌入式数据库(PGlite)所在目录, 默认 .govex
  --database   改用 PostgreSQL(也可用环境变量 GOVEX_DATABASE_URL)
  --port       节点端口, 默认 8700;示例部门用 8701–8704
  --host       监听地址, 默认 127.0.0.1(对外服务时设为 0.0.0.0 并置于 TLS 代理之后)
  --public-origin  调用方访问的地址(TLS 代理之后), 如 https://exchange.example.gov.cn;签名覆盖它
  --instance   服务路径的实例前缀, 默认 CN
  --no-demo    只启动节点, 不接入示例部门
  --check      演示走完即退出: 0 全部通过, 1 失败(用于 CI)

首次启动时在数据目录生成节点密钥、运营方密钥和审计日志验证公钥。按 Ctrl-C 停止。
退出码: 0 正常停止;1 演示失败;2 参数错误或无法启动。
`,
  en: `govex start — run an exchange node (embedded database), join the example departments, walk the demo

Usage:
  govex start [--data-dir <dir>] [--database <postgres://…>] [--port <port>] [--host <address>]
              [--public-origin <https://…>] [--instance <CN-370000>] [--no-demo] [--check] [--lang en]

  --data-dir   where the keys and the embedded database (PGlite) live, default .govex
  --database   use PostgreSQL instead (or GOVEX_DATABASE_URL)
  --port       the node's port, default 8700; the example departments use 8701–8704
  --host       the interface to listen on, default 127.0.0.1 (0.0.0.0 behind a TLS proxy)
  --public-origin  the address callers use behind a TLS proxy, e.g. https://exchange.example.gov.cn;
               signatures cover it
  --instance   the instance prefix of service paths, default CN
  --no-demo    start the node only
  --check      exit once the demo walk is done: 0 passed, 1 failed (for CI)

The first start makes the node's key, the operator's key and the audit log's verifier key in
the data directory. Stop with Ctrl-C.
Exit codes: 0 stopped cleanly; 1 the demo failed; 2 usage error or could not start.
`,
};

/** The demo that ships with the govex repository (examples/exchange); absent when installed from npm. */
type Demo = typeof import("@govex/example-exchange");

async function loadDemo(): Promise<Demo | undefined> {
  try {
    return await import("@govex/example-exchange");
  } catch (error) {
    // Not installed (govex from npm), or TypeScript sources a built CLI cannot load (the repo's
    // `pnpm start` runs the CLI from source, where it can).
    const code = (error as { code?: string }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "ERR_UNKNOWN_FILE_EXTENSION") return undefined;
    throw error;
  }
}

function parse(args: string[]) {
  return parseOptions("start", {
    args,
    options: {
      "data-dir": { type: "string" },
      database: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "public-origin": { type: "string" },
      instance: { type: "string" },
      "no-demo": { type: "boolean" },
      check: { type: "boolean" },
      lang: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
}

export async function startCommand(
  args: string[],
  io: CliIo,
  lang: Lang,
  options: { signal?: AbortSignal; onReady?: (local: LocalNode) => void } = {},
): Promise<number> {
  const parsed = parse(args);
  if (parsed.values.help) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const port = portOption(parsed.values.port, 8700);
  const say = (zh: string, en: string) =>
    io.stdout.write(`${printable(lang === "en" ? en : zh)}\n`);
  const dataDir = resolve(parsed.values["data-dir"] ?? ".govex");
  const databaseUrl = parsed.values.database ?? io.env.GOVEX_DATABASE_URL ?? undefined;
  const demo = parsed.values["no-demo"] ? undefined : await loadDemo();
  if (!parsed.values["no-demo"] && !demo)
    say(
      "(示例部门随 govex 源码仓库提供, 在仓库中用 pnpm start 运行; 此处只启动节点。)",
      "(The example departments come with the govex repository, run there with `pnpm start`; starting the node only.)",
    );

  const { startLocalNode, isStoreError, redactUrl } = await import("@govex/node");
  let local: LocalNode;
  try {
    local = await startLocalNode({
      dataDir,
      ...(databaseUrl ? { databaseUrl } : {}),
      port,
      ...(parsed.values.host ? { host: parsed.values.host } : {}),
      ...(parsed.values["public-origin"] ? { publicOrigin: parsed.values["public-origin"] } : {}),
      ...(parsed.values.instance ? { instance: parsed.values.instance } : {}),
      lang,
    });
  } catch (error) {
    if (isStoreError(error)) {
      io.stderr.write(`govex: ${printable(error.localized(lang))}\n`);
      return 2;
    }
    if ((error as { code?: string }).code === "EADDRINUSE") {
      io.stderr.write(
        `govex: ${lang === "en" ? `port ${port} is in use: pass --port` : `端口 ${port} 已被占用, 请用 --port 指定其他端口`}\n`,
      );
      return 2;
    }
    throw error;
  }
  say(`交换节点已启动: ${local.url}`, `Exchange node running at ${local.url}`);
  say(
    `  数据库: ${databaseUrl ? redactUrl(databaseUrl) : `嵌入式 PGlite(${resolve(dataDir, "db")})`}`,
    `  database: ${databaseUrl ? redactUrl(databaseUrl) : `embedded PGlite (${resolve(dataDir, "db")})`}`,
  );
  say(
    `  运营方 ${local.operator.code} 的私钥: ${local.files.operatorKey}`,
    `  operator ${local.operator.code}'s private key: ${local.files.operatorKey}`,
  );
  say(
    `  节点应答公钥: ${local.files.nodePublicKey}; 审计日志验证公钥: ${local.files.auditVerifierKey}`,
    `  node response key: ${local.files.nodePublicKey}; audit log verifier key: ${local.files.auditVerifierKey}`,
  );
  say(`  日志: ${local.files.log}`, `  log: ${local.files.log}`);
  if (local.node.console.served) {
    // One-time token (single use, 24 h): the browser trades it for its own 8-hour key.
    const login = await local.node.console.issueToken();
    const origin = parsed.values["public-origin"] ?? new URL(local.url).origin;
    say(
      `  控制台: ${origin}/console/#/login?token=${login.token}`,
      `  console: ${origin}/console/#/login?token=${login.token}`,
    );
    say(
      `  (一次性登录令牌, 只能使用一次, ${login.expiresAt.toISOString()} 前有效; 也可用 ${local.files.operatorKey} 和密钥标识 ${local.operator.keyId} 登录)`,
      `  (a one-time login token: works once, until ${login.expiresAt.toISOString()}; or sign in with ${local.files.operatorKey} and key id ${local.operator.keyId})`,
    );
  } else
    say(
      "  控制台未构建: 运行 pnpm --filter @govex/console build 后重启。",
      "  the console is not built: run `pnpm --filter @govex/console build` and restart.",
    );
  options.onReady?.(local);

  let departments: Awaited<ReturnType<Demo["joinDemoDepartments"]>> = [];
  let code = 0;
  try {
    if (demo) {
      say("接入示例部门:", "Joining the example departments:");
      departments = await demo.joinDemoDepartments(local, {
        say,
        dataDir,
        ...(parsed.values.check ? { ports: 0 as const } : {}),
      });
      say(
        "演示: 人社局通过交换使用公安厅户籍数据",
        "Demo: the HRSS bureau uses the PSB's household data through the exchange",
      );
      await demo.runDemoWalk(local, departments, say);
      const consumer = departments.find((d) => d.spec.key === "insurance");
      say("演示通过。接下来可以试试:", "Demo passed. What to try next:");
      say(`  curl ${local.url}/health`, `  curl ${local.url}/health`);
      if (consumer)
        say(
          `  govex audit verify ${local.url} --member ${consumer.entry.providerCode} --key ${consumer.department.keys.dir}/provider.pem --key-id ${consumer.department.keys.providerSigner.keyId} --node-key ${local.files.nodePublicKey} --log-key ${local.files.auditVerifierKey}`,
          `  govex audit verify ${local.url} --member ${consumer.entry.providerCode} --key ${consumer.department.keys.dir}/provider.pem --key-id ${consumer.department.keys.providerSigner.keyId} --node-key ${local.files.nodePublicKey} --log-key ${local.files.auditVerifierKey}`,
        );
      say(
        "  文档: docs/zh-CN/exchange-node.md(运行交换节点)、docs/zh-CN/consume.md(通过交换使用数据)",
        "  docs: docs/en/exchange-node.md (run an exchange node), docs/en/consume.md (consume data through the exchange)",
      );
    }
    if (!parsed.values.check) {
      say("服务中, 按 Ctrl-C 停止。", "Serving; Ctrl-C to stop.");
      await waitForStop(options.signal);
    }
  } catch (error) {
    io.stderr.write(
      `govex: ${lang === "en" ? "the demo failed" : "演示失败"}: ${printable((error as Error).message)}\n`,
    );
    code = 1;
  } finally {
    if (demo) await demo.closeDepartments(departments);
    await local.close();
  }
  return code;
}
