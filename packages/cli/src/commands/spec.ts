import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Lang } from "@govex/validator";
import { type CliIo, UsageError } from "../io.js";

const SPEC_HELP: Record<Lang, string> = {
  "zh-CN": `govex spec —— 标准的治理:检查、比较、发布、生成文档

用法:
  govex spec lint <规范…> [--format text|json|sarif]
  govex spec diff <旧> <新> [--format text|json|markdown|junit] [--fail-on ERR|WARN|none]
                            [--ignore <文件>] [--severity <检查>=ERR|WARN|INFO|off]…
  govex spec release <规范…> [--base <git 版本>|npm:<包>[@<版本>]] [--check | --write]
  govex spec docs <规范> [--format markdown|md|html] [--out <文件>] [--langs zh-CN,en]

<规范> 为 JSON Schema 目录或文件(如 specs/data/v1),或 OpenAPI 3.1 文件;diff 的 <旧>/<新> 还可写作
<git 版本>:<路径>(如 HEAD~1:specs/exchange/v1/openapi.yaml)。release 的比较基准:--base 或环境变量
GOVEX_SPEC_BASE(分支、标签、提交,或 npm:@govex/schemas[@版本] 即已发布的版本);未给出时,取该规范
最新的发布标签 specs/<名称>@x.y.z,否则取声明当前版本之前的最后一次提交,否则 HEAD~1(并提示)。
浅克隆会按需加深;基准无法读取时报错退出(2),绝不当作首次发布放行。

退出码: 0 通过;1 lint 有错误、diff 有达到 --fail-on 的变更、release 版本号不够;2 用法错误或无法读取。
`,
  en: `govex spec — governance of standards: lint, diff, release, docs

Usage:
  govex spec lint <spec…> [--format text|json|sarif]
  govex spec diff <old> <new> [--format text|json|markdown|junit] [--fail-on ERR|WARN|none]
                              [--ignore <file>] [--severity <check>=ERR|WARN|INFO|off]…
  govex spec release <spec…> [--base <git rev>|npm:<package>[@<version>]] [--check | --write]
  govex spec docs <spec> [--format markdown|md|html] [--out <file>] [--langs zh-CN,en]

<spec> is a JSON Schema directory or file (e.g. specs/data/v1) or an OpenAPI 3.1 file; diff's
<old>/<new> may also be <git rev>:<path> (e.g. HEAD~1:specs/exchange/v1/openapi.yaml). release
compares with --base or GOVEX_SPEC_BASE (a branch, a tag, a commit, or npm:@govex/schemas[@version],
a published version); without one, with the spec's newest release tag specs/<name>@x.y.z, else the
last commit before the current version was declared, else HEAD~1 (with a notice). A shallow clone
is deepened as needed; a base that cannot be read is an error (exit 2), never a first release.

Exit codes: 0 ok; 1 lint errors, diff changes at --fail-on or above, or a release version too low;
2 usage error or unreadable input.
`,
};

interface Parsed {
  positional: string[];
  flags: Map<string, string[]>;
}

const VALUE_FLAGS = new Set([
  "--format",
  "--fail-on",
  "--ignore",
  "--severity",
  "--base",
  "--out",
  "--langs",
  "--lang",
]);
const BOOLEAN_FLAGS = new Set(["--check", "--write"]);

function parse(args: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_FLAGS.has(name)) {
      const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : args[++i];
      if (value === undefined)
        throw new UsageError({ "zh-CN": `${name} 需要一个值。`, en: `${name} needs a value.` });
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else if (BOOLEAN_FLAGS.has(arg)) flags.set(arg, ["true"]);
    else if (arg.startsWith("--")) {
      throw new UsageError({
        "zh-CN": `未知选项 ${arg}。运行 govex spec --help 查看用法。`,
        en: `unknown option ${arg}: run govex spec --help.`,
      });
    } else positional.push(arg);
  }
  return { positional, flags };
}

function one<T extends string>(p: Parsed, flag: string, allowed: readonly T[], fallback: T): T {
  const value = p.flags.get(flag)?.at(-1) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError({
      "zh-CN": `${flag} 只能是 ${allowed.join("、")}。`,
      en: `${flag} must be one of ${allowed.join(", ")}.`,
    });
  }
  return value as T;
}

/** The repository a path is in (the working directory's when no path is given). */
function repoRoot(path?: string): string {
  let dir = process.cwd();
  if (path !== undefined) {
    const full = resolve(path);
    dir = existsSync(full) && statSync(full).isDirectory() ? full : dirname(full);
    if (!existsSync(dir)) dir = process.cwd();
  }
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return process.cwd();
  }
}

/** `govex spec …`: lint, diff, release and docs for specs (@govex/spec-tools, loaded on demand). */
export async function specCommand(args: string[], io: CliIo, lang: Lang): Promise<number> {
  const [sub, ...rest] = args;
  if (
    sub === undefined ||
    sub === "--help" ||
    sub === "-h" ||
    rest.includes("--help") ||
    rest.includes("-h")
  ) {
    (sub === undefined ? io.stderr : io.stdout).write(SPEC_HELP[lang]);
    return sub === undefined ? 2 : 0;
  }
  const p = parse(rest); // --lang (the message language) was read by run()
  const tools = await import("@govex/spec-tools");
  const loadError = (error: unknown): never => {
    if (error instanceof tools.SpecLoadError)
      throw new UsageError({
        "zh-CN": `无法读取规范:${error.message}`,
        en: `cannot read the spec: ${error.message}`,
      });
    throw error;
  };

  if (sub === "lint") {
    if (p.positional.length === 0)
      throw new UsageError({ "zh-CN": "请给出要检查的规范。", en: "give the specs to lint." });
    const format = one(p, "--format", ["text", "json", "sarif"] as const, "text");
    let errors = 0;
    const results = [];
    for (const path of p.positional) {
      const result = await tools.lintSpec(path).catch(loadError);
      errors += result.errors;
      results.push(result);
    }
    const merged = {
      problems: results.flatMap((r) => r.problems),
      errors,
      warnings: results.reduce((n, r) => n + r.warnings, 0),
    };
    io.stdout.write(tools.formatLint(merged, format, { lang }));
    return errors > 0 ? 1 : 0;
  }

  if (sub === "diff") {
    if (p.positional.length !== 2)
      throw new UsageError({
        "zh-CN": "diff 需要旧、新两个规范。",
        en: "diff needs an old and a new spec.",
      });
    const format = one(p, "--format", ["text", "json", "markdown", "junit"] as const, "text");
    const failOn = one(p, "--fail-on", ["ERR", "WARN", "none"] as const, "ERR");
    const severity: Record<string, "ERR" | "WARN" | "INFO" | "off"> = {};
    for (const entry of p.flags.get("--severity") ?? []) {
      const [id, level] = entry.split("=");
      if (!id || !level || !["ERR", "WARN", "INFO", "off"].includes(level)) {
        throw new UsageError({
          "zh-CN": `--severity 应写作 <检查>=ERR|WARN|INFO|off:${entry}`,
          en: `--severity takes <check>=ERR|WARN|INFO|off: ${entry}`,
        });
      }
      severity[id] = level as "ERR" | "WARN" | "INFO" | "off";
    }
    const ignoreFile = p.flags.get("--ignore")?.at(-1);
    let ignore: ReturnType<typeof tools.parseIgnoreFile> = [];
    if (ignoreFile) {
      try {
        ignore = tools.parseIgnoreFile(readFileSync(ignoreFile, "utf8"));
      } catch (error) {
        throw new UsageError({
          "zh-CN": `忽略文件 ${ignoreFile} 有误:${(error as Error).message}`,
          en: `ignore file ${ignoreFile}: ${(error as Error).message}`,
        });
      }
    }
    const root = repoRoot();
    const load = async (ref: string) => {
      const m = /^([^:]+):(.+)$/.exec(ref);
      if (m && !/^[A-Za-z]$/.test(m[1] as string)) {
        const spec = await tools
          .loadSpecAtRevision(m[1] as string, m[2] as string, root)
          .catch(loadError);
        if (!spec)
          throw new UsageError({
            "zh-CN": `${ref} 在该版本中不存在。`,
            en: `${ref} does not exist at that revision.`,
          });
        return spec;
      }
      return tools.loadSpec(ref).catch(loadError);
    };
    const [before, after] = [
      await load(p.positional[0] as string),
      await load(p.positional[1] as string),
    ];
    const options = { severity, ignore };
    let result: ReturnType<typeof tools.diffOpenApi>;
    if (before.kind === "openapi" && after.kind === "openapi")
      result = tools.diffOpenApi(before.document, after.document, options);
    else if (before.kind === "schemas" && after.kind === "schemas")
      result = tools.diffSchemaSets(before.files, after.files, options);
    else
      throw new UsageError({
        "zh-CN": "两个规范的类型不同(OpenAPI 与 JSON Schema)。",
        en: "the two specs are of different kinds (OpenAPI and JSON Schema).",
      });
    io.stdout.write(tools.formatDiff(result, format, { lang }));
    if (failOn === "none") return 0;
    return result.counts.ERR > 0 || (failOn === "WARN" && result.counts.WARN > 0) ? 1 : 0;
  }

  if (sub === "release") {
    if (p.positional.length === 0)
      throw new UsageError({ "zh-CN": "请给出要发布的规范。", en: "give the specs to release." });
    // GOVEX_SPEC_BASE is the same thing as --base; the option wins when both are given.
    const given = p.flags.get("--base")?.at(-1) ?? (io.env.GOVEX_SPEC_BASE || undefined);
    const write = p.flags.has("--write");
    let failed = 0;
    for (const path of p.positional) {
      const root = repoRoot(path);
      const plan = await tools.planRelease(path, { base: given, repoRoot: root }).catch((error) => {
        // A base that cannot be read ends the check (exit 2) in both languages: never a pass.
        if (error instanceof tools.ReleaseBaseError)
          throw new UsageError({
            "zh-CN": `${path}:${error.messages["zh-CN"]} / ${error.messages.en}`,
            en: `${path}: ${error.messages.en} / ${error.messages["zh-CN"]}`,
          });
        return loadError(error);
      });
      const head = `${path}: ${plan.oldVersion ?? (lang === "en" ? "(new)" : "(新增)")} → ${plan.newVersion ?? "?"}`;
      const needs = lang === "en" ? `changes need ${plan.required}` : `变更需要 ${plan.required}`;
      const against = lang === "en" ? `against ${plan.base}` : `基准 ${plan.base}`;
      io.stdout.write(
        `${plan.ok ? "✓" : "✗"} ${head}  (${against}; ${needs}; ERR ${plan.diff.counts.ERR}, WARN ${plan.diff.counts.WARN}, INFO ${plan.diff.counts.INFO})\n`,
      );
      for (const notice of plan.notices) io.stdout.write(`    ℹ ${notice[lang]}\n`);
      for (const problem of plan.problems) io.stdout.write(`    ${problem[lang]}\n`);
      if (!plan.ok) failed++;
      else if (write && plan.existed && plan.required !== "none") {
        const written = tools.writeRelease(plan, { repoRoot: root });
        io.stdout.write(
          `    ${lang === "en" ? "wrote" : "已写入"} ${written.changelog}${written.changeset ? `, ${written.changeset}` : ""}\n`,
        );
        // The release tag is the next check's default base (docs/decisions/0006).
        io.stdout.write(
          `    ${lang === "en" ? "once released, tag it" : "发布后打标签"}: git tag ${tools.releaseTagPrefix(root, path)}${plan.newVersion}\n`,
        );
      }
    }
    return failed > 0 ? 1 : 0;
  }

  if (sub === "docs") {
    if (p.positional.length !== 1)
      throw new UsageError({ "zh-CN": "docs 需要一个规范。", en: "docs takes one spec." });
    const format = one(p, "--format", ["markdown", "md", "html"] as const, "markdown");
    const langs = (p.flags.get("--langs")?.at(-1) ?? "zh-CN,en")
      .split(",")
      .filter((l): l is "zh-CN" | "en" => l === "zh-CN" || l === "en");
    const spec = await tools.loadSpec(p.positional[0] as string).catch(loadError);
    const text = tools.renderSpecDocs(
      spec,
      format === "html" ? "html" : "markdown",
      langs.length > 0 ? langs : ["zh-CN", "en"],
    );
    const out = p.flags.get("--out")?.at(-1);
    if (out) writeFileSync(out, text);
    else io.stdout.write(text);
    return 0;
  }

  throw new UsageError({
    "zh-CN": `未知的 spec 子命令「${sub}」。运行 govex spec --help 查看用法。`,
    en: `unknown spec command "${sub}": run govex spec --help.`,
  });
}
