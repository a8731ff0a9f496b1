/**
 * `govex census analyze`: the census analysis (僵尸 and 影子 systems, 国办发〔2017〕39号) of a
 * running node (`analyzeCensus`, signed) or of an offline file of system-inventory records, as
 * JSON, Markdown or XLSX.
 */
import {
  analyzeCensus,
  type CensusAnalysis,
  type CensusInputs,
  type CensusSystemInput,
  censusAnalysisFor,
} from "@govex/node";
import type { Lang } from "@govex/validator";
import { type CliIo, parseOptions, printable } from "../io.js";
import {
  MAX_INPUT,
  NODE_OPTIONS,
  reportArgs,
  usage,
  withNode,
  writeReport,
} from "./census/node-call.js";
import { renderCensusMarkdown, renderCensusXlsx } from "./census/render.js";
import { readOptionFile } from "./key-files.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex census analyze —— 普查分析:按国办发〔2017〕39号找出僵尸系统和影子系统,给出清理清单和整合建议

用法:
  govex census analyze --node <节点地址> --key <私钥文件> --key-id <id> --node-key <节点公钥文件> [选项]
  govex census analyze --input <普查文件> [选项]

数据来源(二选一):
  --node <地址>             运行中的节点 (含 /v1),用本单位密钥签名请求;运营方看到全部,成员看到本单位
  --key / --key-id          本单位私钥文件及其在节点登记的 keyid
  --node-key <文件>         节点的响应签名公钥
  --input <文件>            离线数据:system-inventory 记录的 JSON 数组或 NDJSON,
                            或 {"systems": [...], "catalog": [...], "usage": [...]} (见 docs/zh-CN/census.md)
选项:
  --member <代码>           只看一个部门的系统
  --idle-months <N>         多少个月无审计调用算作使用脱节 (默认 6)
  --format json|md|xlsx     报告格式 (默认 json;xlsx 须给 --out)
  --out <文件>              写到文件 (默认标准输出)
  --lang zh-CN|en           报告语言

退出码: 0 已生成报告;2 用法错误、无法读取输入或节点拒绝请求。
`,
  en: `govex census analyze — census analysis: the zombie and shadow systems of State Council General
Office 〔2017〕 No. 39, as a clean-up list and an integration plan

Usage:
  govex census analyze --node <node-url> --key <private-key-file> --key-id <id> --node-key <file> [options]
  govex census analyze --input <census-file> [options]

Source (one of):
  --node <url>              a running node (with /v1), requests signed with your key; the operator
                            sees everything, a member its own systems
  --key / --key-id          your private key file and the key id the node knows it by
  --node-key <file>         the node's response-signing public key
  --input <file>            offline data: a JSON array or NDJSON of system-inventory records, or
                            {"systems": [...], "catalog": [...], "usage": [...]} (docs/en/census.md)
Options:
  --member <USCC>           only one department's systems
  --idle-months <N>         months without an audited call that count as detached (default 6)
  --format json|md|xlsx     report format (default json; xlsx needs --out)
  --out <file>              write to a file (default stdout)
  --lang zh-CN|en           report language

Exit codes: 0 report written; 2 usage error, unreadable input, or the node refused.
`,
};

const REQUIRED = ["name", "ownerDepartment", "ownerDepartmentCode", "function", "status"] as const;

/** Offline census input: records (JSON array or NDJSON) or a full `CensusInputs` object. */
export function parseCensusInput(text: string): CensusInputs {
  let parsed: unknown;
  const trimmed = text.trim();
  try {
    parsed = trimmed.startsWith("[") || trimmed.startsWith("{") ? JSON.parse(trimmed) : undefined;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (!Array.isArray(parsed) && !("systems" in (parsed as object)))) {
    // NDJSON: one record a line.
    try {
      parsed = trimmed
        .split(/\r?\n/)
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as unknown);
    } catch (err) {
      throw usage(
        `--input 既不是 JSON 也不是 NDJSON:${printable((err as Error).message)}。`,
        `--input is neither JSON nor NDJSON: ${printable((err as Error).message)}.`,
      );
    }
  }
  const inputs = (Array.isArray(parsed) ? { systems: parsed } : parsed) as Record<string, unknown>;
  if (!Array.isArray(inputs.systems))
    throw usage("--input 中没有 systems 数组。", "--input has no systems array.");
  const systems = inputs.systems.map((item, i): CensusSystemInput => {
    const wrapped: { id?: unknown; record: unknown; submittedAt?: unknown } =
      item !== null && typeof item === "object" && "record" in item
        ? (item as { id?: unknown; record: unknown; submittedAt?: unknown })
        : { record: item };
    const record = wrapped.record as Record<string, unknown> | null;
    for (const field of REQUIRED)
      if (record === null || typeof record !== "object" || typeof record[field] !== "string")
        throw usage(
          `--input 第 ${i + 1} 条记录缺少字符串字段 ${field}(specs/data/v1 system-inventory)。请先用 govex validate --schema system-inventory 校验。`,
          `--input record ${i + 1} has no string ${field} (specs/data/v1 system-inventory): check the file with govex validate --schema system-inventory first.`,
        );
    return {
      id: typeof wrapped.id === "string" ? wrapped.id.slice(0, 128) : `r-${i + 1}`,
      record: record as unknown as CensusSystemInput["record"],
      ...(typeof wrapped.submittedAt === "string" ? { submittedAt: wrapped.submittedAt } : {}),
    };
  });
  return {
    systems,
    ...(Array.isArray(inputs.catalog)
      ? { catalog: inputs.catalog as CensusInputs["catalog"] }
      : {}),
    ...(Array.isArray(inputs.usage) ? { usage: inputs.usage as CensusInputs["usage"] } : {}),
    ...(Array.isArray(inputs.registered)
      ? { registered: inputs.registered as CensusInputs["registered"] }
      : {}),
    ...(typeof inputs.auditSince === "string" ? { auditSince: inputs.auditSince } : {}),
  };
}

/** `govex census analyze`; returns the exit code. */
export async function censusCommand(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h" || sub === "help") {
    (sub === undefined ? io.stderr : io.stdout).write(HELP[lang]);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== "analyze")
    throw usage(
      `未知的 census 子命令「${printable(sub.slice(0, 64))}」。可用: govex census analyze。`,
      `unknown census command "${printable(sub.slice(0, 64))}": use govex census analyze.`,
    );
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const { values } = parseOptions("census analyze", {
    args: rest,
    strict: true,
    options: { ...NODE_OPTIONS, "idle-months": { type: "string" } },
  });
  const args = reportArgs("census analyze", values, lang);
  const idleText = values["idle-months"];
  const idleMonths = idleText === undefined ? 6 : Number(idleText);
  if (!/^\d{1,3}$/.test(idleText ?? "6") || idleMonths < 1 || idleMonths > 120)
    throw usage(
      `--idle-months 应为 1 到 120 的整数,实为「${printable(String(idleText).slice(0, 32))}」。`,
      `--idle-months must be a whole number from 1 to 120, got "${printable(String(idleText).slice(0, 32))}".`,
    );
  let analysis: CensusAnalysis;
  if (args.source.kind === "input") {
    const inputs = parseCensusInput(readOptionFile(args.source.path, "--input", MAX_INPUT));
    analysis = analyzeCensus(inputs, { now: new Date(), idleMonths });
    if (args.member !== undefined) analysis = censusAnalysisFor(analysis, args.member);
  } else {
    const member = args.member;
    analysis = await withNode(args.source, args.lang, async (client) => {
      const { data } = await client.request("get", "/census/analysis", {
        params: { query: { idleMonths, ...(member === undefined ? {} : { member }) } },
      });
      return data as unknown as CensusAnalysis;
    });
  }
  const content =
    args.format === "json"
      ? `${JSON.stringify(analysis, null, 2)}\n`
      : args.format === "md"
        ? renderCensusMarkdown(analysis, args.lang)
        : await renderCensusXlsx(analysis, args.lang);
  writeReport(args.out, content, io.stdout);
  return 0;
}
