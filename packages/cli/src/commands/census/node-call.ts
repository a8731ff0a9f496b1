/**
 * What `govex census analyze` and `govex evaluate` share: the options that reach a running node
 * with a signed client (RFC 9421, the node's answers verified with its key, as `govex audit
 * verify` does), reading an offline input file, and writing the report.
 */
import { writeFileSync } from "node:fs";
import {
  ClientError,
  createExchangeClient,
  type ExchangePaths,
  type GovexClient,
  ProblemError,
} from "@govex/client";
import { keyResolverFromKeyText, signerFromKeyText } from "@govex/conformance";
import { isUscc } from "@govex/schemas";
import type { Lang } from "@govex/validator";
import { printable, UsageError } from "../../io.js";
import { keyOption, readOptionFile } from "../key-files.js";

export const REPORT_FORMATS = ["json", "md", "xlsx"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const NODE_OPTIONS = {
  node: { type: "string" },
  key: { type: "string" },
  "key-id": { type: "string" },
  "node-key": { type: "string" },
  member: { type: "string" },
  input: { type: "string" },
  format: { type: "string", short: "f" },
  out: { type: "string", short: "o" },
  timeout: { type: "string" },
  lang: { type: "string" },
} as const;

export interface ReportArgs {
  source:
    | { kind: "node"; url: string; key: string; keyId: string; nodeKey: string; timeout: number }
    | { kind: "input"; path: string };
  member?: string;
  format: ReportFormat;
  out?: string;
  lang: Lang;
}

export function usage(zh: string, en: string): UsageError {
  return new UsageError({ "zh-CN": zh, en });
}

/** The options common to both commands, checked; a UsageError says what to fix. */
export function reportArgs(
  command: string,
  v: Record<string, string | boolean | undefined>,
  lang: Lang,
): ReportArgs {
  const get = (name: string) => (typeof v[name] === "string" ? (v[name] as string) : undefined);
  const node = get("node");
  const input = get("input");
  if ((node === undefined) === (input === undefined))
    throw usage(
      `请给出 --node <节点地址>(连接运行中的节点)或 --input <文件>(离线数据)中的一个。运行 govex ${command} --help 查看用法。`,
      `give one of --node <url> (a running node) or --input <file> (offline data): run govex ${command} --help for usage.`,
    );
  const format = get("format") ?? "json";
  if (!(REPORT_FORMATS as readonly string[]).includes(format))
    throw usage(
      `--format 的值「${printable(format.slice(0, 32))}」无效。可选值:json、md、xlsx。`,
      `--format "${printable(format.slice(0, 32))}" is not valid: use json, md or xlsx.`,
    );
  const out = get("out");
  if (format === "xlsx" && out === undefined)
    throw usage(
      "--format xlsx 需要 --out <文件.xlsx>:电子表格不写到终端。",
      "--format xlsx needs --out <file.xlsx>: a spreadsheet is not written to the terminal.",
    );
  const member = get("member");
  if (member !== undefined && !isUscc(member))
    throw usage(
      `--member「${printable(member.slice(0, 64))}」不是有效的统一社会信用代码 (GB 32100-2015)。`,
      `--member "${printable(member.slice(0, 64))}" is not a valid unified social credit code (GB 32100-2015).`,
    );
  const chosen = get("lang") ?? lang;
  if (chosen !== "zh-CN" && chosen !== "en")
    throw usage(
      `--lang 的值「${printable(chosen.slice(0, 32))}」无效。可选值:zh-CN、en。`,
      `--lang "${printable(chosen.slice(0, 32))}" is not valid: use zh-CN or en.`,
    );
  const common = {
    ...(member === undefined ? {} : { member }),
    format: format as ReportFormat,
    ...(out === undefined ? {} : { out }),
    lang: chosen as Lang,
  };
  if (input !== undefined) return { source: { kind: "input", path: input }, ...common };
  let url: URL | undefined;
  try {
    url = new URL(node as string);
  } catch {}
  if (url?.protocol !== "http:" && url?.protocol !== "https:")
    throw usage(
      `节点地址「${printable(String(node).slice(0, 200))}」无效:应为 http(s) 地址,如 https://exchange.example.gov.cn/v1。`,
      `the node URL "${printable(String(node).slice(0, 200))}" is not valid: use an http(s) URL such as https://exchange.example.gov.cn/v1.`,
    );
  for (const name of ["key", "key-id", "node-key"])
    if (get(name) === undefined)
      throw usage(
        `连接节点需要 --${name}。运行 govex ${command} --help 查看用法。`,
        `--${name} is needed to reach a node: run govex ${command} --help for usage.`,
      );
  const timeoutText = get("timeout");
  const timeout = timeoutText === undefined ? 60_000 : Number(timeoutText);
  if (!/^\d{1,9}$/.test(timeoutText ?? "0") || timeout < 1)
    throw usage(
      `--timeout 应为正整数毫秒数,实为「${printable(String(timeoutText).slice(0, 32))}」。`,
      `--timeout must be a whole number of milliseconds, got "${printable(String(timeoutText).slice(0, 32))}".`,
    );
  return {
    source: {
      kind: "node",
      url: node as string,
      key: get("key") as string,
      keyId: get("key-id") as string,
      nodeKey: get("node-key") as string,
      timeout,
    },
    ...common,
  };
}

/** Offline inputs are read whole: a census of a province is a few megabytes. */
export const MAX_INPUT = 256 * 1024 * 1024;

/** A signed client of the node, and its answers' failures as usage errors (exit 2). */
export async function withNode<T>(
  source: Extract<ReportArgs["source"], { kind: "node" }>,
  lang: Lang,
  fn: (client: GovexClient<ExchangePaths>) => Promise<T>,
): Promise<T> {
  const signer = keyOption("--key", () =>
    signerFromKeyText(readOptionFile(source.key, "--key"), source.keyId),
  );
  const keys = keyOption("--node-key", () =>
    keyResolverFromKeyText(readOptionFile(source.nodeKey, "--node-key")),
  );
  const client = createExchangeClient({
    baseUrl: source.url,
    signer,
    keys,
    timeout: source.timeout,
    retry: { retries: 2 },
    locale: lang,
    headers: { "accept-language": lang },
  });
  try {
    return await fn(client);
  } catch (err) {
    if (err instanceof ProblemError)
      throw usage(
        `节点拒绝了请求:${printable(err.message)}`,
        `the node refused the request: ${printable(err.message)}`,
      );
    if (err instanceof ClientError || (err as Error)?.name === "TypeError")
      throw usage(
        `无法从节点 ${printable(source.url)} 得到有效应答:${printable((err as Error).message)}`,
        `no valid answer from the node ${printable(source.url)}: ${printable((err as Error).message)}`,
      );
    throw err;
  } finally {
    await client.close();
  }
}

/** Write the report: to --out, else to stdout (JSON and Markdown only). */
export function writeReport(
  out: string | undefined,
  content: string | Uint8Array,
  stdout: { write(chunk: string): unknown },
): void {
  if (out === undefined) {
    stdout.write(typeof content === "string" ? content : Buffer.from(content).toString("utf8"));
    return;
  }
  try {
    writeFileSync(out, content);
  } catch (err) {
    throw usage(
      `无法写入 --out 的文件 ${printable(out)}:${printable((err as Error).message)}。`,
      `cannot write the --out file ${printable(out)}: ${printable((err as Error).message)}.`,
    );
  }
}

/** Markdown table cell: no pipe or line break from the data can break the table. */
export function cell(value: unknown): string {
  return String(value ?? "")
    .replace(/[\r\n]+/g, " ")
    .replace(/\|/g, "\\|");
}

/** A spreadsheet cell never starts a formula (CSV/formula injection, OWASP). */
export function safeCell(value: unknown): string | number {
  if (typeof value === "number") return value;
  const text = String(value ?? "");
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
