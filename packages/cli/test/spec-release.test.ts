/** `govex spec release --check` against a base: --base, GOVEX_SPEC_BASE, the default, and refusals (exit 2). */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cli } from "./helpers.js";

const repo = mkdtempSync(join(tmpdir(), "govex-cli-release-"));
const spec = join(repo, "specs/exchange/v1/openapi.yaml");
const git = (...args: string[]) =>
  execFileSync("git", ["-C", repo, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();

function commit(version: string, required: string): string {
  writeFileSync(
    spec,
    `openapi: 3.1.0
info: { title: 示例, version: ${version} }
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, required: [${required}], properties: { name: { type: string }, code: { type: string } } }
      responses:
        "201": { description: created }
`,
  );
  git("add", "-A");
  git("commit", "-q", "-m", `${version} ${required}`);
  return git("rev-parse", "HEAD");
}

let first = "";
let second = "";
beforeAll(() => {
  mkdirSync(join(repo, "specs/exchange/v1"), { recursive: true });
  git("init", "-q");
  git("config", "user.email", "ci@govex.dev");
  git("config", "user.name", "govex ci");
  first = commit("1.0.0", "name");
  second = commit("1.1.0", "name, code"); // breaking, declared minor
  writeFileSync(join(repo, "README.md"), "docs");
  git("add", "-A");
  git("commit", "-q", "-m", "docs");
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("govex spec release --check", () => {
  test("by default, catches the breaking commit even though it is not the last one", async () => {
    const r = await cli(["spec", "release", "--check", spec, "--lang", "en"]);
    expect(r.code).toBe(1);
    // The parent of the commit that declared 1.1.0, i.e. the 1.0.0 release.
    expect(r.stdout).toContain(`against ${second.slice(0, 12)}^`);
    expect(r.stdout).toMatch(/need a major bump \(at least 2\.0\.0\)/);
  });

  test("--base and GOVEX_SPEC_BASE are the same thing; the option wins", async () => {
    const option = await cli(["spec", "release", "--check", spec, "--base", "HEAD~1"]);
    const env = await cli(["spec", "release", "--check", spec], { GOVEX_SPEC_BASE: "HEAD~1" });
    expect(option.code).toBe(0);
    expect(env).toEqual(option);
    const both = await cli(["spec", "release", "--check", spec, "--base", first], {
      GOVEX_SPEC_BASE: "HEAD~1",
    });
    expect(both.code).toBe(1);
  });

  test.each([
    ["an unknown revision", ["--base", "no-such-tag"], {}],
    ["an unknown revision from the environment", [], { GOVEX_SPEC_BASE: "no-such-tag" }],
    ["an option-looking revision", ["--base=--output=/tmp/x"], {}],
    ["an npm package that does not carry the spec", ["--base", "npm:@govex/schemas"], {}],
  ])("refuses %s with exit 2, in zh-CN and English", async (_name, args, env) => {
    const r = await cli(["spec", "release", "--check", spec, ...args], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^govex: .*[\u4e00-\u9fff].* \/ [@A-Za-z]/);
  });
});
