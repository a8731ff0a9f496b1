import type { CliIo } from "./io.js";

/** Files smaller than this finish before a bar would be worth drawing. */
const MIN_BYTES = 4 * 1024 * 1024;
const WIDTH = 24;

/**
 * A progress bar on stderr for large files: only on a terminal and never in CI
 * (the CI variable), so piped or logged output stays clean.
 */
export function progressBar(
  io: CliIo,
  file: string,
  size: number,
): ((bytes: number) => void) & { done(): void } {
  const enabled = io.stderr.isTTY === true && !io.env.CI && size >= MIN_BYTES;
  const started = Date.now();
  let last = 0;
  const update = (bytes: number) => {
    if (!enabled) return;
    const now = Date.now();
    if (now - last < 100 && bytes < size) return;
    last = now;
    const ratio = Math.min(1, bytes / size);
    const filled = Math.round(ratio * WIDTH);
    const mbps = bytes / 1048576 / Math.max((now - started) / 1000, 0.001);
    io.stderr.write(
      `\r${file} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${(bytes / 1048576).toFixed(1)}/${(size / 1048576).toFixed(1)} MB ${mbps.toFixed(1)} MB/s`,
    );
  };
  return Object.assign(update, {
    done() {
      if (enabled) io.stderr.write("\r\u001b[2K");
    },
  });
}
