/**
 * What a handler of a specs/exchange v1 operation receives and returns. The server does the
 * protocol — signature, parameters and body checked against the spec, Idempotency-Key, the
 * signed answer, the audit leaf — so a handler is the operation's own logic only.
 */
import type { Signer } from "@govex/security";
import type { FastifyBaseLogger } from "fastify";
import type { AuditEntryInput, AuditLog } from "../audit/index.js";
import type { Clock } from "../calendar/index.js";
import type { CursorSeal } from "../data/cursor-seal.js";
import type { Db } from "../store/index.js";
import type { Lang } from "./problem.js";
import type { ProviderGateway } from "./provider-gateway.js";

/** The authenticated caller: the member whose registered key signed the request. */
export interface Caller {
  /** The member's 统一社会信用代码 (GB 32100-2015). */
  member: string;
  keyId: string;
  /** The member operates this exchange (registers members, replays dead letters, sees all). */
  operator: boolean;
}

export interface OperationRequest {
  operationId: string;
  requestId: string;
  /** Undefined only for the spec's public operations (`security: []`). */
  caller: Caller | undefined;
  path: Record<string, string>;
  /** Query parameters as the spec types them, checked against it; defaults not filled in. */
  query: Record<string, unknown>;
  /** Header parameters of the operation, by lower-case name. */
  header: Record<string, string>;
  /**
   * The JSON body, checked against the operation's schema; for a streamed media type
   * (application/x-ndjson) the unread request stream, its Content-Digest not yet checked.
   */
  body: unknown;
  rawBody: Buffer | undefined;
  /** The request's Signature field (RFC 9421), to bind what a handler signs itself to it. */
  signature?: string;
  lang: Lang;
  /** Aborted when the caller goes away. */
  signal: AbortSignal;
  log: FastifyBaseLogger;
}

/** What the audit leaf of this access records beyond caller, operation, request id and status. */
export type AuditFacts = Pick<
  AuditEntryInput,
  "provider" | "resourceCode" | "fields" | "purpose" | "shareRequestId"
>;

export interface OperationResult {
  status: number;
  /** JSON-serialized unless `raw` (with `contentType`) is given. */
  body?: unknown;
  raw?: Buffer | string;
  /**
   * A streamed body (e.g. an NDJSON export), sent as it is produced: the signature covers the
   * status and headers only (no Content-Digest can precede the content), so the stream carries
   * its own completeness check. Only for safe operations (nothing to store for Idempotency-Key).
   */
  stream?: AsyncIterable<Uint8Array>;
  contentType?: string;
  headers?: Record<string, string>;
}

/** The node's services, shared by every handler. */
export interface NodeServices {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  /** The node's own key: signs responses and requests to providers. */
  signer: Signer;
  providers: ProviderGateway;
  /** Seals provider cursors before consumers see them. */
  cursors: CursorSeal;
  /** The operator member's code. */
  operator: string;
  /** Node version, reported by health. */
  version: string;
  /** The audit log's checkpoint origin, e.g. "exchange.example.gov.cn/audit". */
  auditOrigin: string;
  /** Limits of pushed batches (bulk exchange); defaults in packages/node/src/bulk. */
  bulk?: Partial<{ maxBytes: number; maxRows: number; maxLineBytes: number }>;
  /** Sign the current tree head and return the note (C2SP signed note). */
  checkpoint(): Promise<{ note: string; size: number }>;
}

/** A handler; throw NodeProblem for a refusal. `facts` fills the audit leaf. */
export type OperationHandler = (
  request: OperationRequest,
  node: NodeServices,
  facts: AuditFacts,
) => Promise<OperationResult>;

/** Handlers by operationId. */
export type OperationHandlers = Record<string, OperationHandler>;

/** The caller of an operation the spec does not make public. */
export function callerOf(request: OperationRequest): Caller {
  if (request.caller === undefined) throw new Error(`${request.operationId} needs a caller`);
  return request.caller;
}
