/**
 * specs/exchange v1 `bulk`: a provider pushes NDJSON batches of a resource's records and gets a
 * receipt (counts, the Content-Digest — SHA-256 and SM3 — of the batch, the rejected lines with
 * their reasons), signed by the server as the response; the receipt can be read again by id.
 *
 * - pushBatch: only the resource's provider (403 otherwise; 404 for an unknown resource, 409
 *   for a withdrawn one). The body is read as a stream (batch-ingest.ts): every line checked
 *   and validated, the good ones written in checkpoints that stay invisible until the whole
 *   batch is in and its Content-Digest matches; then one update makes it complete. With
 *   `Govex-Batch-Id` a cut upload is resumed (the same body sent again; the lines held skipped).
 * - getBatchReceipt: the provider that pushed it, or the operator; 404 for anyone else. A batch
 *   still arriving answers its progress (`state: receiving`).
 */
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { newId } from "../events/event-rows.js";
import type { NodeServices } from "../server/operation.js";
import { callerOf, type OperationHandlers, type OperationRequest } from "../server/operation.js";
import { conflict, forbidden, NodeProblem, notFound } from "../server/problem.js";
import { BatchDigests } from "./batch-digests.js";
import {
  BatchIngest,
  type BatchProgress,
  type BatchRejection,
  DEFAULT_BULK_LIMITS,
  EMPTY_PROGRESS,
  insertRows,
  LEASE_SECONDS,
  leaseLost,
  renewLease,
} from "./batch-ingest.js";
import { recordRules } from "./record-rules.js";

export { type BatchRejection, MAX_LISTED_REJECTIONS } from "./batch-ingest.js";

/** Abandoned uploads (`receiving`, untouched this long) are deleted by the next push. */
export const RECEIVING_RETENTION_HOURS = 24;

/** specs/exchange v1 BatchReceipt. */
export interface BatchReceipt {
  batchId: string;
  resourceCode: string;
  /** `receiving` while a batch is arriving (or was cut off); `complete` once accepted whole. */
  state?: "receiving" | "complete";
  /** Bytes of the batch held (all of it once complete). */
  bytes?: number;
  received: number;
  accepted: number;
  rejected: number;
  digest: string;
  receivedAt: string;
  auditLeafIndex?: number;
  rejections: BatchRejection[];
}

interface ResourceRow {
  provider_code: string;
  status: string;
  entry: unknown;
}

interface BatchRow extends Record<string, unknown> {
  resource_code: string;
  provider_code: string;
  state: "receiving" | "complete";
  request_digest: string | null;
  receipt: BatchReceipt;
  bytes: string | number;
  lines: string | number;
  received: number;
  accepted: number;
  rejected: number;
  rejections: BatchRejection[];
  digest: string;
  received_at: Date;
}

const resourceCodeOf = (request: OperationRequest) =>
  `${request.path.prefix as string}/${request.path.suffix as string}`;

const resourceNotFound = (code: string) =>
  notFound({ zh: `信息资源 ${code} `, en: `The resource ${code}` });

const EMPTY_DIGEST = new BatchDigests().snapshot();

/** The body's chunks: the request stream, or a Buffer (a handler called directly) in slices. */
async function* chunksOf(request: OperationRequest): AsyncGenerator<Uint8Array> {
  if (request.rawBody !== undefined) {
    for (let i = 0; i < request.rawBody.length; i += 64 * 1024)
      yield request.rawBody.subarray(i, i + 64 * 1024);
    return;
  }
  const stream = request.body as Readable | undefined;
  if (stream === undefined || typeof stream[Symbol.asyncIterator] !== "function") return;
  for await (const chunk of stream) yield chunk as Uint8Array;
}

const emptyBatch = () =>
  new NodeProblem("bad-request", {
    code: "batch_empty",
    zh: "批次为空：请求体中没有任何记录。请以 application/x-ndjson 每行发送一条记录。",
    en: "The batch is empty: the body holds no record. Send one record per line as application/x-ndjson.",
    errors: [{ path: "/body", code: "batch_empty", message: "no record" }],
  });

const digestMismatch = () =>
  new NodeProblem("content-digest-mismatch", {
    code: "content_digest_mismatch",
    zh: "批次内容与请求的 Content-Digest 不符，已整批拒收。请重新计算摘要后重新推送(RFC 9530 §2)。",
    en: "The batch does not match the request's Content-Digest and was refused whole: compute the digest again and push again (RFC 9530 §2).",
  });

const receiptOf = (row: BatchRow, batchId: string, auditLeafIndex: unknown): BatchReceipt => {
  const base: BatchReceipt =
    row.state === "complete"
      ? row.receipt
      : {
          batchId,
          resourceCode: row.resource_code,
          state: "receiving",
          bytes: Number(row.bytes),
          received: row.received,
          accepted: row.accepted,
          rejected: row.rejected,
          digest: row.digest,
          receivedAt: row.received_at.toISOString(),
          rejections: row.rejections,
        };
  return auditLeafIndex === null || auditLeafIndex === undefined
    ? base
    : { ...base, auditLeafIndex: Number(auditLeafIndex) };
};

/**
 * Take the batch for this request: a new one, or a `receiving` one whose lease ended (a resume).
 * Returns where it stands, or the stored receipt of a complete batch re-sent with its digest.
 */
async function claimBatch(
  node: NodeServices,
  p: {
    batchId: string;
    resourceCode: string;
    provider: string;
    requestDigest: string | undefined;
    leaseToken: string;
  },
): Promise<{ from: BatchProgress } | { receipt: BatchReceipt }> {
  const now = node.clock.now();
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
  const inserted = await node.db.query(
    `insert into batches (id, resource_code, provider_code, received, accepted, rejected, digest,
                          received_at, receipt, state, request_digest, lease_token, lease_until,
                          updated_at)
     values ($1, $2, $3, 0, 0, 0, $4, $5, '{}'::jsonb, 'receiving', $6, $7, $8, $5)
     on conflict (id) do nothing`,
    [
      p.batchId,
      p.resourceCode,
      p.provider,
      EMPTY_DIGEST,
      now,
      p.requestDigest ?? null,
      p.leaseToken,
      leaseUntil,
    ],
  );
  if (inserted.rowCount === 1) return { from: { ...EMPTY_PROGRESS, digest: EMPTY_DIGEST } };
  const { rows } = await node.db.query<BatchRow>("select * from batches where id = $1", [
    p.batchId,
  ]);
  const row = rows[0];
  if (row === undefined || row.resource_code !== p.resourceCode || row.provider_code !== p.provider)
    throw conflict(
      `批次标识 ${p.batchId} 已被使用。新批次请使用新的随机标识(如 UUID)。`,
      `The batch id ${p.batchId} is taken: use a new random id (e.g. a UUID) for a new batch.`,
      "batch_id_taken",
    );
  if (p.requestDigest !== undefined && row.request_digest !== p.requestDigest)
    throw conflict(
      `批次 ${p.batchId} 的 Content-Digest 与此次请求不同。续传须发送同一批数据;新批次请使用新的批次标识。`,
      `The batch ${p.batchId} was pushed with another Content-Digest: resume with the same batch, or use a new batch id for a new batch.`,
      "batch_resume_mismatch",
    );
  if (row.state === "complete") return { receipt: row.receipt };
  const taken = await node.db.query<BatchRow>(
    `update batches set lease_token = $2, lease_until = $3, updated_at = $4
      where id = $1 and state = 'receiving' and (lease_until is null or lease_until <= $4)
      returning *`,
    [p.batchId, p.leaseToken, leaseUntil, now],
  );
  const held = taken.rows[0];
  if (held === undefined)
    throw new NodeProblem("conflict", {
      code: "batch_in_progress",
      zh: `批次 ${p.batchId} 正在由另一个请求上传。请在 ${LEASE_SECONDS} 秒后重试续传。`,
      en: `The batch ${p.batchId} is being uploaded by another request: retry the resume after ${LEASE_SECONDS} seconds.`,
      retryAfter: LEASE_SECONDS,
    });
  return {
    from: {
      bytes: Number(held.bytes),
      lines: Number(held.lines),
      received: held.received,
      accepted: held.accepted,
      rejected: held.rejected,
      rejections: held.rejections,
      digest: held.digest,
    },
  };
}

/** Delete a batch and its rows (refused whole). */
const dropBatch = (node: NodeServices, batchId: string) =>
  node.db.query("delete from batches where id = $1", [batchId]);

/** Give up the lease of a cut upload at once, so that its resume need not wait it out. */
const releaseLease = (node: NodeServices, batchId: string, leaseToken: string) =>
  node.db
    .query(
      "update batches set lease_until = null where id = $1 and lease_token = $2 and state = 'receiving'",
      [batchId, leaseToken],
    )
    .catch(() => {});

export const bulkHandlers: OperationHandlers = {
  async pushBatch(request, node, facts) {
    const caller = callerOf(request);
    const resourceCode = resourceCodeOf(request);
    facts.resourceCode = resourceCode;
    const { rows } = await node.db.query<ResourceRow & Record<string, unknown>>(
      "select provider_code, status, entry from catalog_resources where resource_code = $1",
      [resourceCode],
    );
    const resource = rows[0];
    if (resource === undefined) throw resourceNotFound(resourceCode);
    facts.provider = resource.provider_code;
    if (resource.provider_code !== caller.member)
      throw forbidden(
        `只有信息资源 ${resourceCode} 的提供方可以推送其批量数据。`,
        `Only the provider of the resource ${resourceCode} pushes batches of it.`,
        "provider_only",
      );
    if (resource.status !== "published")
      throw conflict(
        `信息资源 ${resourceCode} 已撤销，不再接收批量数据。请先重新发布该资源。`,
        `The resource ${resourceCode} is withdrawn and takes no batches: publish it again first.`,
        "resource_withdrawn",
      );

    const limits = { ...DEFAULT_BULK_LIMITS, ...node.bulk };
    const requestDigest = request.header["content-digest"];
    // A streamed body is checked against its signed Content-Digest at the end (a Buffer was
    // checked by the server already).
    if (request.rawBody === undefined && requestDigest === undefined)
      throw new NodeProblem("content-digest-mismatch", {
        code: "content_digest_missing",
        zh: "推送批次须带 Content-Digest 请求头(RFC 9530 §2),并由签名覆盖。",
        en: "A pushed batch needs a Content-Digest header (RFC 9530 §2), covered by the signature.",
      });
    const rules = await recordRules(node.db, {
      resourceCode,
      providerCode: resource.provider_code,
      entry: resource.entry,
    });
    // Uploads abandoned long ago (nobody resumed them) go first; best effort.
    const cutoff = new Date(node.clock.now().getTime() - RECEIVING_RETENTION_HOURS * 3600_000);
    await node.db
      .query("delete from batches where state = 'receiving' and updated_at < $1", [cutoff])
      .catch(() => {});

    const batchId = request.header["govex-batch-id"] ?? newId("b");
    const leaseToken = randomBytes(16).toString("base64url");
    const claimed = await claimBatch(node, {
      batchId,
      resourceCode,
      provider: caller.member,
      requestDigest,
      leaseToken,
    });
    // The same complete batch again (its receipt was lost with the connection): the receipt.
    if ("receipt" in claimed) return { status: 201, body: claimed.receipt };

    const ingest = new BatchIngest({
      db: node.db,
      clock: node.clock,
      batchId,
      leaseToken,
      rules,
      lang: request.lang,
      limits,
      from: claimed.from,
      requestDigest,
    });
    let outcome: Awaited<ReturnType<BatchIngest["end"]>>;
    // The heartbeat: the lease outlives slow stretches of a live upload, never a dead node.
    let beat: Promise<unknown> = Promise.resolve();
    const heartbeat = setInterval(
      () => {
        beat = renewLease(node.db, batchId, leaseToken, node.clock.now()).catch(() => {});
      },
      (LEASE_SECONDS * 1000) / 3,
    );
    heartbeat.unref();
    /** No renewal after this: one in flight would take back a lease given up. */
    const stopHeartbeat = async () => {
      clearInterval(heartbeat);
      await beat;
    };
    try {
      for await (const chunk of chunksOf(request)) {
        request.signal.throwIfAborted();
        await ingest.push(chunk);
      }
      outcome = await ingest.end();
    } catch (error) {
      await stopHeartbeat();
      await ingest.settle();
      // Over a limit: refused whole, nothing kept. Cut off or failed: kept for a resume.
      if (error instanceof NodeProblem && error.slug === "payload-too-large")
        await dropBatch(node, batchId);
      else await releaseLease(node, batchId, leaseToken);
      throw error;
    } finally {
      await stopHeartbeat();
    }
    const { progress, digestOk } = outcome;
    if (!digestOk || progress.received === 0) {
      await dropBatch(node, batchId);
      throw digestOk ? emptyBatch() : digestMismatch();
    }
    const receivedAt = (
      await node.db.query<{ received_at: Date }>("select received_at from batches where id = $1", [
        batchId,
      ])
    ).rows[0]?.received_at;
    const receipt: BatchReceipt = {
      batchId,
      resourceCode,
      state: "complete",
      bytes: progress.bytes,
      received: progress.received,
      accepted: progress.accepted,
      rejected: progress.rejected,
      digest: progress.digest,
      receivedAt: (receivedAt ?? node.clock.now()).toISOString(),
      rejections: progress.rejections,
    };
    const pending = ingest.pendingRows();
    // The rows left and the batch made complete: ONE transaction, the moment it becomes visible.
    await node.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(
        `update batches
            set state = 'complete', bytes = $3, lines = $4, received = $5, accepted = $6,
                rejected = $7, rejections = '[]'::jsonb, digest = $8, receipt = $9::jsonb,
                updated_at = $10, lease_token = null, lease_until = null
          where id = $1 and lease_token = $2 and state = 'receiving'`,
        [
          batchId,
          leaseToken,
          progress.bytes,
          progress.lines,
          receipt.received,
          receipt.accepted,
          receipt.rejected,
          receipt.digest,
          JSON.stringify(receipt),
          node.clock.now(),
        ],
      );
      if (rowCount !== 1) throw leaseLost();
      if (pending !== undefined) await insertRows(tx, batchId, pending);
    });
    return { status: 201, body: receipt };
  },

  async getBatchReceipt(request, node, facts) {
    const caller = callerOf(request);
    const resourceCode = resourceCodeOf(request);
    facts.resourceCode = resourceCode;
    const { rows } = await node.db.query<BatchRow & { audit_leaf_index: unknown }>(
      "select * from batches where id = $1 and resource_code = $2",
      [request.path.batchId as string, resourceCode],
    );
    const batch = rows[0];
    // Anyone but the provider and the operator is told nothing, not even that it exists.
    if (batch === undefined || (batch.provider_code !== caller.member && !caller.operator))
      throw notFound({ zh: "批次", en: "The batch" });
    facts.provider = batch.provider_code;
    const receipt = receiptOf(batch, request.path.batchId as string, batch.audit_leaf_index);
    return { status: 200, body: receipt };
  },
};
