import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { demoData } from "./helpers.js";

const root = join(import.meta.dirname, "..", "..", "..");
const bin = join(root, "packages", "cli", "src", "bin.ts");

// The real process, from source: exit status, streams, no stack trace, no colour when piped.
function govex(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    ["--conditions=@govex/source", "--import", "tsx", bin, ...args],
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
});
