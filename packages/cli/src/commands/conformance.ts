import { readFileSync, writeFileSync } from "node:fs";
import {
  ConformanceError,
  type ConformanceResult,
  createConformanceReport,
  type KeyAlgorithm,
  keyResolverFromKeyText,
  renderJson,
  renderJunit,
  renderText,
  runConformance,
  signerFromKeyText,
} from "@govex/conformance";
import type { Lang } from "@govex/validator";
import { type CliIo, parseOptions, printable, UsageError } from "../io.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex conformance —— 以交换节点的身份检测部门系统的提供方接口是否符合 specs/provider v1

用法:
  govex conformance <提供方地址> --key <文件> --key-id <id> --alg ed25519|ecdsa-p256|sm2-sm3
                    --provider-key <文件> [选项]

<提供方地址> 为含版本前缀的基地址,如 http://127.0.0.1:8080/v1。

选项:
  --key <文件>              交换节点的私钥(请求用它签名):ed25519/ecdsa-p256 为 PEM (PKCS#8),
                            sm2-sm3 为 64 位十六进制私钥
  --key-id <id>             该私钥在提供方登记的 keyid
  --alg <算法>              ed25519、ecdsa-p256 或 sm2-sm3
  --provider-key <文件>     提供方的公钥(验响应签名):PEM (SPKI),SM2 为 130 位十六进制 (04 ‖ x ‖ y)
  --provider-key-id <id>    只接受该 keyid 的响应签名(默认接受任何 keyid,以公钥为准)
  --format text|json|junit  报告格式(默认 text)
  --lang zh-CN|en           报告语言(默认 zh-CN;LANG 以 en 开头时为 en)
  --report <文件>           另写一份签名的符合性报告 (JSON),须同时给出 --report-key
  --report-key <文件>       报告的签名私钥:Ed25519 PEM 或 SM2 十六进制私钥
  --report-key-id <id>      报告签名的 keyid(默认同 --key-id)
  --max-records <N>         每个资源最多遍历 N 条记录(默认 1000)
  --timeout <毫秒>          单个请求的超时,超时即视为挂起(默认 5000)

退出码: 0 全部通过;1 有检测项未通过;2 用法错误、密钥无法读取或无法连接提供方。
`,
  en: `govex conformance — check a department system's provider API against specs/provider v1, as the exchange node

Usage:
  govex conformance <provider-url> --key <file> --key-id <id> --alg ed25519|ecdsa-p256|sm2-sm3
                    --provider-key <file> [options]

<provider-url> is the base URL with the version prefix, e.g. http://127.0.0.1:8080/v1.

Options:
  --key <file>              the exchange's private key, which signs the requests: PEM (PKCS#8) for
                            ed25519 and ecdsa-p256, 64 hex digits for sm2-sm3
  --key-id <id>             the key id the provider knows that key by
  --alg <algorithm>         ed25519, ecdsa-p256 or sm2-sm3
  --provider-key <file>     the provider's public key, which checks the responses: PEM (SPKI), or
                            130 hex digits (04 ‖ x ‖ y) for SM2
  --provider-key-id <id>    accept response signatures under this key id only (default: any key id;
                            the key itself is what is trusted)
  --format text|json|junit  report format (default text)
  --lang zh-CN|en           report language (default zh-CN; en when LANG starts with "en")
  --report <file>           also write a signed conformance report (JSON); needs --report-key
  --report-key <file>       the report's signing key: Ed25519 PEM or an SM2 hex private key
  --report-key-id <id>      the report signature's key id (default: --key-id)
  --max-records <N>         walk at most N records per resource (default 1000)
  --timeout <ms>            one request's timeout; a request that takes longer counts as a hang (default 5000)

Exit codes: 0 every check passed; 1 a check failed; 2 usage error, unreadable key or unreachable provider.
`,
};

const FORMATS = ["text", "json", "junit"] as const;
const ALGORITHMS: Record<string, KeyAlgorithm> = {
  ed25519: "ed25519",
  "ecdsa-p256": "ecdsa-p256-sha256",
  "ecdsa-p256-sha256": "ecdsa-p256-sha256",
  "sm2-sm3": "sm2-sm3",
};

export interface ConformanceArgs {
  url: string;
  key: string;
  keyId: string;
  alg: KeyAlgorithm;
  providerKey: string;
  providerKeyId?: string;
  format: (typeof FORMATS)[number];
  lang: Lang;
  report?: string;
  reportKey?: string;
  reportKeyId?: string;
  maxRecords?: number;
  timeout?: number;
}

function usage(zh: string, en: string): UsageError {
  return new UsageError({ "zh-CN": zh, en });
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw usage(
      `--${name} 应为正整数,实为「${value}」。`,
      `--${name} must be a whole number ≥ 1, got "${value}".`,
    );
  return n;
}

/** Parses `govex conformance` arguments; a UsageError (exit 2) says what is wrong and how to fix it. */
export function parseConformanceArgs(argv: string[], lang: Lang): ConformanceArgs {
  const parsed = parse(argv);
  const v = parsed.values;
  const [url, ...extra] = parsed.positionals;
  if (url === undefined)
    throw usage(
      "缺少提供方地址。用法:govex conformance <提供方地址> --key <文件> --key-id <id> --alg <算法> --provider-key <文件>。",
      "the provider URL is missing. Usage: govex conformance <provider-url> --key <file> --key-id <id> --alg <algorithm> --provider-key <file>.",
    );
  if (extra.length > 0)
    throw usage(
      `多余的参数「${extra[0]}」:只检测一个提供方。`,
      `unexpected argument "${extra[0]}": one provider at a time.`,
    );
  for (const name of ["key", "key-id", "alg", "provider-key"] as const)
    if (v[name] === undefined || v[name] === "")
      throw usage(
        `缺少 --${name}。运行 govex conformance --help 查看用法。`,
        `--${name} is missing: run govex conformance --help for usage.`,
      );
  const alg = ALGORITHMS[v.alg as string];
  if (!alg)
    throw usage(
      `--alg 的值「${v.alg}」无效。可选值:ed25519、ecdsa-p256、sm2-sm3。`,
      `--alg "${v.alg}" is not valid: use ed25519, ecdsa-p256 or sm2-sm3.`,
    );
  const format = v.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format))
    throw usage(
      `--format 的值「${format}」无效。可选值:text、json、junit。`,
      `--format "${format}" is not valid: use text, json or junit.`,
    );
  const chosen = v.lang ?? lang;
  if (chosen !== "zh-CN" && chosen !== "en")
    throw usage(
      `--lang 的值「${chosen}」无效。可选值:zh-CN、en。`,
      `--lang "${chosen}" is not valid: use zh-CN or en.`,
    );
  if ((v.report === undefined) !== (v["report-key"] === undefined))
    throw usage(
      "--report 与 --report-key 须同时给出:报告必须签名。",
      "--report and --report-key go together: a report is always signed.",
    );
  const maxRecords = positive("max-records", v["max-records"]);
  const timeout = positive("timeout", v.timeout);
  return {
    url,
    key: v.key as string,
    keyId: v["key-id"] as string,
    alg,
    providerKey: v["provider-key"] as string,
    ...(v["provider-key-id"] ? { providerKeyId: v["provider-key-id"] } : {}),
    format: format as ConformanceArgs["format"],
    lang: chosen,
    ...(v.report ? { report: v.report, reportKey: v["report-key"] as string } : {}),
    ...(v["report-key-id"] ? { reportKeyId: v["report-key-id"] } : {}),
    ...(maxRecords === undefined ? {} : { maxRecords }),
    ...(timeout === undefined ? {} : { timeout }),
  };
}

function parse(argv: string[]) {
  return parseOptions("conformance", {
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      key: { type: "string" },
      "key-id": { type: "string" },
      alg: { type: "string" },
      "provider-key": { type: "string" },
      "provider-key-id": { type: "string" },
      format: { type: "string", short: "f" },
      lang: { type: "string" },
      report: { type: "string" },
      "report-key": { type: "string" },
      "report-key-id": { type: "string" },
      "max-records": { type: "string" },
      timeout: { type: "string" },
    },
  });
}

function readKey(path: string, option: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw usage(
      `无法读取 ${option} 的密钥文件 ${path}:${(err as Error).message}。请检查路径与读取权限。`,
      `cannot read the ${option} key file ${path}: ${(err as Error).message}. Check the path and permissions.`,
    );
  }
}

/** Key problems and unreachable providers are usage errors: the run itself never happened. */
function asUsage<T>(fn: () => T, option?: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ConformanceError) {
      const where = option ? `${option}: ` : "";
      throw new UsageError({
        "zh-CN": `${where}${err.messages["zh-CN"]}`,
        en: `${where}${err.messages.en}`,
      });
    }
    throw err;
  }
}

/**
 * `govex conformance`: runs the conformance kit against a provider, writes the report in the
 * chosen format (and a signed report file when asked), and returns the exit code — 0 every check
 * passed, 1 a check failed, 2 usage error.
 */
export async function conformanceCommand(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const args = parseConformanceArgs(argv, lang);
  const signer = asUsage(
    () => signerFromKeyText(readKey(args.key, "--key"), args.keyId, args.alg),
    "--key",
  );
  const providerKeys = asUsage(
    () => keyResolverFromKeyText(readKey(args.providerKey, "--provider-key"), args.providerKeyId),
    "--provider-key",
  );
  let reportSigner: ReturnType<typeof signerFromKeyText> | undefined;
  if (args.reportKey) {
    const text = readKey(args.reportKey, "--report-key");
    reportSigner = asUsage(
      () => signerFromKeyText(text, args.reportKeyId ?? args.keyId),
      "--report-key",
    );
    if (reportSigner.algorithm !== "ed25519" && reportSigner.algorithm !== "sm2-sm3")
      throw usage(
        "--report-key 须为 Ed25519 或 SM2 私钥。",
        "--report-key must be an Ed25519 or SM2 private key.",
      );
  }
  let result: ConformanceResult;
  try {
    result = await runConformance({
      baseUrl: args.url,
      signer,
      providerKeys,
      ...(args.maxRecords === undefined ? {} : { maxRecords: args.maxRecords }),
      ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
    });
  } catch (err) {
    if (err instanceof ConformanceError) throw new UsageError(err.messages);
    throw err;
  }
  io.stdout.write(
    args.format === "json"
      ? renderJson(result)
      : args.format === "junit"
        ? renderJunit(result, args.lang)
        : renderText(result, args.lang),
  );
  if (args.report && reportSigner) {
    const report = await createConformanceReport(result, { signer: reportSigner });
    try {
      writeFileSync(args.report, `${JSON.stringify(report, null, 2)}\n`);
    } catch (err) {
      io.stderr.write(
        `govex: ${printable(
          args.lang === "en"
            ? `cannot write the report ${args.report}: ${(err as Error).message}`
            : `无法写入报告 ${args.report}:${(err as Error).message}`,
        )}\n`,
      );
      return 2;
    }
  }
  return result.summary.ok ? 0 : 1;
}
