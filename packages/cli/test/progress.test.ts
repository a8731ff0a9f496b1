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
    ["CI=false", true, { CI: "false" }, 64 * MB, true],
    ["CI=1", true, { CI: "1" }, 64 * MB, false],
  ])("%s → drawn: %s", (_name, tty, env, size, drawn) => {
    const out = io(tty, env);
    const bar = progressBar(out.value, "people.ndjson", size);
    bar(size / 2);
    bar(size);
    bar.done();
    expect(out.written().includes("people.ndjson [")).toBe(drawn);
    if (drawn) expect(out.written()).toContain("100%");
  });

  test("shows records/s when the validator reports records, MB/s always", () => {
    const out = io(true, {});
    const bar = progressBar(out.value, "people.ndjson", 64 * MB);
    bar(64 * MB, 200_000);
    expect(out.written()).toMatch(/64\.0\/64\.0 MB [\d.]+ MB\/s, [\d,]+ records\/s/);
    bar.done();
    // Cleared at the end: the report that follows starts on a clean line.
    expect(out.written().endsWith("\r\u001b[2K")).toBe(true);
  });

  test("a control character in the file name is shown escaped", () => {
    const out = io(true, {});
    progressBar(out.value, "a\u001b]0;x\u0007.ndjson", 64 * MB)(MB);
    expect(out.written()).toContain("a\\u001b]0;x\\u0007.ndjson [");
  });
});
