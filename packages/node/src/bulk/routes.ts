/**
 * specs/exchange v1 `bulk`: a provider pushes NDJSON batches of a resource's records and gets a
 * receipt (counts, the RFC 9530 Content-Digest of the body, the rejected lines with their
 * reasons), signed by the server as the response; the receipt can be read again by id.
 *
 * - pushBatch: only the resource's provider (403 otherwise; 404 for an unknown resource, 409
 *   for a withdrawn one). Every line is checked (ndjson-lines.ts) and validated against the
 *   resource's record rules (record-rules.ts); good lines are stored, bad ones listed. The batch,
 *   its receipt and all its accepted rows are written in ONE transaction: all or nothing.
 * - getBatchReceipt: the provider that pushed it, or the operator; 404 for anyone else.
 *
 * The body is processed line by line inside the transaction, rows flushed in chunks, so that
 * reading it from a stream instead of a Buffer (a later issue) changes only the line source.
 */

import { isUtf8 } from "node:buffer";
import { contentDigest } from "@govex/security";
import { newId } from "../events/event-rows.js";
import { callerOf, type OperationHandlers, type OperationRequest } from "../server/operation.js";
import { conflict, forbidden, NodeProblem, notFound } from "../server/problem.js";
import type { Queryable } from "../store/index.js";
import { checkLine, type LineIssue, ndjsonLines } from "./ndjson-lines.js";
import { type RecordRules, recordRules } from "./record-rules.js";

/** specs/exchange v1 `BatchReceipt.rejections` maxItems. */
export const MAX_LISTED_REJECTIONS = 1000;
/** Issues reported per rejected line. */
const MAX_ISSUES_PER_LINE = 10;
/** Accepted rows per INSERT, and the most JSON text one INSERT carries. */
const CHUNK_ROWS = 1000;
const CHUNK_CHARS = 4 * 1024 * 1024;

export interface BatchRejection {
  line: number;
  path?: string;
  code: string;
  message: string;
}

/** specs/exchange v1 BatchReceipt. */
export interface BatchReceipt {
  batchId: string;
  resourceCode: string;
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

const resourceCodeOf = (request: OperationRequest) =>
  `${request.path.prefix as string}/${request.path.suffix as string}`;

const resourceNotFound = (code: string) =>
  notFound({ zh: `信息资源 ${code} `, en: `The resource ${code}` });

/** The key item's value as stored in `batch_records.record_key`. */
function keyOf(record: Record<string, unknown>, keyField: string | undefined): string | null {
  if (keyField === undefined) return null;
  const value = record[keyField];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

/** Stores accepted rows in chunks: one INSERT per chunk, the rows as one jsonb array. */
class RecordWriter {
  private parts: string[] = [];
  private chars = 0;

  constructor(
    private readonly tx: Queryable,
    private readonly batchId: string,
  ) {}

  async add(line: number, key: string | null, record: Record<string, unknown>): Promise<void> {
    // Re-serialized: the value as validated, and always storable as jsonb (ndjson-lines.ts).
    const part = `{"l":${line},"k":${JSON.stringify(key)},"r":${JSON.stringify(record)}}`;
    this.parts.push(part);
    this.chars += part.length;
    if (this.parts.length >= CHUNK_ROWS || this.chars >= CHUNK_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const rows = `[${this.parts.join(",")}]`;
    this.parts = [];
    this.chars = 0;
    await this.tx.query(
      `insert into batch_records (batch_id, line, record_key, record)
       select $1, (r ->> 'l')::integer, r ->> 'k', r -> 'r'
         from jsonb_array_elements($2::jsonb) as r`,
      [this.batchId, rows],
    );
  }
}

/** Validate every line of `body` and store the accepted ones; returns the counts and rejections. */
async function ingest(
  tx: Queryable,
  batchId: string,
  body: Buffer,
  rules: RecordRules,
  request: OperationRequest,
): Promise<{ received: number; accepted: number; rejections: BatchRejection[]; rejected: number }> {
  const lang = request.lang;
  const writer = new RecordWriter(tx, batchId);
  const rejections: BatchRejection[] = [];
  let received = 0;
  let accepted = 0;
  let rejected = 0;
  const reject = (line: number, issues: readonly LineIssue[]) => {
    rejected++;
    for (const issue of issues.slice(0, MAX_ISSUES_PER_LINE)) {
      if (rejections.length >= MAX_LISTED_REJECTIONS) break;
      rejections.push({
        line,
        ...(issue.path === "" ? {} : { path: issue.path }),
        code: issue.code,
        message: issue.message,
      });
    }
  };
  // One UTF-8 check of the whole body; lines are checked one by one only when it fails.
  const allUtf8 = isUtf8(body);
  for (const { line, bytes } of ndjsonLines(body)) {
    received++;
    const checked = checkLine(bytes, lang, allUtf8);
    if (!checked.ok) {
      reject(line, checked.issues);
      continue;
    }
    const issues = rules.validator
      .validate(checked.value, { lang, maxErrors: MAX_ISSUES_PER_LINE })
      .filter((issue) => issue.severity === "error");
    if (issues.length > 0) {
      reject(line, issues);
      continue;
    }
    accepted++;
    await writer.add(line, keyOf(checked.value, rules.keyField), checked.value);
    if (accepted % CHUNK_ROWS === 0) request.signal.throwIfAborted();
  }
  await writer.flush();
  return { received, accepted, rejected, rejections };
}

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

    const body = request.rawBody ?? Buffer.alloc(0);
    const rules = await recordRules(node.db, {
      resourceCode,
      providerCode: resource.provider_code,
      entry: resource.entry,
    });
    const batchId = newId("b");
    const receivedAt = node.clock.now();
    const digest = contentDigest(body, ["sha-256"]);

    const receipt = await node.db.transaction(async (tx) => {
      // The batch row first (the records refer to it), its counts and receipt at the end.
      await tx.query(
        `insert into batches (id, resource_code, provider_code, received, accepted, rejected,
                              digest, received_at, receipt)
         values ($1, $2, $3, 0, 0, 0, $4, $5, '{}'::jsonb)`,
        [batchId, resourceCode, caller.member, digest, receivedAt],
      );
      const counts = await ingest(tx, batchId, body, rules, request);
      if (counts.received === 0)
        throw new NodeProblem("bad-request", {
          code: "batch_empty",
          zh: "批次为空：请求体中没有任何记录。请以 application/x-ndjson 每行发送一条记录。",
          en: "The batch is empty: the body holds no record. Send one record per line as application/x-ndjson.",
          errors: [{ path: "/body", code: "batch_empty", message: "no record" }],
        });
      const receipt: BatchReceipt = {
        batchId,
        resourceCode,
        received: counts.received,
        accepted: counts.accepted,
        rejected: counts.rejected,
        digest,
        receivedAt: receivedAt.toISOString(),
        rejections: counts.rejections,
      };
      await tx.query(
        `update batches set received = $2, accepted = $3, rejected = $4, receipt = $5::jsonb
          where id = $1`,
        [batchId, receipt.received, receipt.accepted, receipt.rejected, JSON.stringify(receipt)],
      );
      return receipt;
    });
    return { status: 201, body: receipt };
  },

  async getBatchReceipt(request, node, facts) {
    const caller = callerOf(request);
    const resourceCode = resourceCodeOf(request);
    facts.resourceCode = resourceCode;
    const { rows } = await node.db.query<{
      receipt: BatchReceipt;
      provider_code: string;
      audit_leaf_index: number | null;
    }>(
      `select receipt, provider_code, audit_leaf_index from batches
        where id = $1 and resource_code = $2`,
      [request.path.batchId as string, resourceCode],
    );
    const batch = rows[0];
    // Anyone but the provider and the operator is told nothing, not even that it exists.
    if (batch === undefined || (batch.provider_code !== caller.member && !caller.operator))
      throw notFound({ zh: "批次", en: "The batch" });
    facts.provider = batch.provider_code;
    const receipt =
      batch.audit_leaf_index === null
        ? batch.receipt
        : { ...batch.receipt, auditLeafIndex: batch.audit_leaf_index };
    return { status: 200, body: receipt };
  },
};
