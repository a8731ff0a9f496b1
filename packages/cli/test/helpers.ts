import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, run } from "../src/index.js";

export const demoData = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "examples",
  "demo-data",
  "data",
);

/** Runs the CLI in-process with captured output and a clean environment. */
export async function cli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  tty = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (stderr += s), isTTY: tty },
    env: { LANG: "C.UTF-8", ...env },
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A temporary file with the given content. */
export function tempFile(name: string, content: string | Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), "govex-cli-"));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
