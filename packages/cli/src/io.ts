import { type ParseArgsConfig, parseArgs } from "node:util";
import type { Lang } from "@govex/validator";

/** Where the CLI writes and what it knows of its environment; tests pass their own. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** `--lang`, else LC_ALL / LC_MESSAGES / LANG starting with "en" gives English; zh-CN otherwise. */
export function defaultLang(env: CliIo["env"]): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^en/i.test(locale) ? "en" : "zh-CN";
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: { isTTY?: boolean }, env: CliIo["env"]): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

// C0 and C1 control characters, DEL and the Unicode line separators: values quoted in messages
// come from the input, and must not move the cursor, recolour the terminal or break a line.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to neutralise them
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Shows control characters as visible escapes (`\u001b`), so one issue stays one line. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A usage error: exit code 2 with a one-line message in both languages' choice. */
export class UsageError extends Error {
  constructor(readonly messages: Record<Lang, string>) {
    super(messages.en);
    this.name = "UsageError";
  }
}

/** Resolves on Ctrl-C (SIGINT), SIGTERM, or when `signal` aborts: long-running commands stop on it. */
export function waitForStop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    if (signal) {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", stop, { once: true });
    }
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

/**
 * `parseArgs` with its errors as a usage error (exit 2) that names the command's help: an
 * unknown option by its name, anything else with parseArgs's own words.
 */
export function parseOptions<T extends ParseArgsConfig>(
  command: string,
  config: T,
): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = printable((error as Error).message);
    if ((error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const option = printable(/'(?:-\w, )?(--?[^' ]+)/.exec(message)?.[1] ?? "");
      throw new UsageError({
        "zh-CN": `未知选项「${option}」。运行 govex ${command} --help 查看可用选项。`,
        en: `unknown option "${option}": run govex ${command} --help for the options.`,
      });
    }
    throw new UsageError({
      "zh-CN": `参数错误:${message}。运行 govex ${command} --help 查看用法。`,
      en: `bad arguments: ${message}. Run govex ${command} --help for usage.`,
    });
  }
}

/** A `--port` value: 0–65535 (0 for any free port), else a usage error. */
export function portOption(value: string | undefined, fallback: number): number;
export function portOption(value: string | undefined): number | undefined;
export function portOption(value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535)
    throw new UsageError({
      "zh-CN": `端口无效:${printable(value.slice(0, 64))}`,
      en: `invalid port ${printable(value.slice(0, 64))}`,
    });
  return port;
}
