/**
 * A V8 CPU profile (`.cpuprofile`, as `node --cpu-prof` or the inspector's Profiler writes it)
 * read down to what the benchmark reports: the functions with the most self time, and the time
 * by owner — the govex source file nearest the top of each sampled stack (so Ed25519 inside
 * node:crypto counts for @govex/security's file that called it), else the package or Node
 * internal module that was running. Idle time is left out of the shares.
 */
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CostRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Sampled milliseconds, idle excluded. */
  busyMs: number;
  idleMs: number;
  functions: CostRow[];
  owners: CostRow[];
}

const GOVEX = /\/(packages|examples)\/([^/]+)\/(src|test|bench)\/(.+)$/;

/** A short name of where a frame's code lives. */
function where(url: string): string | undefined {
  if (url === "") return undefined;
  const govex = GOVEX.exec(url);
  if (govex) return `${govex[2]}/${govex[3]}/${govex[4]}`;
  const pkg = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith("node:")) return url.replace(/^node:(internal\/)?/, "node:");
  if (url.startsWith("wasm://")) return "wasm";
  return url.split("/").slice(-2).join("/");
}

function top(map: Map<string, number>, total: number, n: number): CostRow[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / total }));
}

/**
 * Summarize a CPU profile file.
 *
 * @example
 * const { owners } = await summarizeCpuProfile("/tmp/node.cpuprofile");
 */
export async function summarizeCpuProfile(file: string, n = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries())
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));

  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const node = byId.get(id) as ProfileNode;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    busy += us;
    const place = where(url);
    const fn = `${functionName || "(anonymous)"}${place ? ` ${place}:${lineNumber + 1}` : ""}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    // The nearest govex source file up the stack owns the sample; else the leaf's module.
    let owner: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame.url ?? "";
      // Stopping the profiler and writing the profile are sampled too.
      if (frame === "node:inspector") {
        owner = "(the profiler itself)";
        break;
      }
      if (GOVEX.test(frame)) owner ??= where(frame);
    }
    owner ??= place ?? functionName;
    owners.set(owner, (owners.get(owner) ?? 0) + us);
  }
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: top(functions, busy, n),
    owners: top(owners, busy, n),
  };
}
