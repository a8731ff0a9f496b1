/**
 * Preloaded into a node process of the fault suite (with --expose-gc): SIGUSR2 runs a full
 * garbage collection and answers "gc-done" on stderr, so a test reads the process's memory with
 * garbage V8 had not yet collected out of the figure.
 */
process.on("SIGUSR2", () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stderr.write("gc-done\n");
});
