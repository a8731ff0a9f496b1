/**
 * The base of `spec release --check`: given revisions, the default rule (release tags, the
 * previous version) and shallow clones, in real git repositories in temporary directories.
 * Published npm versions: release-npm-base.test.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planRelease, ReleaseBaseError } from "../src/index.js";

const temp = mkdtempSync(join(tmpdir(), "govex-release-base-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function run(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-C", cwd, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();
}

function newRepo(name: string): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, "specs/exchange/v1"), { recursive: true });
  run(dir, "init", "-q", "-b", "main");
  run(dir, "config", "user.email", "ci@govex.dev");
  run(dir, "config", "user.name", "govex ci");
  return dir;
}

/** An OpenAPI spec: `ops` operations, optionally a new required request field (a breaking change). */
function api(version: string, ops = 1, breaking = false): string {
  const paths = Array.from(
    { length: ops },
    (_, i) => `  /things${i}:
    post:
      operationId: create${i}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name${breaking ? ", code" : ""}]
              properties:
                name: { type: string }
                code: { type: string }
      responses:
        "201": { description: created }
`,
  ).join("");
  return `openapi: 3.1.0\ninfo: { title: 示例, version: ${version} }\npaths:\n${paths}`;
}

function commitSpec(repo: string, text: string, message: string): string {
  writeFileSync(join(repo, "specs/exchange/v1/openapi.yaml"), text);
  run(repo, "add", "-A");
  run(repo, "commit", "-q", "--allow-empty", "-m", message);
  return run(repo, "rev-parse", "HEAD");
}

function commitOther(repo: string, message: string): string {
  writeFileSync(join(repo, "README.md"), message);
  run(repo, "add", "-A");
  run(repo, "commit", "-q", "-m", message);
  return run(repo, "rev-parse", "HEAD");
}

const specOf = (repo: string) => join(repo, "specs/exchange/v1/openapi.yaml");

async function refusal(promise: Promise<unknown>): Promise<ReleaseBaseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReleaseBaseError);
  const e = error as ReleaseBaseError;
  expect(e.messages["zh-CN"]).toMatch(/[\u4e00-\u9fff]/);
  expect(e.messages.en).toMatch(/[a-z]/);
  return e;
}

// History: 1.0.0 released; 1.1.0 declared with a new operation; then a breaking change that
// is NOT the last commit; then an unrelated commit.
let full = "";
let v100 = "";
let breakingCommit = "";
beforeAll(() => {
  full = newRepo("full");
  v100 = commitSpec(full, api("1.0.0"), "spec 1.0.0");
  commitSpec(full, api("1.1.0", 2), "spec 1.1.0: a new operation");
  breakingCommit = commitSpec(full, api("1.1.0", 2, true), "a new required field");
  commitOther(full, "docs only");
});

describe("the default base", () => {
  it("without tags: the last commit before the current version was declared, so a breaking change that is not the last commit is caught", async () => {
    const plan = await planRelease(specOf(full), { repoRoot: full });
    expect(plan).toMatchObject({
      baseSource: "previous-version",
      baseCommit: v100,
      oldVersion: "1.0.0",
      newVersion: "1.1.0",
      required: "major",
      ok: false,
    });
    // HEAD~1 alone (the old default) sees only the docs commit and passes.
    const last = await planRelease(specOf(full), { repoRoot: full, base: "HEAD~1" });
    expect(last).toMatchObject({ ok: true, required: "none", baseSource: "given" });
    expect(last.baseCommit).toBe(breakingCommit);
  });

  it("the newest release tag specs/<name>@x.y.z reachable from HEAD wins", async () => {
    const repo = newRepo("tagged");
    commitSpec(repo, api("1.0.0"), "1.0.0");
    const released = commitSpec(repo, api("1.1.0", 2), "1.1.0");
    run(repo, "tag", "specs/exchange@1.1.0");
    run(repo, "tag", "specs/exchange@1.0.0", "HEAD~1");
    run(repo, "tag", "specs/other@9.0.0"); // another spec's tag
    run(repo, "tag", "specs/exchange@not-a-version");
    commitSpec(repo, api("1.1.0", 3), "a third operation, no bump");
    const plan = await planRelease(specOf(repo), { repoRoot: repo });
    expect(plan).toMatchObject({
      base: "specs/exchange@1.1.0",
      baseSource: "tag",
      baseCommit: released,
      required: "minor",
      declared: "none",
      ok: false,
    });
    commitSpec(repo, api("1.2.0", 3), "bump");
    expect(await planRelease(specOf(repo), { repoRoot: repo })).toMatchObject({
      ok: true,
      declared: "minor",
    });
  });

  it("a version declared only in the working tree is compared with HEAD", async () => {
    const repo = newRepo("uncommitted");
    const head = commitSpec(repo, api("1.0.0"), "1.0.0");
    writeFileSync(specOf(repo), api("1.1.0", 2));
    const plan = await planRelease(specOf(repo), { repoRoot: repo });
    expect(plan).toMatchObject({ baseCommit: head, required: "minor", ok: true });
  });

  it("a spec that only ever had one version is a first release", async () => {
    const repo = newRepo("one-version");
    commitSpec(repo, api("1.0.0"), "1.0.0");
    commitSpec(repo, api("1.0.0", 2), "more, same version");
    const plan = await planRelease(specOf(repo), { repoRoot: repo });
    expect(plan).toMatchObject({ existed: false, ok: true, baseSource: "previous-version" });
  });

  it("a spec without a declared version falls back to HEAD~1 with a notice", async () => {
    const repo = newRepo("unversioned");
    commitSpec(repo, api("1.0.0").replace(", version: 1.0.0", ""), "draft");
    commitSpec(repo, api("1.0.0", 2).replace(", version: 1.0.0", ""), "draft 2");
    const plan = await planRelease(specOf(repo), { repoRoot: repo });
    expect(plan.baseSource).toBe("parent");
    expect(plan.base).toBe("HEAD~1");
    expect(plan.notices.map((n) => n.en).join("\n")).toMatch(
      /HEAD~1, which checks the last commit only/,
    );
  });

  it("outside a git repository the default refuses, it does not pass", async () => {
    const dir = join(temp, "not-a-repo");
    mkdirSync(join(dir, "specs/exchange/v1"), { recursive: true });
    writeFileSync(specOf(dir), api("1.0.0"));
    const e = await refusal(planRelease(specOf(dir), { repoRoot: dir }));
    expect(e.code).toBe("not_a_repository");
  });
});

describe("a given base", () => {
  it("takes a commit, a tag and a remote branch", async () => {
    const clone = join(temp, "clone-full");
    execFileSync("git", ["clone", "-q", `file://${full}`, clone]);
    run(full, "tag", "v-test", v100);
    run(clone, "fetch", "-q", "--tags");
    for (const base of [v100, v100.slice(0, 10), "v-test", "origin/main~3"]) {
      const plan = await planRelease(specOf(clone), { repoRoot: clone, base });
      expect(plan, base).toMatchObject({ baseCommit: v100, required: "major", ok: false });
    }
    const main = await planRelease(specOf(clone), { repoRoot: clone, base: "origin/main" });
    expect(main).toMatchObject({ required: "none", ok: true });
  });

  it.each([
    ["an unknown branch", "no-such-branch", "base_not_found"],
    ["a commit that is not there", "0123456789abcdef0123456789abcdef01234567", "base_not_found"],
    ["beyond the first commit", "HEAD~40", "base_not_found"],
    ["an option in disguise", "--upload-pack=touch /tmp/pwned", "base_invalid"],
    ["an option after a newline", "HEAD\n--output=/tmp/x", "base_invalid"],
    ["a control character", "main\u001b[31m", "base_invalid"],
    ["a huge value", "a".repeat(10_000), "base_invalid"],
    ["an npm base with a shell in it", "npm:@govex/schemas@1.0.0;rm -rf /", "base_invalid"],
    ["an npm base that is an option", "npm:--registry=http://evil", "base_invalid"],
  ])("refuses %s, clearly and in both languages", async (_name, base, code) => {
    const e = await refusal(planRelease(specOf(full), { repoRoot: full, base }));
    expect(e.code).toBe(code);
  });

  it("a spec outside the repository is refused, not read as a first release", async () => {
    const other = newRepo("elsewhere");
    commitSpec(other, api("1.0.0"), "elsewhere");
    const e = await refusal(planRelease(specOf(other), { repoRoot: full, base: v100 }));
    expect(e.code).toBe("base_unreadable");
  });

  it("an npm base is only for the spec the package carries", async () => {
    const e = await refusal(
      planRelease(specOf(full), { repoRoot: full, base: "npm:@govex/schemas" }),
    );
    expect(e.code).toBe("base_not_in_package");
    expect(e.messages.en).toContain("specs/data/v1");
  });
});

describe("a shallow clone", () => {
  it("is deepened until the given base is there", async () => {
    const clone = join(temp, "shallow-given");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${full}`, clone]);
    expect(run(clone, "rev-parse", "--is-shallow-repository")).toBe("true");
    const plan = await planRelease(specOf(clone), { repoRoot: clone, base: "HEAD~3" });
    expect(plan).toMatchObject({ existed: true, oldVersion: "1.0.0", required: "major" });
    expect(plan.notices.map((n) => n.en).join("\n")).toMatch(/shallow clone: ran git fetch/);
  });

  it("is deepened for the default base, and gives the answer a full clone gives", async () => {
    const clone = join(temp, "shallow-default");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${full}`, clone]);
    const plan = await planRelease(specOf(clone), { repoRoot: clone });
    expect(plan).toMatchObject({
      baseSource: "previous-version",
      baseCommit: v100,
      required: "major",
      ok: false,
    });
  });

  it("whose base cannot be fetched refuses instead of passing as a first release", async () => {
    const clone = join(temp, "shallow-orphan");
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${full}`, clone]);
    rmSync(full.replace("full", "gone"), { recursive: true, force: true });
    run(clone, "remote", "set-url", "origin", `file://${join(temp, "gone")}`);
    const e = await refusal(planRelease(specOf(clone), { repoRoot: clone, base: "HEAD~2" }));
    expect(e.code).toBe("base_not_found");
    expect(e.messages.en).toMatch(/shallow clone/);
  });
});
