/**
 * What `govex audit verify` does against a running exchange node: fetch the latest signed
 * checkpoint, the consistency proof from the checkpoint seen last time (RFC 9162 §2.1.4), the
 * member's own entries and an inclusion proof for each (RFC 9162 §2.1.3) — every request signed
 * with the member's key (RFC 9421), every answer checked against the node's key — and hand it all
 * to @govex/node's offline `verifyAuditLog`, which does the proving.
 */
import {
  ClientError,
  createExchangeClient,
  type ExchangePaths,
  type GovexClient,
  ProblemError,
} from "@govex/client";
import {
  type AuditEntryJson,
  type AuditIssueCode,
  type ConsistencyProofJson,
  type InclusionProofJson,
  verifyAuditLog,
} from "@govex/node";
import {
  type Checkpoint,
  type KeyResolver,
  type NoteVerifier,
  openCheckpoint,
  type Signer,
} from "@govex/security";
import { UsageError } from "../../io.js";
import type { SavedCheckpoint } from "./state.js";

/** Most inclusion proofs fetched in one run. */
export const MAX_PROOFS = 10_000;
/** Page size of GET /audit/entries (the spec's maximum). */
const PAGE_SIZE = 500;
/** Inclusion proofs in flight at once. */
const CONCURRENCY = 8;

/** Codes this command adds to those of `verifyAuditLog`. */
export type AuditRunIssueCode =
  | AuditIssueCode
  /** The state file's origin / size / root fields do not say what its signed note says. */
  | "state_mismatch"
  /** The node's latest checkpoint is smaller than the one seen before. */
  | "checkpoint_rollback"
  /** The node refused the consistency proof between the saved and the latest checkpoint. */
  | "consistency_unavailable"
  /** The node refused an inclusion proof for an entry it listed. */
  | "inclusion_unavailable";

/** One problem found; `entry` names the audit entry when the problem is about one. */
export interface AuditRunIssue {
  code: AuditRunIssueCode;
  zh: string;
  en: string;
  params: Record<string, unknown>;
  entry?: { leafIndex: number; operation?: string; time?: string };
  /** Which checkpoint a checkpoint issue is about: the state file's or the node's latest. */
  checkpoint?: "saved" | "latest";
}

export interface VerifyNodeAuditOptions {
  /** The node's base URL with the version prefix, e.g. `https://exchange.example.gov.cn/v1`. */
  url: string;
  /** The member's request signer (RFC 9421), with the key id the node knows. */
  signer: Signer;
  /** The node's response-signing key(s). */
  nodeKeys: KeyResolver;
  /** The audit log's note verifier key(s) (C2SP signed-note). */
  verifiers: readonly NoteVerifier[];
  /** The member (统一社会信用代码) whose entries are checked. */
  member: string;
  /** The checkpoint seen last time; absent on the first run. */
  saved?: SavedCheckpoint;
  /** Check only entries with leafIndex ≥ this (default 0). */
  sinceIndex?: number;
  /** Most inclusion proofs to fetch (default and ceiling {@link MAX_PROOFS}). */
  maxProofs?: number;
  /** Milliseconds for one call (default 30000). */
  timeout?: number;
  /** The language of the node's problem details and of signature failures (default zh-CN). */
  lang?: "zh-CN" | "en";
}

export interface NodeAuditResult {
  ok: boolean;
  origin?: string;
  /** The node's latest checkpoint, when it verified. */
  checkpoint?: { size: number; rootHash: string };
  /** The checkpoint of the state file. */
  previous?: { size: number; rootHash: string };
  /** Whether the latest checkpoint is extended from the previous one, proven. */
  consistency?: { from: number; to: number; verified: boolean };
  entries: {
    /** Entries the node listed for the member (up to where the cap stopped the listing). */
    listed: number;
    /** Entries whose inclusion proofs were fetched and checked. */
    checked: number;
    /** Entries proven to be in the signed log, unaltered. */
    verified: number;
    /** Entries appended after the latest checkpoint: checked next run. */
    pending: number;
    /** Entries before --since-index, skipped. */
    skipped: number;
    sinceIndex: number;
    /** Most inclusion proofs fetched this run. */
    cap: number;
    /** The proof cap stopped the run; `nextIndex` is where the next run should start. */
    capped: boolean;
    nextIndex?: number;
  };
  issues: AuditRunIssue[];
  /** What to save as the state when `ok`. */
  latest?: SavedCheckpoint;
}

const isSize = (v: unknown): v is number =>
  typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");

function opened(note: string, verifiers: readonly NoteVerifier[]): Checkpoint | undefined {
  try {
    return openCheckpoint(note, verifiers).checkpoint;
  } catch {
    // verifyAuditLog reports it, with its reason.
    return undefined;
  }
}

// Codes of undici and of the socket layer: the node was not reached, or the connection broke.
const NETWORK = /^(?:E[A-Z]+|UND_ERR_[A-Z_]+)$/;

/** A failure to talk to the node, not a finding about its log: a usage error (exit 2). */
function callFailed(error: unknown, url: string, what: string): unknown {
  if (error instanceof ProblemError) {
    const hint =
      error.status === 401
        ? [
            "请检查 --key 与 --key-id:节点须已登记该密钥。",
            "check --key and --key-id: the node must know that key.",
          ]
        : error.status === 403
          ? [
              "请检查 --member:成员单位只能查看与本单位有关的审计条目。",
              "check --member: a member sees only the audit entries that concern it.",
            ]
          : ["", ""];
    const said = `${error.problem.title}${error.problem.detail ? `: ${error.problem.detail}` : ""}`;
    return new UsageError({
      "zh-CN": `节点拒绝了 ${what} (${error.status} ${error.code}: ${said})。${hint[0]}`,
      en: `the node refused ${what} (${error.status} ${error.code}: ${said})${hint[1] ? `: ${hint[1]}` : "."}`,
    });
  }
  if (error instanceof ClientError) {
    if (error.code === "timeout" || error.code === "aborted")
      return new UsageError({
        "zh-CN": `节点 ${url} 未在时限内应答 ${what}:${error.message}。请稍后重试,或调大 --timeout。`,
        en: `the node at ${url} did not answer ${what} in time: ${error.message}. Try again later, or raise --timeout.`,
      });
    return new UsageError({
      "zh-CN": `节点对 ${what} 的应答未通过验证 (${error.code}: ${error.message})。请检查 --node-key 是否为该节点的响应签名公钥。`,
      en: `the node's answer to ${what} failed verification (${error.code}: ${error.message}): check that --node-key is the node's response-signing public key.`,
    });
  }
  const code = (error as { code?: unknown })?.code;
  if (typeof code === "string" && NETWORK.test(code))
    return new UsageError({
      "zh-CN": `无法连接节点 ${url} (${code})。请检查地址 (含 /v1 等版本前缀) 与节点是否在运行。`,
      en: `cannot reach the node at ${url} (${code}): check the URL (with its version prefix, e.g. /v1) and that the node is running.`,
    });
  return error;
}

/** A checkpoint issue's `index` into [saved?, latest], named. */
function whose(issue: AuditRunIssue, hasSaved: boolean): AuditRunIssue {
  const index = issue.params.index;
  if (!isSize(index) || !issue.code.startsWith("checkpoint_")) return issue;
  return { ...issue, checkpoint: hasSaved && index === 0 ? "saved" : "latest" };
}

type Refusable<T> = { ok: true; data: T } | { ok: false; problem: ProblemError };

/**
 * Check a node's audit log for one member. Findings about the log are `issues` (with `ok`
 * false); failing to reach or trust the node throws a UsageError.
 *
 * @example
 * const result = await verifyNodeAudit({ url, signer, nodeKeys, verifiers: [parseVerifierKey(vkey)], member, saved });
 * if (result.ok && result.latest) writeState(".govex/audit-state.json", result.latest);
 */
export async function verifyNodeAudit(options: VerifyNodeAuditOptions): Promise<NodeAuditResult> {
  const client = createExchangeClient({
    baseUrl: options.url,
    signer: options.signer,
    keys: options.nodeKeys,
    timeout: options.timeout ?? 30_000,
    retry: { retries: 2 },
    locale: options.lang ?? "zh-CN",
    headers: { "accept-language": options.lang ?? "zh-CN" },
  });
  try {
    return await verifyWith(client, options);
  } finally {
    await client.close();
  }
}

async function verifyWith(
  client: GovexClient<ExchangePaths>,
  options: VerifyNodeAuditOptions,
): Promise<NodeAuditResult> {
  const { url, verifiers, saved, member } = options;
  const since = options.sinceIndex ?? 0;
  const cap = Math.min(options.maxProofs ?? MAX_PROOFS, MAX_PROOFS);
  const issues: AuditRunIssue[] = [];
  const entries: NodeAuditResult["entries"] = {
    listed: 0,
    checked: 0,
    verified: 0,
    pending: 0,
    skipped: 0,
    sinceIndex: since,
    cap,
    capped: false,
  };

  async function call<T>(what: string, fn: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await fn()).data;
    } catch (error) {
      throw callFailed(error, url, what);
    }
  }
  /** A 4xx refusal of a proof is a finding; anything else failing is not. */
  async function refusable<T>(what: string, fn: () => Promise<{ data: T }>) {
    try {
      return { ok: true, data: (await fn()).data } as Refusable<T>;
    } catch (error) {
      if (error instanceof ProblemError && error.status >= 400 && error.status < 500)
        return { ok: false, problem: error } as Refusable<T>;
      throw callFailed(error, url, what);
    }
  }

  // 1. The latest checkpoint (C2SP tlog-checkpoint), and the saved one.
  const served = await call("GET /audit/checkpoint", () =>
    client.request("get", "/audit/checkpoint"),
  );
  const note = typeof served === "string" ? served : JSON.stringify(served);
  const current = opened(note, verifiers);
  const previous = saved ? opened(saved.note, verifiers) : undefined;
  const checkpoints = saved ? [saved.note, note] : [note];
  if (saved && previous) {
    const said = { origin: saved.origin, size: saved.size, root: saved.root };
    const signed = { origin: previous.origin, size: previous.size, root: b64(previous.rootHash) };
    if (JSON.stringify(said) !== JSON.stringify(signed))
      issues.push({
        code: "state_mismatch",
        zh: `状态文件所记的检查点 (${said.origin}, 大小 ${said.size}) 与其中的签名注记 (${signed.origin}, 大小 ${signed.size}) 不一致: 状态文件被改动过。以签名注记为准。`,
        en: `the state file's checkpoint fields (${said.origin}, size ${said.size}) differ from its signed note (${signed.origin}, size ${signed.size}): the state file was edited. The signed note is what counts.`,
        params: { fields: said, note: signed },
      });
  }
  if (!current) {
    // Nothing can be anchored to an unverified checkpoint: report why, fetch nothing more.
    const result = verifyAuditLog({ verifiers, checkpoints });
    return {
      ok: false,
      ...(result.origin === undefined ? {} : { origin: result.origin }),
      ...(previous ? { previous: { size: previous.size, rootHash: b64(previous.rootHash) } } : {}),
      entries,
      issues: [...issues, ...result.issues.map((issue) => whose(issue, saved !== undefined))],
    };
  }

  // 2. Consistency from the saved checkpoint to the latest (RFC 9162 §2.1.4).
  const consistencyProofs: ConsistencyProofJson[] = [];
  if (previous) {
    if (previous.size > current.size) {
      issues.push({
        code: "checkpoint_rollback",
        zh: `节点的最新检查点 (大小 ${current.size}) 比上次所见的 (大小 ${previous.size}) 还小: 日志被截短, 或状态文件属于另一个日志。请保留状态文件作为证据并上报。`,
        en: `the node's latest checkpoint (size ${current.size}) is smaller than the one seen before (size ${previous.size}): the log was cut short, or the state file is another log's. Keep the state file as evidence and report it.`,
        params: { previous: previous.size, latest: current.size },
      });
    } else if (previous.size > 0 && previous.size < current.size) {
      const what = `GET /audit/proofs/consistency?first=${previous.size}&second=${current.size}`;
      const proof = await refusable(what, () =>
        client.request("get", "/audit/proofs/consistency", {
          params: { query: { first: previous.size, second: current.size } },
        }),
      );
      if (proof.ok) consistencyProofs.push(proof.data as ConsistencyProofJson);
      else
        issues.push({
          code: "consistency_unavailable",
          zh: `节点拒绝给出从大小 ${previous.size} 到 ${current.size} 的一致性证明 (${proof.problem.status} ${proof.problem.code}): 无法证明日志未被改写。`,
          en: `the node refused the consistency proof from size ${previous.size} to ${current.size} (${proof.problem.status} ${proof.problem.code}): the log cannot be shown not to have been rewritten.`,
          params: { first: previous.size, second: current.size, status: proof.problem.status },
        });
    }
  }

  // 3. The member's entries, in log order, up to the cap.
  const picked: unknown[] = [];
  await call("GET /audit/entries", async () => {
    for await (const item of client.paginate("get", "/audit/entries", {
      params: { query: { member, limit: PAGE_SIZE } },
    })) {
      const index = (item as { leafIndex?: unknown } | null)?.leafIndex;
      if (isSize(index) && index < since) {
        entries.skipped++;
        entries.listed++;
        continue;
      }
      // Appended after the checkpoint was signed: no proof at its size yet.
      if (isSize(index) && index >= current.size) {
        entries.pending++;
        entries.listed++;
        continue;
      }
      if (picked.length >= cap) {
        entries.capped = true;
        if (isSize(index)) entries.nextIndex = index;
        break;
      }
      entries.listed++;
      picked.push(item);
    }
    return { data: undefined };
  });

  // 4. An inclusion proof for each, at the latest checkpoint's size (RFC 9162 §2.1.3).
  const proofs: (InclusionProofJson | undefined)[] = new Array(picked.length);
  const refused = new Set<number>();
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < picked.length) {
      const position = next++;
      const leafIndex = (picked[position] as { leafIndex?: unknown } | null)?.leafIndex;
      if (!isSize(leafIndex)) continue; // verifyAuditLog reports the malformed entry
      try {
        const proof = await refusable(
          `GET /audit/proofs/inclusion?leafIndex=${leafIndex}&treeSize=${current.size}`,
          () =>
            client.request("get", "/audit/proofs/inclusion", {
              params: { query: { leafIndex, treeSize: current.size } },
            }),
        );
        if (proof.ok) proofs[position] = proof.data as InclusionProofJson;
        else {
          refused.add(position);
          issues.push({
            code: "inclusion_unavailable",
            zh: `节点列出了条目 ${leafIndex}, 却拒绝给出它在大小 ${current.size} 的树中的包含证明 (${proof.problem.status} ${proof.problem.code})。`,
            en: `the node listed entry ${leafIndex} but refused its inclusion proof in the tree of size ${current.size} (${proof.problem.status} ${proof.problem.code}).`,
            params: { leafIndex, treeSize: current.size, status: proof.problem.status },
          });
        }
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, picked.length) }, worker));
  if (failure) throw failure.error;

  // 5. The proving itself, offline.
  const evidence = picked
    .map((entry, position) => ({ entry, proof: proofs[position] }))
    .filter((_, position) => !refused.has(position));
  const result = verifyAuditLog({
    verifiers,
    checkpoints,
    consistencyProofs,
    entries: evidence as { entry: AuditEntryJson; proof: InclusionProofJson }[],
  });
  entries.checked = evidence.length;
  entries.verified = result.verifiedEntries.length;

  const about = new Map<number, AuditRunIssue["entry"]>();
  for (const item of picked) {
    const e = item as Partial<AuditEntryJson> | null;
    if (e && isSize(e.leafIndex))
      about.set(e.leafIndex, {
        leafIndex: e.leafIndex,
        ...(typeof e.operation === "string" ? { operation: e.operation } : {}),
        ...(typeof e.time === "string" ? { time: e.time } : {}),
      });
  }
  const all: AuditRunIssue[] = [
    ...issues,
    ...result.issues.map((issue) => whose(issue, saved !== undefined)),
  ].map((issue) => {
    const entry = isSize(issue.params.leafIndex) ? about.get(issue.params.leafIndex) : undefined;
    return entry ? { ...issue, entry } : issue;
  });

  const history = new Set(["checkpoint_invalid", "checkpoint_fork", "checkpoint_origin_mismatch"]);
  const consistency =
    previous === undefined
      ? undefined
      : {
          from: previous.size,
          to: current.size,
          verified: !all.some(
            (i) =>
              history.has(i.code) ||
              i.code.startsWith("consistency_") ||
              i.code === "checkpoint_rollback",
          ),
        };
  const ok = result.ok && all.length === 0;
  return {
    ok,
    ...(result.origin === undefined ? {} : { origin: result.origin }),
    checkpoint: { size: current.size, rootHash: b64(current.rootHash) },
    ...(previous ? { previous: { size: previous.size, rootHash: b64(previous.rootHash) } } : {}),
    ...(consistency ? { consistency } : {}),
    entries,
    issues: all,
    ...(ok
      ? {
          latest: {
            origin: current.origin,
            size: current.size,
            root: b64(current.rootHash),
            note,
          },
        }
      : {}),
  };
}
