/** Console test helpers: the built console, built once when missing or stale. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CONSOLE_DIST = fileURLToPath(new URL("../../../console/dist", import.meta.url));

/** Build packages/console when its dist is missing or older than its sources (~15 s, else ~0). */
export function ensureConsoleBuilt(): string {
  execFileSync(
    process.execPath,
    [
      fileURLToPath(new URL("../../../console/scripts/ensure-built.mjs", import.meta.url)),
      "--quiet",
    ],
    { stdio: "inherit" },
  );
  return CONSOLE_DIST;
}
