import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { demoData, tempFile } from "./helpers.js";

const root = join(import.meta.dirname, "..", "..", "..");
const bin = join(root, "packages", "cli", "src", "bin.ts");

// The real process, from source: exit status, streams, no stack trace, no colour when piped.
function govex(args: string[], env: Record<string, string> = {}, node: string[] = []) {
  return spawnSync(
    process.execPath,
    ["--conditions=@govex/source", "--import", "tsx", ...node, bin, ...args],
    {
      cwd: root,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", LANG: "C.UTF-8", ...env },
    },
  );
}

describe("govex as a process", () => {
  test("piped output has no progress bar and no ANSI escapes; exit status 1 for invalid records", () => {
    const r = govex(["validate", join(demoData, "people.ndjson"), "--schema", "person"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("27 条记录");
    expect(r.stdout + r.stderr).not.toContain("\u001b[");
    expect(r.stderr).toBe("");
  });

  test.each([
    [["validate", "/nonexistent.ndjson", "--schema", "person"], "找不到文件"],
    [["validate", demoData, "--schema", "person"], "是目录"],
    [["validate", "x.ndjson"], "--schema"],
  ])("usage error %j: exit status 2, one line, no stack trace", (args, text) => {
    const r = govex(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  // The start-up budget (< 0.4 s on a one-line file) rests on this: a built-in schema is
  // precompiled, so neither zod nor ajv's compiler is loaded. A user schema does load ajv,
  // which shows the tracing sees it.
  const trace = join(import.meta.dirname, "fixtures", "trace", "trace-imports.mjs");
  const one = tempFile(
    "one.ndjson",
    '{"name":"示例甲","residentId":"11010519491231002X","sex":"2","birthDate":"1949-12-31"}\n',
  );
  const userSchema = tempFile("user.schema.json", '{"type":"object","required":["name"]}');
  const COMPILERS = /\/node_modules\/(?:zod|ajv\/dist\/(?:2020|ajv|core|compile\/))/;
  test.each([
    ["a built-in schema", false, "person"],
    ["a user schema", true, userSchema],
  ])("start-up with %s: zod or ajv's compiler loaded: %s", (_name, compiles, schema) => {
    const log = tempFile("imports.log", "");
    const r = govex(["validate", one, "--schema", schema], { GOVEX_TRACE_IMPORTS: log }, [
      "--import",
      trace,
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const urls = readFileSync(log, "utf8").split("\n");
    expect(urls.some((u) => u.endsWith("/packages/cli/src/run.ts"))).toBe(true);
    expect(urls.filter((u) => COMPILERS.test(u)).length > 0).toBe(compiles);
  });
});
