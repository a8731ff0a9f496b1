import { builtinSpecList, GovexValidatorError, type Lang } from "@govex/validator";
import pkg from "../package.json" with { type: "json" };
import { specCommand } from "./commands/spec.js";
import { parseValidateArgs, validateCommand } from "./commands/validate.js";
import { helpText } from "./help.js";
import { type CliIo, defaultLang, printable, processIo, UsageError } from "./io.js";

/**
 * Runs the govex CLI with `argv` (without node and the script) and returns the exit code.
 * Never throws for bad input: usage errors print one line to stderr and return 2.
 *
 * @example
 * const code = await run(["validate", "people.ndjson", "--schema", "person", "--format", "json"]);
 */
export async function run(argv: string[], io: CliIo = processIo()): Promise<number> {
  const lang = langOf(argv, io.env);
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      // No command is a usage error: the help goes to stderr, stdout stays empty.
      io.stderr.write(helpText(lang));
      return 2;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout.write(helpText(lang));
      return 0;
    }
    if (command === "--version" || command === "-v") {
      io.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (command === "validate") {
      if (rest.includes("--help") || rest.includes("-h")) {
        io.stdout.write(helpText(lang));
        return 0;
      }
      return await validateCommand(parseValidateArgs(rest, lang), io);
    }
    if (command === "schemas") return listSchemas(io, lang);
    if (command === "spec") return await specCommand(rest, io, lang);
    if (command === "provide") {
      // Loaded on demand: the runtime (fastify, the adapters) must not slow other commands' start.
      const { provideCommand } = await import("./commands/provide.js");
      return await provideCommand(rest, io, lang);
    }
    if (command === "conformance") {
      // Loaded on demand: undici and the signature code stay out of every other command's start-up.
      const { conformanceCommand } = await import("./commands/conformance.js");
      return await conformanceCommand(rest, io, lang);
    }
    if (command === "start") {
      // Loaded on demand: the node (fastify, PGlite) and the demo departments.
      const { startCommand } = await import("./commands/start.js");
      return await startCommand(rest, io, lang);
    }
    if (command === "audit") {
      // Loaded on demand: the audit verifier and the exchange client stay out of other start-ups.
      const { auditCommand } = await import("./commands/audit.js");
      return await auditCommand(rest, io, lang);
    }
    if (command === "census") {
      // Loaded on demand: the analysis, exceljs and the exchange client.
      const { censusCommand } = await import("./commands/census.js");
      return await censusCommand(rest, io, lang);
    }
    if (command === "evaluate") {
      const { evaluateCommand } = await import("./commands/evaluate.js");
      return await evaluateCommand(rest, io, lang);
    }
    throw new UsageError({
      "zh-CN": `未知命令「${command}」。运行 govex --help 查看可用命令。`,
      en: `unknown command "${command}": run govex --help for the commands.`,
    });
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`govex: ${printable(err.messages[lang])}\n`);
      return 2;
    }
    if (err instanceof GovexValidatorError) {
      io.stderr.write(`govex: ${printable(err.messages[lang])}\n`);
      return 2;
    }
    // A bug, not bad input: one line, and the stack only when asked for.
    io.stderr.write(
      `govex: ${lang === "en" ? "internal error" : "内部错误"}: ${printable((err as Error)?.message ?? String(err))}\n`,
    );
    if (io.env.GOVEX_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? ""}\n`);
    return 2;
  }
}

/** The language of messages: `--lang en` / `--lang=en` wins, then the locale (see defaultLang). */
function langOf(argv: string[], env: CliIo["env"]): Lang {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    const value = arg === "--lang" ? argv[i + 1] : arg.startsWith("--lang=") ? arg.slice(7) : null;
    if (value !== null) return value === "en" ? "en" : "zh-CN";
  }
  return defaultLang(env);
}

function listSchemas(io: CliIo, lang: Lang): number {
  for (const spec of builtinSpecList()) {
    const schema = spec.schema as { title?: string; "x-title-en"?: string };
    const title = lang === "en" ? (schema["x-title-en"] ?? schema.title) : schema.title;
    io.stdout.write(`${spec.name.padEnd(28)} ${title ?? ""}\n`);
  }
  return 0;
}
