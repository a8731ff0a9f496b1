/**
 * `govex evaluate`: the sharing evaluation (共享评价) of a running node (`getEvaluation`, signed)
 * or of an offline file of the evaluation's inputs, as JSON, Markdown or XLSX.
 */
import { type Evaluation, type EvaluationInputs, evaluateSharing } from "@govex/node";
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
import { renderEvaluationMarkdown, renderEvaluationXlsx } from "./evaluate/render.js";
import { readOptionFile } from "./key-files.js";

const HELP: Record<Lang, string> = {
  "zh-CN": `govex evaluate —— 共享评价:按部门和整个平台评价目录完整性、共享比例、申请答复及时性、数据更新、
数据质量和使用情况,每个指标给出得分和公式

用法:
  govex evaluate --node <节点地址> --key <私钥文件> --key-id <id> --node-key <节点公钥文件> [选项]
  govex evaluate --input <数据文件> [选项]

数据来源(二选一):
  --node <地址>             运行中的节点 (含 /v1);运营方看到全部部门,成员看到本单位
  --key / --key-id          本单位私钥文件及其 keyid
  --node-key <文件>         节点的响应签名公钥
  --input <文件>            离线数据 (JSON,结构见 docs/zh-CN/evaluation.md)
选项:
  --member <代码>           只评价一个部门
  --format json|md|xlsx     报告格式 (默认 json;xlsx 须给 --out)
  --out <文件>              写到文件 (默认标准输出)
  --lang zh-CN|en           报告语言

退出码: 0 已生成报告;2 用法错误、无法读取输入或节点拒绝请求。
`,
  en: `govex evaluate — sharing evaluation: per department and for the whole exchange, catalog
completeness, share ratio, share-request timeliness, data freshness, data quality and usage, each
indicator with its score and formula

Usage:
  govex evaluate --node <node-url> --key <private-key-file> --key-id <id> --node-key <file> [options]
  govex evaluate --input <data-file> [options]

Source (one of):
  --node <url>              a running node (with /v1); the operator sees every department, a member its own
  --key / --key-id          your private key file and its key id
  --node-key <file>         the node's response-signing public key
  --input <file>            offline data (JSON, see docs/en/evaluation.md)
Options:
  --member <USCC>           only one department
  --format json|md|xlsx     report format (default json; xlsx needs --out)
  --out <file>              write to a file (default stdout)
  --lang zh-CN|en           report language

Exit codes: 0 report written; 2 usage error, unreadable input, or the node refused.
`,
};

const ARRAYS = [
  "members",
  "resources",
  "shareRequests",
  "lastChanges",
  "batches",
  "calls",
] as const;

/** Offline evaluation input: a JSON object of `EvaluationInputs` (missing arrays are empty). */
export function parseEvaluationInput(text: string): EvaluationInputs {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw usage(
      `--input 不是有效的 JSON:${printable((err as Error).message)}。`,
      `--input is not valid JSON: ${printable((err as Error).message)}.`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw usage("--input 应为 JSON 对象。", "--input must be a JSON object.");
  const input = parsed as Record<string, unknown>;
  const out: Record<string, unknown[]> = {};
  for (const name of ARRAYS) {
    const value = input[name] ?? [];
    if (!Array.isArray(value))
      throw usage(`--input 的 ${name} 应为数组。`, `--input's ${name} must be an array.`);
    out[name] = value.filter((v) => v !== null && typeof v === "object");
  }
  return out as unknown as EvaluationInputs;
}

/** `govex evaluate`; returns the exit code. */
export async function evaluateCommand(argv: string[], io: CliIo, lang: Lang): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout.write(HELP[lang]);
    return 0;
  }
  const { values } = parseOptions("evaluate", { args: argv, strict: true, options: NODE_OPTIONS });
  const args = reportArgs("evaluate", values, lang);
  let evaluation: Evaluation;
  if (args.source.kind === "input") {
    const inputs = parseEvaluationInput(readOptionFile(args.source.path, "--input", MAX_INPUT));
    const now = new Date();
    evaluation = evaluateSharing(inputs, {
      now,
      today: new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
      ...(args.member === undefined ? {} : { members: [args.member] }),
    });
  } else {
    const member = args.member;
    evaluation = await withNode(args.source, args.lang, async (client) => {
      const { data } = await client.request("get", "/evaluation", {
        params: { query: member === undefined ? {} : { member } },
      });
      return data as unknown as Evaluation;
    });
  }
  const content =
    args.format === "json"
      ? `${JSON.stringify(evaluation, null, 2)}\n`
      : args.format === "md"
        ? renderEvaluationMarkdown(evaluation, args.lang)
        : await renderEvaluationXlsx(evaluation, args.lang);
  writeReport(args.out, content, io.stdout);
  return 0;
}
