import { describe, expect, test } from "vitest";
import type { CliIo } from "../src/io.js";
import { progressBar } from "../src/progress.js";

function io(isTTY: boolean, env: Record<string, string | undefined>) {
  let written = "";
  const value: CliIo = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => (written += s), isTTY },
    env,
  };
  return { value, written: () => written };
}

const MB = 1024 * 1024;

describe("progress bar", () => {
  test.each([
    ["a terminal, outside CI, a large file", true, {}, 64 * MB, true],
    ["piped", false, {}, 64 * MB, false],
    ["in CI", true, { CI: "true" }, 64 * MB, false],
    ["a small file", true, {}, 1 * MB, false],
  ])("%s → drawn: %s", (_name, tty, env, size, drawn) => {
    const out = io(tty, env);
    const bar = progressBar(out.value, "people.ndjson", size);
    bar(size / 2);
    bar(size);
    bar.done();
    expect(out.written().includes("people.ndjson [")).toBe(drawn);
    if (drawn) expect(out.written()).toContain("100%");
  });
});
