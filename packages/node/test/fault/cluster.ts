/**
 * The fault and load suite's pieces: node processes started as an operator starts them
 * (`govex start --no-demo --database … --data-dir …`, the CLI from source), a PostgreSQL of the
 * test's own that it may stop and start, and small measurements of a process (RSS, open sockets).
 *
 * Several nodes on one PostgreSQL share one data directory's keys: every node signs as the
 * exchange with the same node key, and the cursor seal and the audit log's checkpoints are keyed
 * by it, so any node can continue what another began.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type StartedPostgres, startPostgres } from "../../../../test/global-setup.js";

const CLI = fileURLToPath(new URL("../../../cli/src/bin.ts", import.meta.url));
const NODE_MAIN = fileURLToPath(new URL("./node-main.ts", import.meta.url));
const GC_ON_SIGNAL = fileURLToPath(new URL("./gc-on-signal.ts", import.meta.url));
/** How long a node process may take to listen (tsx compiles the CLI from source on start). */
const START_TIMEOUT_MS = 90_000;

export interface NodeProcess {
  /** The base URL, …/v1. */
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the process printed, stdout and stderr. */
  output(): string;
  /** SIGKILL, then wait for the exit. */
  kill9(): Promise<void>;
  /** A full garbage collection in the process (started with `gc: true`); resolves when done. */
  collect(): Promise<void>;
  /** SIGINT (Ctrl-C), then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Start `govex start --no-demo` on PostgreSQL as a child process (or node-main.ts with `tuning`)
 * and wait until it listens.
 *
 * @example
 * const node = await startNodeProcess({ dataDir, databaseUrl, port: 0 });
 */
export async function startNodeProcess(options: {
  dataDir: string;
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  /**
   * Options `govex start` does not take (LocalNodeOptions, as JSON): the node then runs from
   * node-main.ts, `startLocalNode` with them, instead of the CLI.
   */
  tuning?: Record<string, unknown>;
  /** Start with --expose-gc, a fixed young generation and a SIGUSR2 handler, for `collect()`. */
  gc?: boolean;
}): Promise<NodeProcess> {
  const source = [
    "--conditions=@govex/source",
    ...["--import", "tsx"],
    // The young generation at its full size from the start (V8 grows it under load and keeps
    // it), so that its growth is not read as the node's memory growing.
    ...(options.gc
      ? [
          "--expose-gc",
          "--min-semi-space-size=16",
          "--max-semi-space-size=16",
          ...["--import", GC_ON_SIGNAL],
        ]
      : []),
  ];
  const args = options.tuning
    ? [
        NODE_MAIN,
        JSON.stringify({
          dataDir: options.dataDir,
          databaseUrl: options.databaseUrl,
          port: options.port ?? 0,
          ...options.tuning,
        }),
      ]
    : [
        ...[CLI, "start", "--no-demo"],
        ...["--database", options.databaseUrl, "--data-dir", options.dataDir],
        ...["--port", String(options.port ?? 0)],
      ];
  const child = spawn(process.execPath, [...source, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  let printed = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    printed += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    printed += chunk;
  });
  const exited = once(child, "exit");
  /** Resolves with `found()` once the output makes it defined; rejects at the deadline or exit. */
  const whenPrinted = <T>(what: string, found: () => T | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const streams = [child.stdout, child.stderr];
      const settle = (fn: () => void) => {
        clearTimeout(timer);
        for (const stream of streams) stream?.off("data", look);
        fn();
      };
      const look = () => {
        const value = found();
        if (value !== undefined) settle(() => resolve(value));
      };
      const timer = setTimeout(
        () => settle(() => reject(new Error(`no ${what} within ${timeoutMs} ms:\n${printed}`))),
        timeoutMs,
      );
      for (const stream of streams) stream?.on("data", look);
      exited.then(([code]) =>
        settle(() => reject(new Error(`the node exited with ${code} before ${what}:\n${printed}`))),
      );
      look();
    });
  const url = await whenPrinted(
    "listening",
    () => /(http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(printed)?.[1],
    START_TIMEOUT_MS,
  ).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    child,
    output: () => printed,
    async collect() {
      if (!options.gc) throw new Error("the node process was started without gc: true");
      const seen = printed.split("gc-done").length;
      child.kill("SIGUSR2");
      await whenPrinted(
        "gc-done",
        () => (printed.split("gc-done").length > seen ? true : undefined),
        30_000,
      );
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      const [code] = await exited;
      return code as number | null;
    },
  };
}

/** A PostgreSQL server of the test's own (stopped and removed by `close`) and a data directory. */
export interface FaultSite {
  postgres: StartedPostgres;
  dataDir: string;
  close(): Promise<void>;
}

export async function startFaultSite(): Promise<FaultSite> {
  const postgres = await startPostgres();
  const dataDir = await mkdtemp(join(tmpdir(), "govex-fault-"));
  return {
    postgres,
    dataDir,
    async close() {
      await postgres.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** How many sockets a process holds open (Linux /proc/<pid>/fd). */
export function socketsOf(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) count++;
    } catch {
      // closed between the listing and the read
    }
  }
  return count;
}

/**
 * Open TCP connections with one end at `port` on this machine (Linux /proc/net/tcp and tcp6,
 * listening sockets and TIME_WAIT excluded): both ends of a loopback connection count, one entry each.
 */
export function connectionsAt(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue; // no IPv6 table
    }
    for (const line of text.split("\n").slice(1)) {
      const [, local, remote, state] = line.trim().split(/\s+/);
      // 0A LISTEN; 06 TIME_WAIT, which the kernel keeps after a close and holds no socket.
      if (!local || !remote || state === "0A" || state === "06") continue;
      if (local.endsWith(`:${hex}`) || remote.endsWith(`:${hex}`)) count++;
    }
  }
  return count;
}

/**
 * Poll `check` until it returns a value other than undefined, at most `timeoutMs`: a bounded wait
 * on a condition, never a fixed sleep.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 250);
  }
}
