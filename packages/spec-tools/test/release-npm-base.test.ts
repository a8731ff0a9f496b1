/**
 * `spec release --base npm:@govex/schemas[@version]`: the real npm client against a registry
 * served on 127.0.0.1 by this test, with tarballs shaped like the published package.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planRelease, ReleaseBaseError, resolveReleaseBase } from "../src/index.js";

const temp = mkdtempSync(join(tmpdir(), "govex-release-npm-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function run(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-C", cwd, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();
}

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

describe("a published npm version (npm:@govex/schemas)", () => {
  // A registry on 127.0.0.1 that the real npm client talks to.
  let server: Server;
  let registry = "";
  const tarballs = new Map<string, Buffer>();
  const saved: Record<string, string | undefined> = {};
  const repo = join(temp, "data-repo");
  const person = (version: string, required: string[]) => ({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://govex.dev/specs/data/v1/person.schema.json",
    title: "自然人",
    "x-version": version,
    type: "object",
    required,
    properties: { name: { type: "string" }, sex: { type: "string" } },
  });

  function publish(version: string, specs: Record<string, unknown>): void {
    const dir = mkdtempSync(join(temp, "pkg-"));
    mkdirSync(join(dir, "package/dist"), { recursive: true });
    writeFileSync(
      join(dir, "package/package.json"),
      JSON.stringify({ name: "@govex/schemas", version }),
    );
    // Shaped like tsup's CommonJS output of src/generated/specs.ts.
    writeFileSync(
      join(dir, "package/dist/specs.cjs"),
      `"use strict";\nvar dataSpecs = ${JSON.stringify(specs)};\nmodule.exports = { dataSpecs, dataSpecIds: {} };\n`,
    );
    execFileSync("tar", ["-czf", join(dir, "p.tgz"), "-C", dir, "package"]);
    tarballs.set(version, readFileSync(join(dir, "p.tgz")));
  }

  function packument(): object {
    const versions: Record<string, object> = {};
    for (const [version, data] of tarballs) {
      versions[version] = {
        name: "@govex/schemas",
        version,
        dist: {
          tarball: `${registry}/@govex/schemas/-/schemas-${version}.tgz`,
          integrity: `sha512-${createHash("sha512").update(data).digest("base64")}`,
          shasum: createHash("sha1").update(data).digest("hex"),
        },
      };
    }
    const latest = [...tarballs.keys()].at(-1) as string;
    return { name: "@govex/schemas", "dist-tags": { latest }, versions };
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = decodeURIComponent(req.url ?? "");
      const tgz = /^\/@govex\/schemas\/-\/schemas-(.+)\.tgz$/.exec(url);
      if (tgz && tarballs.has(tgz[1] as string)) {
        res.writeHead(200, { "content-type": "application/octet-stream" });
        res.end(tarballs.get(tgz[1] as string));
      } else if (url === "/@govex/schemas" && tarballs.size > 0) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(packument()));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "Not found" }));
      }
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    registry = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [k, v] of Object.entries({
      npm_config_registry: `${registry}/`,
      npm_config_cache: join(temp, "npm-cache"),
      npm_config_fetch_retries: "0",
      npm_config_audit: "false",
      npm_config_update_notifier: "false",
    })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    mkdirSync(join(repo, "specs/data/v1"), { recursive: true });
    run(repo, "init", "-q");
  });

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise((ok) => server.close(ok));
  });

  const data = () => join(repo, "specs/data/v1");
  const write = (schema: object) =>
    writeFileSync(join(data(), "person.schema.json"), JSON.stringify(schema, null, 2));

  it("not published yet: says so, in both languages (exit 2 in the CLI)", async () => {
    write(person("1.0.0", ["name"]));
    const e = await refusal(planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas" }));
    expect(e.code).toBe("npm_not_published");
    expect(e.messages.en).toMatch(/is not published on the npm registry \(E404\)/);
    expect(e.messages["zh-CN"]).toMatch(/尚未在 npm 注册表上发布/);
  });

  it("compares with the latest published version's spec files, or a named one", async () => {
    publish("0.1.0", { person: person("1.0.0", ["name"]) });
    publish("0.2.0", { person: person("1.1.0", ["name"]) });
    write(person("1.1.0", ["name", "sex"])); // a new required property: breaking
    const plan = await planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas" });
    expect(plan).toMatchObject({ base: "npm:@govex/schemas@0.2.0", required: "major", ok: false });
    expect(plan.problems.map((p) => p.en).join("\n")).toMatch(
      /person\.schema\.json needs a major bump \(at least 2\.0\.0\)/,
    );
    expect(plan.notices.map((n) => n.en).join("\n")).toMatch(/only each file's x-version/);
    write(person("2.0.0", ["name", "sex"]));
    expect(await planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas" })).toMatchObject(
      { ok: true, required: "major" },
    );
    const older = await planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas@0.1.0" });
    expect(older.base).toBe("npm:@govex/schemas@0.1.0");
    expect(older.diff.changes.map((c) => c.id)).toContain("schema-property-became-required");
  });

  it("a version that does not exist is not published", async () => {
    const e = await refusal(
      planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas@9.9.9" }),
    );
    expect(e.code).toBe("npm_not_published");
  });

  it("a registry that cannot be reached is an error, not a pass", async () => {
    const base = await resolveReleaseBase(data(), { repoRoot: repo, base: "npm:@govex/schemas" });
    expect(base.kind).toBe("npm");
    const before = process.env.npm_config_registry;
    process.env.npm_config_registry = "http://127.0.0.1:1/";
    try {
      const e = await refusal(planRelease(data(), { repoRoot: repo, base: "npm:@govex/schemas" }));
      expect(e.code).toBe("npm_unavailable");
    } finally {
      process.env.npm_config_registry = before;
    }
  });
});
