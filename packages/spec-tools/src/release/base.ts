import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { runInNewContext } from "node:vm";
import { parse } from "yaml";
import { type LoadedSpec, loadSpec } from "../load.js";

/** A message in both languages. */
export interface BilingualText {
  "zh-CN": string;
  en: string;
}

/** Why a base could not be used; every code ends `govex spec release` with exit 2. */
export type ReleaseBaseErrorCode =
  | "base_invalid"
  | "base_not_found"
  | "base_unreadable"
  | "not_a_repository"
  | "npm_not_published"
  | "npm_unavailable"
  | "base_not_in_package";

/** The base of a release check could not be read: never a silent pass. */
export class ReleaseBaseError extends Error {
  override name = "ReleaseBaseError";
  constructor(
    readonly code: ReleaseBaseErrorCode,
    readonly messages: BilingualText,
    options?: { cause?: unknown },
  ) {
    super(messages.en, options);
  }
}

/** Where a base came from: given (option or GOVEX_SPEC_BASE), or found by the default rule. */
export type BaseSource = "given" | "tag" | "previous-version" | "parent";

/** A base to compare a spec with: a git commit, or a version published on npm. */
export type ReleaseBase =
  | {
      kind: "git";
      /** What was asked for or found (a tag, `HEAD~1`, a commit). */
      ref: string;
      /** Empty when the base is "before the first commit" (the spec's first release). */
      commit: string;
      source: BaseSource;
      notices: BilingualText[];
    }
  | {
      kind: "npm";
      ref: string;
      name: string;
      version: string;
      /** The spec files the package carries, keyed like a schema set (`person.schema.json`). */
      files: Record<string, Record<string, unknown>>;
      /** The set's version, when the package carries the spec's CHANGELOG. */
      setVersion: string | undefined;
      source: "given";
      notices: BilingualText[];
    };

/** Which published npm packages carry which spec, and where in the package. */
export const NPM_SPEC_PACKAGES: readonly { name: string; spec: string }[] = [
  { name: "@govex/schemas", spec: "specs/data/v1" },
];

const MAX_SCAN = 500;

function git(repoRoot: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", ["-C", repoRoot, ...args], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

const relPath = (repoRoot: string, path: string) =>
  relative(resolve(repoRoot), resolve(path)).split(sep).join("/");

/** A revision as typed by a person: no option-looking or control-character input reaches git. */
function checkRef(ref: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (ref === "" || ref.startsWith("-") || /[\u0000-\u001f\u007f\s]/.test(ref) || ref.length > 256)
    throw new ReleaseBaseError("base_invalid", {
      "zh-CN": `比较基准「${JSON.stringify(ref).slice(1, -1)}」不是有效的 git 版本(应为分支、标签或提交,如 origin/main、specs/exchange@1.1.0、HEAD~1)。`,
      en: `the base "${JSON.stringify(ref).slice(1, -1)}" is not a git revision (give a branch, a tag or a commit, e.g. origin/main, specs/exchange@1.1.0, HEAD~1).`,
    });
}

function verify(repoRoot: string, ref: string): string | undefined {
  const r = git(repoRoot, [
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${ref}^{commit}`,
  ]);
  if (!r.ok || !/^[0-9a-f]{40,64}$/.test(r.out)) return undefined;
  // A shallow clone knows the names of commits it does not hold: the tree must be there.
  return git(repoRoot, ["cat-file", "-e", `${r.out}^{tree}`]).ok ? r.out : undefined;
}

function isShallow(repoRoot: string): boolean {
  return git(repoRoot, ["rev-parse", "--is-shallow-repository"]).out === "true";
}

/** Fetch more history of a shallow clone: a little, more, then all of it (with tags). */
function deepen(
  repoRoot: string,
  until: () => boolean,
  notices: BilingualText[],
  steps: readonly string[][] = [
    ["fetch", "--quiet", "--deepen=50"],
    ["fetch", "--quiet", "--deepen=500"],
    ["fetch", "--quiet", "--unshallow", "--tags"],
  ],
): boolean {
  for (const args of steps) {
    if (!isShallow(repoRoot)) break;
    const r = git(repoRoot, args);
    const shown = args.filter((a) => a !== "--quiet").join(" ");
    notices.push({
      "zh-CN": `浅克隆:已执行 git ${shown}${r.ok ? "" : `(失败:${r.err.split("\n")[0]})`}`,
      en: `shallow clone: ran git ${shown}${r.ok ? "" : ` (failed: ${r.err.split("\n")[0]})`}`,
    });
    if (until()) return true;
  }
  return until();
}

/**
 * Make `ref` a commit this clone holds: fetch more history of a shallow clone, a branch of a
 * remote (`origin/main`) or the tags when it is missing. Throws `base_not_found` otherwise.
 */
export function ensureCommit(repoRoot: string, ref: string, notices: BilingualText[]): string {
  checkRef(ref);
  if (!git(repoRoot, ["rev-parse", "--git-dir"]).ok)
    throw new ReleaseBaseError("not_a_repository", {
      "zh-CN": `${repoRoot} 不是 git 仓库,无法读取比较基准 ${ref}。`,
      en: `${repoRoot} is not a git repository, so the base ${ref} cannot be read.`,
    });
  let commit = verify(repoRoot, ref);
  if (commit) return commit;
  if (isShallow(repoRoot)) deepen(repoRoot, () => verify(repoRoot, ref) !== undefined, notices);
  commit = verify(repoRoot, ref);
  if (!commit) {
    const remotes = git(repoRoot, ["remote"]).out.split("\n").filter(Boolean);
    const slash = ref.indexOf("/");
    const remote = slash > 0 ? ref.slice(0, slash) : "";
    if (remotes.includes(remote)) {
      const branch = ref.slice(slash + 1);
      git(repoRoot, ["fetch", "--quiet", remote, `+refs/heads/${branch}:refs/remotes/${ref}`]);
    }
    if (remotes.length > 0 && !verify(repoRoot, ref)) git(repoRoot, ["fetch", "--quiet", "--tags"]);
    commit = verify(repoRoot, ref);
  }
  if (commit) return commit;
  throw new ReleaseBaseError("base_not_found", {
    "zh-CN": `找不到比较基准 ${ref}:本仓库${isShallow(repoRoot) ? "(浅克隆,加深后仍)" : ""}没有这个分支、标签或提交。请先 git fetch,或用 --base 指定存在的版本。`,
    en: `the base ${ref} was not found: this repository${isShallow(repoRoot) ? " (a shallow clone, even after deepening)" : ""} has no such branch, tag or commit. Run git fetch first, or give an existing revision with --base.`,
  });
}

/** Whether `path` (repository-relative) exists in `commit`. */
export function existsAt(repoRoot: string, commit: string, rel: string): boolean {
  return git(repoRoot, ["cat-file", "-e", `${commit}:${rel}`]).ok;
}

/** The file that carries a spec's version: the OpenAPI file, a schema's own file, or a set's CHANGELOG. */
function versionFile(spec: LoadedSpec, path: string): string | undefined {
  if (spec.kind === "openapi") return resolve(path);
  const full = resolve(path);
  if (existsSync(full) && !statSync(full).isDirectory()) return full;
  for (let d = full; ; d = dirname(d)) {
    if (existsSync(join(d, "CHANGELOG.md"))) return join(d, "CHANGELOG.md");
    if (dirname(d) === d) return undefined;
  }
}

function versionIn(text: string, file: string): string | undefined {
  if (file.endsWith("CHANGELOG.md")) return /^## (\d+\.\d+\.\d+)/m.exec(text)?.[1];
  try {
    const doc = (file.endsWith(".json") ? JSON.parse(text) : parse(text)) as Record<
      string,
      unknown
    >;
    const v = file.endsWith(".schema.json")
      ? doc["x-version"]
      : (doc.info as { version?: unknown } | undefined)?.version;
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The release tags of a spec: `specs/<name>@<version>` for a spec under specs/<name>/. */
export function releaseTagPrefix(repoRoot: string, path: string): string {
  const rel = relPath(repoRoot, path).split("/");
  return rel[0] === "specs" && rel.length > 1 ? `specs/${rel[1]}@` : `${rel[0]}@`;
}

/** The newest release tag of the spec reachable from HEAD, by version. */
function newestTag(repoRoot: string, prefix: string): string | undefined {
  const r = git(repoRoot, [
    "tag",
    "--list",
    "--merged",
    "HEAD",
    "--sort=-v:refname",
    `${prefix}[0-9]*`,
  ]);
  return r.out
    .split("\n")
    .find((t) => t.startsWith(prefix) && /^\d+\.\d+\.\d+$/.test(t.slice(prefix.length)));
}

/**
 * The default base of a spec (docs/decisions/0006-spec-release-base.md): its newest release
 * tag (`specs/<name>@x.y.z`) reachable from HEAD; else the last commit before the spec
 * declared its current version (so every commit since the previous version is checked,
 * whether or not it is the last one); else HEAD~1, with a notice.
 */
async function defaultBase(repoRoot: string, path: string): Promise<ReleaseBase> {
  const notices: BilingualText[] = [];
  const gitBase = (ref: string, commit: string, source: BaseSource): ReleaseBase => ({
    kind: "git",
    ref,
    commit,
    source,
    notices,
  });
  if (!git(repoRoot, ["rev-parse", "--git-dir"]).ok)
    throw new ReleaseBaseError("not_a_repository", {
      "zh-CN": `${repoRoot} 不是 git 仓库:请用 --base npm:<包> 与已发布的版本比较。`,
      en: `${repoRoot} is not a git repository: compare with a published version with --base npm:<package>.`,
    });
  if (isShallow(repoRoot)) {
    // The default looks back through tags and history: a shallow clone fetches it first.
    deepen(repoRoot, () => false, notices, [["fetch", "--quiet", "--unshallow", "--tags"]]);
  }
  const prefix = releaseTagPrefix(repoRoot, path);
  const tag = newestTag(repoRoot, prefix);
  if (tag) return gitBase(tag, ensureCommit(repoRoot, tag, notices), "tag");

  const now = await loadSpec(path);
  const file = versionFile(now, path);
  const rel = file ? relPath(repoRoot, file) : undefined;
  if (now.version && rel) {
    const log = git(repoRoot, ["log", `--max-count=${MAX_SCAN}`, "--format=%H", "HEAD", "--", rel]);
    const commits = log.ok ? log.out.split("\n").filter(Boolean) : [];
    // Walk back while the version is the current one; the oldest such commit declared it.
    let introduced: string | undefined;
    let differs = false;
    for (const c of commits) {
      const shown = git(repoRoot, ["show", `${c}:${rel}`]);
      if (shown.ok && versionIn(shown.out, rel) === now.version) introduced = c;
      else {
        differs = true;
        break;
      }
    }
    if (commits.length > 0 && (differs || commits.length < MAX_SCAN)) {
      if (!introduced) {
        // The working tree declares a version HEAD does not: compare with HEAD.
        return gitBase("HEAD", ensureCommit(repoRoot, "HEAD", notices), "previous-version");
      }
      const parent = verify(repoRoot, `${introduced}^`);
      if (parent) return gitBase(`${introduced.slice(0, 12)}^`, parent, "previous-version");
      // The root commit declared it: nothing came before, a first release.
      return gitBase(`${introduced.slice(0, 12)}^`, "", "previous-version");
    }
  }
  notices.push({
    "zh-CN": `未找到 ${prefix}x.y.z 发布标签,也无法从历史中找到上一版本(规范未声明版本或未提交):改与 HEAD~1 比较,只检查最近一次提交。`,
    en: `no ${prefix}x.y.z release tag, and no previous version found in the history (the spec declares no version or is not committed): comparing with HEAD~1, which checks the last commit only.`,
  });
  return gitBase("HEAD~1", ensureCommit(repoRoot, "HEAD~1", notices), "parent");
}

/** Parse `npm:<name>[@<version>]`. */
function parseNpmRef(ref: string): { name: string; version: string } {
  const m =
    /^npm:((?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*)(?:@([0-9A-Za-z][0-9A-Za-z.+-]*))?$/.exec(
      ref,
    );
  if (!m)
    throw new ReleaseBaseError("base_invalid", {
      "zh-CN": `比较基准「${JSON.stringify(ref).slice(1, -1)}」应写作 npm:<包名>[@<版本>],如 npm:@govex/schemas 或 npm:@govex/schemas@1.2.0。`,
      en: `the base "${JSON.stringify(ref).slice(1, -1)}" should read npm:<package>[@<version>], e.g. npm:@govex/schemas or npm:@govex/schemas@1.2.0.`,
    });
  return { name: m[1] as string, version: m[2] ?? "latest" };
}

function schemaFiles(dir: string, base = dir, out: Record<string, Record<string, unknown>> = {}) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) schemaFiles(full, base, out);
    else if (entry.name.endsWith(".schema.json"))
      out[relative(base, full).split(sep).join("/")] = JSON.parse(readFileSync(full, "utf8"));
  }
  return out;
}

/**
 * The data specs a published @govex/schemas carries: its `./specs` entry (dist/specs.cjs,
 * `dataSpecs` keyed by name without `.schema.json`). The module is data; it runs in an
 * empty context (no require, no process) with a time limit.
 */
function specsFromPackage(dir: string): Record<string, Record<string, unknown>> {
  const raw = join(dir, "specs", "data", "v1");
  if (existsSync(raw)) return schemaFiles(raw);
  const cjs = join(dir, "dist", "specs.cjs");
  if (!existsSync(cjs))
    throw new Error("the package has neither specs/data/v1 nor dist/specs.cjs (its ./specs entry)");
  const module = { exports: {} as Record<string, unknown> };
  runInNewContext(
    readFileSync(cjs, "utf8"),
    { module, exports: module.exports },
    {
      timeout: 5000,
      filename: "specs.cjs",
    },
  );
  const specs = module.exports.dataSpecs;
  if (typeof specs !== "object" || specs === null)
    throw new Error("dist/specs.cjs has no dataSpecs");
  const out: Record<string, Record<string, unknown>> = {};
  // A JSON round trip leaves plain data of this realm (no getters, no foreign prototypes).
  for (const [name, schema] of Object.entries(JSON.parse(JSON.stringify(specs)))) {
    if (typeof schema === "object" && schema !== null && !Array.isArray(schema))
      out[`${name}.schema.json`] = schema as Record<string, unknown>;
  }
  return out;
}

/**
 * Read a published version of a package that carries a spec, through the npm client (so
 * the user's registry and mirror settings apply): `npm pack <name>@<version>`.
 */
/** Run npm without blocking the event loop (a registry may be served by this very process). */
function npm(
  args: string[],
  cwd: string,
): Promise<{ status: number | null; stdout: string; stderr: string; error?: Error }> {
  return new Promise((done) => {
    execFile(
      "npm",
      args,
      { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        done({
          status: error ? (typeof code === "number" ? code : null) : 0,
          stdout: stdout ?? "",
          stderr: stderr ?? "",
          ...(error && typeof code !== "number" ? { error } : {}),
        });
      },
    );
  });
}

async function npmBase(repoRoot: string, path: string, ref: string): Promise<ReleaseBase> {
  const { name, version } = parseNpmRef(ref);
  const carried = NPM_SPEC_PACKAGES.find((p) => p.name === name);
  const rel = relPath(repoRoot, path);
  if (!carried || !(rel === carried.spec || rel.startsWith(`${carried.spec}/`)))
    throw new ReleaseBaseError("base_not_in_package", {
      "zh-CN": `${name} 不包含规范 ${rel}:npm 比较基准只适用于 ${NPM_SPEC_PACKAGES.map((p) => `${p.name}(${p.spec})`).join("、")}。其他规范请用 git 版本作基准。`,
      en: `${name} does not carry the spec ${rel}: an npm base works for ${NPM_SPEC_PACKAGES.map((p) => `${p.name} (${p.spec})`).join(", ")} only. Use a git revision as the base of other specs.`,
    });
  const dir = mkdtempSync(join(tmpdir(), "govex-npm-base-"));
  try {
    const packed = await npm(
      ["pack", `${name}@${version}`, "--json", "--ignore-scripts", "--pack-destination", dir],
      repoRoot,
    );
    const text = `${packed.stdout ?? ""}\n${packed.stderr ?? ""}`;
    if (packed.status !== 0 || packed.error) {
      const code =
        /"code":\s*"(E[A-Z0-9]+)"/.exec(text)?.[1] ?? /npm error code (\S+)/.exec(text)?.[1];
      if (code === "E404" || code === "ETARGET")
        throw new ReleaseBaseError("npm_not_published", {
          "zh-CN": `${name}${version === "latest" ? "" : `@${version}`} 尚未在 npm 注册表上发布(${code}),无法与已发布版本比较。首次发布前请用 git 版本作基准(如 --base origin/main)。`,
          en: `${name}${version === "latest" ? "" : `@${version}`} is not published on the npm registry (${code}), so there is no published version to compare with. Until the first publish, use a git revision as the base (e.g. --base origin/main).`,
        });
      throw new ReleaseBaseError("npm_unavailable", {
        "zh-CN": `无法从 npm 注册表取得 ${name}@${version}(${code ?? packed.error?.message ?? `退出码 ${packed.status}`}):请检查网络与 npm 注册表设置(npm config get registry)。`,
        en: `could not fetch ${name}@${version} from the npm registry (${code ?? packed.error?.message ?? `exit ${packed.status}`}): check the network and the registry setting (npm config get registry).`,
      });
    }
    const tarball = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    if (!tarball) throw new Error("npm pack wrote no tarball");
    execFileSync("tar", ["-xzf", join(dir, tarball), "-C", dir], { stdio: "ignore" });
    const pkgDir = join(dir, "package");
    const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
      version?: string;
    };
    const files = specsFromPackage(pkgDir);
    const changelog = join(pkgDir, "specs", "data", "CHANGELOG.md");
    const setVersion = existsSync(changelog)
      ? /^## (\d+\.\d+\.\d+)/m.exec(readFileSync(changelog, "utf8"))?.[1]
      : undefined;
    const notices: BilingualText[] = [];
    if (!setVersion)
      notices.push({
        "zh-CN": `${name}@${manifest.version} 未附带规范的 CHANGELOG,只检查各文件的 x-version。`,
        en: `${name}@${manifest.version} does not carry the spec's CHANGELOG: only each file's x-version is checked.`,
      });
    return {
      kind: "npm",
      ref,
      name,
      version: manifest.version ?? version,
      files,
      setVersion,
      source: "given",
      notices,
    };
  } catch (error) {
    if (error instanceof ReleaseBaseError) throw error;
    throw new ReleaseBaseError(
      "base_unreadable",
      {
        "zh-CN": `无法读取已发布的 ${name}@${version} 中的规范:${(error as Error).message}`,
        en: `cannot read the spec in the published ${name}@${version}: ${(error as Error).message}`,
      },
      { cause: error },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The base a spec's release is checked against: `base` as given (`--base` or
 * GOVEX_SPEC_BASE: a branch, a tag, a commit, or `npm:<package>[@<version>]`), or the
 * default rule when it is undefined. Fetches history a shallow clone lacks; throws
 * {@link ReleaseBaseError} rather than compare with nothing.
 */
export async function resolveReleaseBase(
  path: string,
  options: { repoRoot: string; base?: string | undefined },
): Promise<ReleaseBase> {
  const { repoRoot, base } = options;
  if (base === undefined || base === "") return defaultBase(repoRoot, path);
  if (base.startsWith("npm:")) return npmBase(repoRoot, path, base);
  const notices: BilingualText[] = [];
  const commit = ensureCommit(repoRoot, base, notices);
  return { kind: "git", ref: base, commit, source: "given", notices };
}
