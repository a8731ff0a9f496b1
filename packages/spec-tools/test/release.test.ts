import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bumpVersion, declaredBump, planRelease, writeRelease } from "../src/index.js";

const repo = mkdtempSync(join(tmpdir(), "govex-release-"));
const git = (...args: string[]) =>
  execFileSync("git", ["-C", repo, ...args], { stdio: ["ignore", "pipe", "pipe"] }).toString();
const spec = join(repo, "specs/exchange/v1/openapi.yaml");

function api(version: string, extra = ""): string {
  return `openapi: 3.1.0
info: { title: 示例接口, version: ${version} }
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name${extra.includes("REQUIRED") ? ", code" : ""}]
              properties:
                name: { type: string, maxLength: 100 }
                code: { type: string }
      responses:
        "201": { description: created }
${extra.includes("NEW-OP") ? `  /others:\n    get:\n      operationId: listOthers\n      responses:\n        "200": { description: ok }\n` : ""}`;
}

function commit(version: string, extra = ""): string {
  writeFileSync(spec, api(version, extra));
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", `spec ${version} ${extra}`);
  return git("rev-parse", "HEAD").trim();
}

let v1 = "";
beforeAll(() => {
  git("init", "-q");
  git("config", "user.email", "ci@govex.dev");
  git("config", "user.name", "govex ci");
  mkdirSync(join(repo, "specs/exchange/v1"), { recursive: true });
  mkdirSync(join(repo, ".changeset"));
  writeFileSync(
    join(repo, "specs/exchange/CHANGELOG.md"),
    "# specs/exchange changelog\n\n## 1.0.0 — first release\n",
  );
  v1 = commit("1.0.0");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("versions", () => {
  it.each([
    ["1.0.0", "2.0.0", "major"],
    ["1.2.3", "1.3.0", "minor"],
    ["1.2.3", "1.2.4", "patch"],
    ["1.2.3", "1.2.3", "none"],
    ["1.2.3", "1.2.2", undefined],
    ["2.0.0", "1.9.9", undefined],
    ["x", "1.0.0", undefined],
  ])("%s → %s is %s", (from, to, bump) => {
    expect(declaredBump(from, to)).toBe(bump);
  });

  it("computes the smallest allowed version", () => {
    expect(bumpVersion("1.2.3", "major")).toBe("2.0.0");
    expect(bumpVersion("1.2.3", "minor")).toBe("1.3.0");
    expect(bumpVersion("1.2.3", "patch")).toBe("1.2.4");
  });
});

describe("planRelease against git history", () => {
  it("a first release of a spec passes", async () => {
    const plan = await planRelease(spec, { base: `${v1}~0`, repoRoot: repo });
    expect(plan.ok).toBe(true);
  });

  it("refuses a breaking change (a new required request field) without a major bump", async () => {
    commit("1.1.0", "REQUIRED");
    const plan = await planRelease(spec, { base: v1, repoRoot: repo });
    expect(plan.required).toBe("major");
    expect(plan.ok).toBe(false);
    expect(plan.minimumVersion).toBe("2.0.0");
    expect(plan.problems[0]?.en).toMatch(/major bump \(at least 2\.0\.0\)/);
    expect(plan.problems[0]?.["zh-CN"]).toMatch(/至少 2\.0\.0/);
  });

  it("accepts the same change as 2.0.0, and writes the CHANGELOG entry and a changeset", async () => {
    commit("2.0.0", "REQUIRED");
    const plan = await planRelease(spec, { base: v1, repoRoot: repo });
    expect(plan).toMatchObject({
      ok: true,
      required: "major",
      declared: "major",
      oldVersion: "1.0.0",
      newVersion: "2.0.0",
    });
    const written = writeRelease(plan, { repoRoot: repo, date: "2026-11-25" });
    const changelog = readFileSync(written.changelog, "utf8");
    expect(changelog.indexOf("## 2.0.0 — 2026-11-25")).toBeLessThan(changelog.indexOf("## 1.0.0"));
    expect(written.changeset && existsSync(written.changeset)).toBe(true);
    expect(readFileSync(written.changeset as string, "utf8")).toMatch(/"@govex\/client": major/);
    expect(readdirSync(join(repo, ".changeset"))).toHaveLength(1);
  });

  it("asks only for a minor bump for new compatible surface", async () => {
    const base = commit("2.0.0", "REQUIRED");
    commit("2.0.0", "REQUIRED NEW-OP");
    const same = await planRelease(spec, { base, repoRoot: repo });
    expect(same).toMatchObject({ ok: false, required: "minor" });
    commit("2.1.0", "REQUIRED NEW-OP");
    expect(await planRelease(spec, { base, repoRoot: repo })).toMatchObject({
      ok: true,
      required: "minor",
      declared: "minor",
    });
  });

  it("refuses a declared version lower than the previous one", async () => {
    const base = commit("2.1.0", "REQUIRED NEW-OP");
    commit("2.0.5", "REQUIRED NEW-OP");
    const plan = await planRelease(spec, { base, repoRoot: repo });
    expect(plan.ok).toBe(false);
    expect(() => writeRelease(plan, { repoRoot: repo })).toThrow(/lower/);
  });
});
