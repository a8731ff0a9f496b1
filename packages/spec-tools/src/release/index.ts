import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import {
  CHECKS,
  type DiffOptions,
  type DiffResult,
  diffOpenApi,
  diffSchemaSets,
  formatDiff,
} from "../diff/index.js";
import { type LoadedSpec, loadSpec, loadSpecAtRevision } from "../load.js";
import {
  type BaseSource,
  type BilingualText,
  existsAt,
  type ReleaseBase,
  ReleaseBaseError,
  resolveReleaseBase,
} from "./base.js";

export * from "./base.js";

/** A semver bump. Order matters: none < patch < minor < major. */
export type Bump = "none" | "patch" | "minor" | "major";
const RANK: Record<Bump, number> = { none: 0, patch: 1, minor: 2, major: 3 };

/**
 * The bump a diff requires (docs/en/versioning.md): any ERR → major; any other change
 * that is not documentation-only → minor (new surface, widened or possibly breaking
 * WARN changes); documentation only → patch; nothing → none.
 */
export function requiredBump(result: DiffResult): Bump {
  if (result.changes.some((c) => c.level === "ERR")) return "major";
  const docsOnly = new Set(
    CHECKS.filter((c) => (c as { docsOnly?: boolean }).docsOnly).map((c) => c.id),
  );
  if (result.changes.some((c) => !docsOnly.has(c.id))) return "minor";
  return result.changes.length > 0 ? "patch" : "none";
}

function parse(version: string | undefined): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? "");
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The bump from one version to another; `undefined` when `to` is not above `from`. */
export function declaredBump(from: string | undefined, to: string | undefined): Bump | undefined {
  const a = parse(from);
  const b = parse(to);
  if (!a || !b) return undefined;
  if (b[0] !== a[0]) return b[0] > a[0] ? "major" : undefined;
  if (b[1] !== a[1]) return b[1] > a[1] ? "minor" : undefined;
  if (b[2] !== a[2]) return b[2] > a[2] ? "patch" : undefined;
  return "none";
}

/** The smallest version that carries `bump` over `version`. */
export function bumpVersion(version: string, bump: Bump): string {
  const [major, minor, patch] = parse(version) ?? [0, 0, 0];
  if (bump === "major") return `${major + 1}.0.0`;
  if (bump === "minor") return `${major}.${minor + 1}.0`;
  if (bump === "patch") return `${major}.${minor}.${patch + 1}`;
  return `${major}.${minor}.${patch}`;
}

export interface ReleasePlan {
  spec: string;
  kind: LoadedSpec["kind"];
  /** The base as asked for or found: a tag, a revision, `npm:@govex/schemas@1.2.0`. */
  base: string;
  /** How the base was chosen: given (`--base`, GOVEX_SPEC_BASE), or the default rule's step. */
  baseSource: BaseSource;
  /** The commit compared with (git bases). */
  baseCommit?: string;
  /** What the base resolution did or could not do (a fetch, a fallback), for people to read. */
  notices: BilingualText[];
  /** False when the spec did not exist at the base revision (a first release). */
  existed: boolean;
  oldVersion: string | undefined;
  newVersion: string | undefined;
  required: Bump;
  declared: Bump | undefined;
  /** The smallest version the changes allow. */
  minimumVersion: string | undefined;
  ok: boolean;
  problems: { "zh-CN": string; en: string }[];
  diff: DiffResult;
}

const EMPTY: DiffResult = { changes: [], ignored: [], counts: { ERR: 0, WARN: 0, INFO: 0 } };

/** Per-file x-version checks for a schema set: every changed file bumps its own version enough. */
function fileProblems(
  old: Record<string, Record<string, unknown>>,
  now: Record<string, Record<string, unknown>>,
  diff: DiffResult,
): ReleasePlan["problems"] {
  const problems: ReleasePlan["problems"] = [];
  const byFile = new Map<string, DiffResult>();
  for (const change of diff.changes) {
    const file = change.pointer.split("#")[0] ?? "";
    const entry = byFile.get(file) ?? {
      changes: [],
      ignored: [],
      counts: { ERR: 0, WARN: 0, INFO: 0 },
    };
    entry.changes.push(change);
    entry.counts[change.level]++;
    byFile.set(file, entry);
  }
  for (const [file, changes] of byFile) {
    if (!old[file] || !now[file]) continue; // added or removed files are judged at set level
    const required = requiredBump(changes);
    const before = old[file]["x-version"] as string | undefined;
    const after = now[file]["x-version"] as string | undefined;
    const declared = declaredBump(before, after);
    if (declared === undefined || RANK[declared] < RANK[required]) {
      problems.push({
        "zh-CN": `${file} 的变更需要 ${required} 版本升级(至少 ${bumpVersion(before ?? "0.0.0", required)}),但 x-version 为 ${after ?? "(无)"}。`,
        en: `${file} needs a ${required} bump (at least ${bumpVersion(before ?? "0.0.0", required)}) but its x-version is ${after ?? "(none)"}.`,
      });
    }
  }
  return problems;
}

/** The spec as it was at the base; undefined when it did not exist there (a first release). */
async function loadAtBase(
  base: ReleaseBase,
  path: string,
  now: LoadedSpec,
  repoRoot: string,
): Promise<LoadedSpec | undefined> {
  if (base.kind === "npm") {
    // A single schema file of the set, or the whole set.
    const name =
      now.kind === "schemas" && !statSync(path).isDirectory()
        ? Object.keys(now.files)[0]
        : undefined;
    const files = name ? (base.files[name] ? { [name]: base.files[name] } : {}) : base.files;
    if (Object.keys(files).length === 0) return undefined;
    const version = name ? (files[name]?.["x-version"] as string | undefined) : base.setVersion;
    return { kind: "schemas", path: `${base.ref}`, files, version };
  }
  const rel = relative(resolve(repoRoot), resolve(path)).split(sep).join("/");
  if (rel.startsWith("../") || rel === "..")
    throw new ReleaseBaseError("base_unreadable", {
      "zh-CN": `${path} 不在仓库 ${repoRoot} 中,无法读取它在 ${base.ref} 的版本。`,
      en: `${path} is outside the repository ${repoRoot}, so its version at ${base.ref} cannot be read.`,
    });
  if (base.commit === "" || !existsAt(repoRoot, base.commit, rel)) return undefined;
  const old = await loadSpecAtRevision(base.commit, path, repoRoot);
  if (!old)
    throw new ReleaseBaseError("base_unreadable", {
      "zh-CN": `${rel} 在比较基准 ${base.ref} 中存在,但无法读取(git archive 失败)。`,
      en: `${rel} exists at the base ${base.ref} but could not be read (git archive failed).`,
    });
  return old;
}

/**
 * Compare a spec with its version at a base and decide whether the version it declares
 * (OpenAPI `info.version`; a schema set's CHANGELOG and each file's `x-version`) is high
 * enough for its changes. The base is a git revision, `npm:<package>[@<version>]`, a
 * resolved {@link ReleaseBase}, or undefined for the default rule (the newest release tag,
 * else the last commit before the current version was declared, else HEAD~1). A base that
 * cannot be read throws {@link ReleaseBaseError}; it never passes as a first release.
 */
export async function planRelease(
  path: string,
  options: { base?: string | ReleaseBase | undefined; repoRoot: string; diff?: DiffOptions },
): Promise<ReleasePlan> {
  const now = await loadSpec(path);
  const base =
    typeof options.base === "object"
      ? options.base
      : await resolveReleaseBase(path, { repoRoot: options.repoRoot, base: options.base });
  const loaded = await loadAtBase(base, path, now, options.repoRoot);
  const notices = [...base.notices];
  // A base without a declared version is a draft: nothing was released to compare with.
  const old = loaded && (loaded.version !== undefined || base.kind === "npm") ? loaded : undefined;
  if (loaded && !old)
    notices.push({
      "zh-CN": `${base.ref} 中的规范未声明版本(草稿),按首次发布处理。`,
      en: `the spec at ${base.ref} declares no version (a draft): treated as a first release.`,
    });
  const common = {
    spec: path,
    kind: now.kind,
    base: base.kind === "npm" ? `npm:${base.name}@${base.version}` : base.ref,
    baseSource: base.source,
    ...(base.kind === "git" ? { baseCommit: base.commit } : {}),
    notices,
    newVersion: now.version,
  };
  if (!old) {
    return {
      ...common,
      existed: false,
      oldVersion: undefined,
      required: "none",
      declared: undefined,
      minimumVersion: now.version,
      ok: true,
      problems: [],
      diff: EMPTY,
    };
  }
  const diff =
    now.kind === "openapi" && old.kind === "openapi"
      ? diffOpenApi(old.document, now.document, options.diff)
      : now.kind === "schemas" && old.kind === "schemas"
        ? diffSchemaSets(old.files, now.files, options.diff)
        : EMPTY;
  const required = requiredBump(diff);
  const declared = declaredBump(old.version, now.version);
  const minimumVersion = bumpVersion(old.version ?? "0.0.0", required);
  const problems: ReleasePlan["problems"] = [];
  if (old.version === undefined) {
    // An npm base without the set's CHANGELOG: the files' x-version carry the check.
  } else if (declared === undefined) {
    problems.push({
      "zh-CN": `声明的版本 ${now.version ?? "(无)"} 低于或不可比于上一版本 ${old.version ?? "(无)"}。`,
      en: `The declared version ${now.version ?? "(none)"} is lower than, or not comparable with, ${old.version ?? "(none)"}.`,
    });
  } else if (RANK[declared] < RANK[required]) {
    problems.push({
      "zh-CN": `变更需要 ${required} 版本升级(至少 ${minimumVersion}),但声明的版本为 ${now.version}(${declared})。`,
      en: `The changes need a ${required} bump (at least ${minimumVersion}) but the declared version is ${now.version} (${declared}).`,
    });
  }
  if (now.kind === "schemas" && old.kind === "schemas")
    problems.push(...fileProblems(old.files, now.files, diff));
  return {
    ...common,
    existed: true,
    oldVersion: old.version,
    required,
    declared,
    minimumVersion,
    ok: problems.length === 0,
    problems,
    diff,
  };
}

/** Which npm packages follow which spec (their versions move with it). */
export const SPEC_PACKAGES: readonly { prefix: string; packages: string[] }[] = [
  { prefix: "specs/data/", packages: ["@govex/schemas", "@govex/validator"] },
  { prefix: "specs/exchange/", packages: ["@govex/client"] },
  { prefix: "specs/provider/", packages: ["@govex/client"] },
];

/** The nearest CHANGELOG.md at or above the spec (specs/<name>/CHANGELOG.md for specs/<name>/v1/…). */
function changelogFor(specPath: string, repoRoot: string): string {
  const full = resolve(specPath);
  const start = existsSync(full) && statSync(full).isDirectory() ? full : dirname(full);
  const top = resolve(repoRoot);
  for (let d = start; d.startsWith(top) && dirname(d) !== d; d = dirname(d)) {
    if (existsSync(join(d, "CHANGELOG.md"))) return join(d, "CHANGELOG.md");
  }
  return join(start, "CHANGELOG.md");
}

/**
 * Write a release: a CHANGELOG entry (zh-CN and English, from the diff) at the top of the
 * spec's CHANGELOG, and a changeset that bumps the packages generated from the spec.
 * Refuses a plan that is not ok.
 */
export function writeRelease(
  plan: ReleasePlan,
  options: { repoRoot: string; date?: string },
): { changelog: string; changeset?: string } {
  if (!plan.ok) throw new Error(plan.problems.map((p) => p.en).join("; "));
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const version = plan.newVersion ?? "0.0.0";
  const changelog = changelogFor(plan.spec, options.repoRoot);
  const current = existsSync(changelog) ? readFileSync(changelog, "utf8") : `# Changelog\n`;
  const section = [
    `## ${version} — ${date}`,
    "",
    formatDiff(plan.diff, "markdown", { lang: "zh-CN", title: "变更 · Changes" }).trim(),
    "",
    formatDiff(plan.diff, "markdown", { lang: "en", title: "Changes" }).trim(),
    "",
  ].join("\n");
  const at = current.search(/^## /m);
  writeFileSync(
    changelog,
    at < 0
      ? `${current.trimEnd()}\n\n${section}`
      : `${current.slice(0, at)}${section}\n${current.slice(at)}`,
  );
  const rel = relative(options.repoRoot, resolve(plan.spec)).split(sep).join("/");
  const packages = [
    ...new Set(SPEC_PACKAGES.filter((m) => rel.startsWith(m.prefix)).flatMap((m) => m.packages)),
  ];
  if (packages.length === 0 || plan.required === "none") return { changelog };
  const name =
    `spec-${rel.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "")}-${version}`.toLowerCase();
  const changeset = join(options.repoRoot, ".changeset", `${name}.md`);
  writeFileSync(
    changeset,
    `---\n${packages.map((p) => `"${p}": ${plan.required}`).join("\n")}\n---\n\n${rel} ${version}: ${plan.diff.counts.ERR} breaking, ${plan.diff.counts.WARN} possibly breaking, ${plan.diff.counts.INFO} compatible change(s); see its CHANGELOG.\n`,
  );
  return { changelog, changeset };
}
