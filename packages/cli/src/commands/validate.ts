import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import {
  type FileReport,
  GovexValidatorError,
  getValidator,
  type InputEncoding,
  type InputFormat,
  type Lang,
  validateFile,
} from "@govex/validator";
import { type CliIo, printable, UsageError, useColor } from "../io.js";
import { renderJson } from "../output/json.js";
import { renderJunit } from "../output/junit.js";
import { renderText } from "../output/text.js";
import type { ValidateRun } from "../output/types.js";
import { progressBar } from "../progress.js";

const FORMATS = ["text", "json", "junit"] as const;
const ENCODINGS = ["auto", "utf8", "gbk", "gb18030"] as const;
const INPUT_FORMATS = ["auto", "ndjson", "json", "csv", "tsv", "xlsx"] as const;
const LENIENT = ["uscc"] as const;

export interface ValidateArgs {
  files: string[];
  schema: string;
  format: (typeof FORMATS)[number];
  lang: Lang;
  maxErrors: number;
  lenientUscc: boolean;
  encoding: InputEncoding;
  inputFormat: InputFormat | "auto";
  /** Worker threads for large UTF-8 NDJSON files: a count ≥ 1, or "auto" (up to 4). */
  workers: number | "auto";
  /** XLSX: one sheet by name or 1-based position; undefined = every sheet. */
  sheet?: string;
  /** Warnings (an empty input, unknown columns, lenient checks …) fail the run: exit 1. */
  strict: boolean;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError({
    "zh-CN": `--${name} 的值「${value}」无效。可选值：${allowed.join("、")}。`,
    en: `--${name} "${value}" is not valid: use one of ${allowed.join(", ")}.`,
  });
}

/** Parses `govex validate` arguments; a UsageError (exit 2) names what is wrong and how to fix it. */
export function parseValidateArgs(argv: string[], lang: Lang): ValidateArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw argumentError(err as Error & { code?: string });
  }
  const v = parsed.values;
  const chosenLang = v.lang === undefined ? lang : oneOf("lang", v.lang, ["zh-CN", "en"] as const);
  if (parsed.positionals.length === 0) {
    throw new UsageError({
      "zh-CN": "缺少要校验的文件。用法：govex validate <文件…> --schema <id|路径>。",
      en: "no file to validate. Usage: govex validate <file…> --schema <id|path>.",
    });
  }
  if (v.schema === undefined || v.schema === "") {
    throw new UsageError({
      "zh-CN":
        "缺少 --schema。请给出内置规范 id（如 person）或 JSON Schema 文件路径；govex schemas 列出内置规范。",
      en: "--schema is missing: give a built-in spec id (such as person) or a JSON Schema file; govex schemas lists the built-in ones.",
    });
  }
  let maxErrors = Number.POSITIVE_INFINITY;
  if (v["max-errors"] !== undefined) {
    maxErrors = Number(v["max-errors"]);
    if (!/^\d+$/.test(v["max-errors"]) || !Number.isSafeInteger(maxErrors)) {
      throw new UsageError({
        "zh-CN": `--max-errors 应为非负整数，实为「${v["max-errors"]}」。`,
        en: `--max-errors must be a whole number ≥ 0, got "${v["max-errors"]}".`,
      });
    }
  }
  const lenient = (v.lenient ?? []).map((x) => oneOf("lenient", x, LENIENT));
  const workers = v.workers ?? "auto";
  if (
    workers !== "auto" &&
    (!/^\d+$/.test(workers) || Number(workers) < 1 || Number(workers) > 256)
  ) {
    throw new UsageError({
      "zh-CN": `--workers 应为 auto 或 1 到 256 的整数，实为「${workers}」。1 表示不用工作线程。`,
      en: `--workers must be auto or a whole number from 1 to 256, got "${workers}"; 1 means no worker threads.`,
    });
  }
  if (v.sheet !== undefined && v.sheet.trim() === "") {
    throw new UsageError({
      "zh-CN":
        "--sheet 不能为空。请给出工作表名称或序号（从 1 起），如 --sheet 人员 或 --sheet 2。",
      en: "--sheet is empty: give a sheet name or position (from 1), such as --sheet 人员 or --sheet 2.",
    });
  }
  return {
    files: parsed.positionals,
    schema: v.schema,
    format: oneOf("format", v.format ?? "text", FORMATS),
    lang: chosenLang,
    maxErrors,
    lenientUscc: lenient.includes("uscc"),
    encoding: oneOf("encoding", v.encoding ?? "auto", ENCODINGS),
    inputFormat: oneOf("input-format", v["input-format"] ?? "auto", INPUT_FORMATS),
    workers: workers === "auto" ? "auto" : Number(workers),
    ...(v.sheet === undefined ? {} : { sheet: v.sheet }),
    strict: v.strict === true,
  };
}

/** node:util parseArgs errors, reworded in the user's language with the option they name. */
function argumentError(err: Error & { code?: string }): UsageError {
  const option = /'(?:-\w, )?(--?[^' ]+)/.exec(err.message)?.[1] ?? "";
  if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION")
    return new UsageError({
      "zh-CN": `未知选项「${option}」。运行 govex validate --help 查看可用选项。`,
      en: `unknown option "${option}": run govex validate --help for the options.`,
    });
  if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE")
    return new UsageError({
      "zh-CN": `选项 ${option} 缺少取值。请在其后给出取值，如 ${option} <值>；运行 govex validate --help 查看用法。`,
      en: `option ${option} needs a value: write ${option} <value>; run govex validate --help for usage.`,
    });
  return new UsageError({
    "zh-CN": `参数错误：${err.message}。运行 govex validate --help 查看用法。`,
    en: `bad arguments: ${err.message}. Run govex validate --help for usage.`,
  });
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      schema: { type: "string", short: "s" },
      format: { type: "string", short: "f" },
      lang: { type: "string" },
      "max-errors": { type: "string" },
      lenient: { type: "string", multiple: true },
      encoding: { type: "string" },
      "input-format": { type: "string" },
      workers: { type: "string" },
      sheet: { type: "string" },
      strict: { type: "boolean" },
    },
  });
}

/**
 * `govex validate`: validates every file, writes one report, and returns the exit code —
 * 0 all valid, 1 some records invalid or a file-level error (a duplicate header, a workbook that
 * cannot be read), or with `--strict` any warning (such as `empty_input`), 2 usage error or
 * unreadable input.
 */
export async function validateCommand(args: ValidateArgs, io: CliIo): Promise<number> {
  let validator: Awaited<ReturnType<typeof getValidator>>;
  try {
    validator = await getValidator(args.schema, { baseDir: process.cwd() });
  } catch (err) {
    if (err instanceof GovexValidatorError) throw new UsageError(err.messages);
    throw err;
  }
  const run: ValidateRun = { lang: args.lang, reports: [], failures: [], truncated: false };
  let budget = args.maxErrors;
  for (const file of args.files) {
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    const bar = progressBar(io, file, size);
    try {
      const report = await validateOne(file, validator, args, budget, bar);
      bar.done();
      budget -= report.issues.length;
      run.truncated ||= report.truncated;
      run.reports.push(report);
    } catch (err) {
      bar.done();
      if (!(err instanceof GovexValidatorError)) throw err;
      run.failures.push({ file, code: err.code, message: err.messages[args.lang] });
    }
  }
  io.stdout.write(
    args.format === "json"
      ? renderJson(run)
      : args.format === "junit"
        ? renderJunit(run)
        : renderText(run, useColor(io.stdout, io.env)),
  );
  if (run.failures.length > 0) {
    // Unreadable input is a usage problem (exit 2); say so on stderr too, whatever the format.
    for (const f of run.failures) io.stderr.write(`govex: ${printable(f.message)}\n`);
    return 2;
  }
  return failed(run, args.strict) ? 1 : 0;
}

/** Invalid records, a file-level error, or (strict) any warning. Issues cut by --max-errors still count. */
function failed(run: ValidateRun, strict: boolean): boolean {
  return run.reports.some(
    (r) =>
      r.invalid > 0 ||
      r.issues.some((i) => (i.record === 0 && i.severity === "error") || strict) ||
      (strict && r.truncated),
  );
}

function validateOne(
  file: string,
  validator: Awaited<ReturnType<typeof getValidator>>,
  args: ValidateArgs,
  budget: number,
  onProgress: (bytes: number, records?: number) => void,
): Promise<FileReport> {
  return validateFile(file, validator, {
    lang: args.lang,
    lenient: { uscc: args.lenientUscc },
    encoding: args.encoding,
    format: args.inputFormat,
    workers: args.workers,
    ...(args.sheet === undefined ? {} : { sheet: args.sheet }),
    // Lets worker threads load the same validator (a built-in id or the schema file's path).
    schema: args.schema,
    maxReportIssues: Number.isFinite(budget) ? Math.max(budget, 0) : Number.MAX_SAFE_INTEGER,
    onProgress,
  });
}
