import { type CliIo, printable } from "./io.js";

/** Files smaller than this finish before a bar would be worth drawing. */
const MIN_BYTES = 4 * 1024 * 1024;
const WIDTH = 24;

/** CI services set CI (to "true", "1", the service's name …); "false" and "0" mean not in CI. */
function inCi(env: CliIo["env"]): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * A progress bar on stderr for large files: only on a terminal and never in CI
 * (the CI variable), so piped or logged output stays clean.
 */
export function progressBar(
  io: CliIo,
  file: string,
  size: number,
): ((bytes: number, records?: number) => void) & { done(): void } {
  const enabled = io.stderr.isTTY === true && !inCi(io.env) && size >= MIN_BYTES;
  const name = printable(file);
  const started = Date.now();
  let last = 0;
  // records: passed by validators whose onProgress reports the records done so far.
  const update = (bytes: number, records?: number) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 100 && bytes < size) return;
    last = now;
    const ratio = Math.min(1, bytes / size);
    const filled = Math.round(ratio * WIDTH);
    const seconds = Math.max((now - started) / 1000, 0.001);
    let rate = `${(bytes / 1048576 / seconds).toFixed(1)} MB/s`;
    if (records !== undefined)
      rate += `, ${Math.round(records / seconds).toLocaleString("en")} records/s`;
    io.stderr.write(
      `\r${name} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${(bytes / 1048576).toFixed(1)}/${(size / 1048576).toFixed(1)} MB ${rate}\u001b[K`,
    );
  };
  return Object.assign(update, {
    done() {
      if (enabled) io.stderr.write("\r\u001b[2K");
    },
  });
}
