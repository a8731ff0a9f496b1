/**
 * The exchange node's HTTP server (fastify 5): every operation of specs/exchange v1, routed from
 * the embedded spec. The protocol is done here once for every operation —
 *
 * 1. the request id (X-Request-Id kept when well-formed, else a UUID);
 * 2. the signature (RFC 9421, govex profile) under the signer's registered key, with the nonce
 *    store in the database so that a replay is refused on every node (RFC 9421 §7.2.2), and the
 *    Content-Digest of a body (RFC 9530);
 * 3. the parameters and the JSON body checked against the spec's schemas;
 * 4. Idempotency-Key on every non-safe method, stored in the database (missing → 400, reused
 *    with another request → 422, in flight → 409);
 * 5. the handler;
 * 6. the audit leaf of every write and every data access, committed before the answer leaves;
 * 7. the answer signed and bound to the request's signature (RFC 9421 §2.4), errors included,
 *    as RFC 9457 problem+json from the spec's registry.
 * @module
 */
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type AnswerSigning,
  answerHeaders,
  charsetError,
  frameworkProblem,
  incomingRequest,
  JSON_CONTENT_TYPE,
  PROBLEM_CONTENT_TYPE,
  type ProblemAnswer,
  parseJsonBody,
  problem,
  requestId,
  sendProblem,
  signAnswer,
  signatureProblem,
  utf8BodyParser,
  verifyIncoming,
} from "@govex/adapter";
import { type NonceStore, type Signer, signResponse } from "@govex/security";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import type { Registry } from "prom-client";
import type { KeyRegistry } from "../registry/keys.js";
import {
  type IdempotencyStore,
  idempotencyFingerprint,
  isValidIdempotencyKey,
  type StoredResponse,
} from "../store/index.js";
import type { NodeMetrics } from "./metrics.js";
import type {
  AuditFacts,
  Caller,
  NodeServices,
  OperationHandlers,
  OperationRequest,
  OperationResult,
} from "./operation.js";
import {
  isNodeProblem,
  type Lang,
  type NodeProblem,
  nodeInternalProblem,
  unexpectedProblem,
} from "./problem.js";
import {
  collectParameters,
  EXCHANGE_OPERATIONS,
  type SpecOperation,
  specValidators,
  toProblemIssue,
  validateAgainst,
} from "./spec.js";

export interface ExchangeServerOptions {
  services: NodeServices;
  handlers: OperationHandlers;
  keys: KeyRegistry;
  nonces: NonceStore;
  idempotency: IdempotencyStore;
  metrics: NodeMetrics;
  registry: Registry;
  /** Path prefix of the operations (default `/v1`, as the spec's `servers`). */
  basePath?: string;
  logger?: FastifyServerOptions["logger"];
  loggerInstance?: FastifyBaseLogger;
  /** Largest JSON body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Largest NDJSON batch in bytes (default 64 MiB). */
  batchLimit?: number;
  /** Language of problem details (default zh-CN; `Accept-Language: en` switches per request). */
  lang?: Lang;
  /** `scheme://host[:port]` callers address, when a proxy terminates TLS in front of the node. */
  publicOrigin?: string;
  /** Checks for GET /ready besides the database. */
  ready?: () => Promise<Record<string, "ok" | "down">>;
}

declare module "fastify" {
  interface FastifyContextConfig {
    operation?: string;
  }
}

const SAFE = new Set(["GET", "HEAD"]);
/** Data operations: audited even when refused. */
const DATA_ACCESS = new Set(["queryRecords", "getRecord", "verifyRecord", "pullBatch"]);

/**
 * A request as the log shows it: method and path, never the query (purpose, filter values) nor a
 * record key in the path (a 公民身份号码): the log is not a second copy of the data.
 */
export function logPath(url: string): string {
  const path = url.split("?", 1)[0] ?? "";
  return path.replace(/(\/records\/)[^/]+$/, "$1{key}");
}

function withPrivateRequests(
  logger: FastifyServerOptions["logger"],
): FastifyServerOptions["logger"] {
  if (!logger) return logger;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: {
      ...(base as { serializers?: object }).serializers,
      req: (req: { method: string; url: string; id?: string }) => ({
        method: req.method,
        url: logPath(req.url),
      }),
    },
  };
}

/** `{name}` path templates as fastify routes. */
const routeUrl = (basePath: string, path: string) => basePath + path.replace(/\{([^}]+)\}/g, ":$1");

export function createExchangeServer(options: ExchangeServerOptions): FastifyInstance {
  const { services, handlers, keys, nonces, idempotency, metrics } = options;
  const defaultLang = options.lang ?? "zh-CN";
  const basePath = (options.basePath ?? "/v1").replace(/\/+$/, "");
  const signer: Signer = services.signer;

  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: withPrivateRequests(options.logger ?? false) }),
    bodyLimit: Math.max(options.bodyLimit ?? 1024 * 1024, options.batchLimit ?? 64 * 1024 * 1024),
    // No deadline on a whole request: a pushed batch of a gigabyte streams for minutes. An idle
    // socket (a stalled upload included) is closed after connectionTimeout; headers within
    // Node's headersTimeout.
    requestTimeout: 0,
    connectionTimeout: 120_000,
    keepAliveTimeout: 72_000,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 2048 },
    genReqId: requestId,
    frameworkErrors: (error, request, reply) => {
      // Router errors (bad percent-encoding, over-long segments) bypass every hook.
      answerHeaders(request, reply);
      void sendProblem(request, reply, frameworkProblem(error, langOf(request)), signing);
    },
  });

  const langOf = (request: FastifyRequest): Lang => {
    const accept = request.headers["accept-language"];
    if (typeof accept === "string" && /^\s*en\b/i.test(accept)) return "en";
    if (typeof accept === "string" && /^\s*zh\b/i.test(accept)) return "zh-CN";
    return defaultLang;
  };

  const signing: AnswerSigning = {
    signer,
    lang: langOf,
    internal: nodeInternalProblem,
    ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
  };

  const nodeProblemAnswer = (error: NodeProblem, lang: Lang): ProblemAnswer => ({
    problem: error.toProblem(lang),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    ...(error.slug === "internal" ? { logError: error } : {}),
  });

  app.addHook("onRequest", async (request, reply) => answerHeaders(request, reply));
  // Every answer is signed, errors and fastify's own 404/413/415 included (RFC 9421 §2.4).
  app.addHook("onSend", (request, reply, payload) =>
    isStream(payload)
      ? signStreamHead(request, reply, payload, signing)
      : signAnswer(request, reply, payload, signing),
  );
  app.addHook("onResponse", async (request, reply) => {
    metrics.observe(
      request.routeOptions.config.operation ?? "unknown",
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.addHook("onReady", async () => {
    await specValidators();
  });

  // Bodies stay bytes until the signature and digest are checked (RFC 9530 §2).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer", bodyLimit: options.bodyLimit ?? 1024 * 1024 },
    utf8BodyParser,
  );
  // NDJSON batches stay a stream: the handler reads them line by line and checks their
  // Content-Digest at the end (packages/node/src/bulk); only a declared length over the limit is
  // refused here, before a byte is read.
  const batchLimit = options.batchLimit ?? 4 * 1024 ** 3;
  app.addContentTypeParser("application/x-ndjson", (request, payload, done) => {
    const length = Number(request.headers["content-length"] ?? 0);
    if (length > batchLimit)
      return done(Object.assign(new Error("batch too large"), { statusCode: 413 }), undefined);
    const refused = charsetError(request);
    if (refused) return done(refused, undefined);
    done(null, payload);
  });

  app.setErrorHandler((error, request, reply) => {
    const lang = langOf(request);
    const framework = error as { code?: string; statusCode?: number };
    // fastify's own errors carry a status; what a hook threw (a key lookup, a nonce claim) does not.
    const answer =
      framework.statusCode === undefined
        ? unexpectedProblem(error, lang)
        : frameworkProblem(framework, lang);
    return sendProblem(request, reply, answer);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split("?", 1)[0] ?? "").slice(0, 200);
    return sendProblem(request, reply, {
      problem: problem("not-found", {
        code: "route_not_found",
        detail:
          langOf(request) === "en"
            ? `There is no ${request.method} ${path} operation: check it against specs/exchange v1.`
            : `没有 ${request.method} ${path} 这个接口。请对照交换节点接口规范 v1 核对方法和路径。`,
      }),
    });
  });

  /** The caller of a signed request, or a problem. */
  async function authenticate(
    request: FastifyRequest,
    body: Buffer | undefined,
    lang: Lang,
  ): Promise<Caller | ProblemAnswer> {
    const result = await verifyIncoming(incomingRequest(request, options.publicOrigin), body, {
      keys: keys.resolver,
      nonces,
      locale: lang,
    });
    if (!result.ok) {
      metrics.signatureRefused(result.code);
      request.log.info({ code: result.code }, "request signature refused");
      return { problem: signatureProblem(result) };
    }
    const member = await keys.memberOf(result.keyId);
    if (member === undefined)
      return { problem: problem("unknown-key", { code: "signature_unknown_key" }) };
    return { member, keyId: result.keyId, operator: member === services.operator };
  }

  async function audit(
    operation: SpecOperation,
    caller: Caller,
    request: FastifyRequest,
    status: number,
    facts: AuditFacts,
  ): Promise<void> {
    await services.audit.append({
      operation: operation.operationId,
      caller: caller.member,
      requestId: request.id,
      status,
      ...facts,
    });
  }

  async function handle(operation: SpecOperation, request: FastifyRequest, reply: FastifyReply) {
    const lang = langOf(request);
    const raw = Buffer.isBuffer(request.body) ? request.body : undefined;
    // A streamed body (NDJSON): its signature is checked now, its Content-Digest by the handler.
    const stream = isStream(request.body) ? request.body : undefined;
    let caller: Caller | undefined;
    if (!operation.public) {
      const authenticated = await authenticate(request, raw, lang);
      if (!("member" in authenticated)) return sendProblem(request, reply, authenticated);
      caller = authenticated;
    }
    const safe = SAFE.has(request.method);
    // Every write and every data access is audited — refused ones too, with their status.
    const audited = caller !== undefined && (!safe || DATA_ACCESS.has(operation.operationId));
    /** A refused or failed access's leaf; a failed append is logged, the answer still goes. */
    const auditRefusal = async (status: number, facts: AuditFacts) => {
      if (audited)
        await audit(operation, caller as Caller, request, status, facts).catch((error: unknown) =>
          request.log.error({ err: error }, "audit append failed"),
        );
    };
    const refuse = async (answer: ProblemAnswer) => {
      await auditRefusal(answer.problem.status, {});
      return sendProblem(request, reply, answer);
    };
    const idempotencyKey = request.headers["idempotency-key"];
    if (!safe && idempotencyKey === undefined)
      return refuse({
        problem: problem("idempotency-key-missing", {
          detail:
            lang === "en"
              ? "A non-safe request needs an Idempotency-Key header: send a new random key per request and reuse it only to retry."
              : "非安全请求必须带 Idempotency-Key 请求头。每个请求用一个新的随机键, 仅在重试时重用。",
        }),
      });

    const search = new URL(request.url, "http://node.invalid").searchParams;
    const params = collectParameters(operation, {
      params: request.params as Record<string, string>,
      search,
      headers: request.headers,
    });
    const issues = await validateAgainst(`params.${operation.operationId}`, params, lang);
    // An invalid path parameter identifies nothing: 404 where the operation declares no 400.
    if (
      issues.length > 0 &&
      !operation.responses["400"] &&
      issues.every((issue) => issue.path.startsWith("/path"))
    )
      return refuse({
        problem: problem("not-found", {
          code: "not_found",
          detail: issues[0]?.message ?? "",
          errors: issues.map(toProblemIssue),
        }),
      });
    if (issues.length > 0)
      return refuse({
        problem: problem("bad-request", {
          code: "parameter_invalid",
          detail: issues[0]?.message ?? "",
          errors: issues.map(toProblemIssue),
        }),
      });

    let body: unknown;
    const bodySpec = operation.requestBody;
    const contentType = (request.headers["content-type"] ?? "").split(";", 1)[0]?.trim();
    if (bodySpec && raw !== undefined && contentType === "application/json") {
      const parsed = parseJsonBody(raw, lang);
      if (!parsed.ok)
        return refuse({
          problem: problem("bad-request", {
            code: parsed.issue.code,
            detail: parsed.issue.message,
            errors: [parsed.issue],
          }),
        });
      body = parsed.value;
      if (bodySpec.schema) {
        const bodyIssues = await validateAgainst(bodySpec.schema, body, lang);
        if (bodyIssues.length > 0)
          return refuse({
            problem: problem("validation-failed", {
              detail: bodyIssues[0]?.message ?? "",
              errors: bodyIssues.map(toProblemIssue),
            }),
          });
      }
    } else if (
      bodySpec?.required &&
      stream === undefined &&
      (raw === undefined || raw.length === 0)
    ) {
      return refuse({
        problem: problem("bad-request", {
          code: "body_required",
          detail:
            lang === "en"
              ? `The request body is missing: send ${bodySpec.contentTypes.join(" or ")}.`
              : `缺少请求体。请以 ${bodySpec.contentTypes.join(" 或 ")} 发送。`,
        }),
      });
    } else if (
      bodySpec &&
      (raw !== undefined || stream !== undefined) &&
      !bodySpec.contentTypes.includes(contentType ?? "")
    ) {
      return refuse(frameworkProblem({ statusCode: 415 }, lang));
    }

    // Idempotency (specs/exchange v1 conventions): one execution per key and caller.
    let claim: Awaited<ReturnType<IdempotencyStore["begin"]>> | undefined;
    if (
      !safe &&
      caller &&
      typeof idempotencyKey === "string" &&
      isValidIdempotencyKey(idempotencyKey)
    ) {
      claim = await idempotency.begin({
        scope: caller.member,
        key: idempotencyKey,
        fingerprint: idempotencyFingerprint({
          method: request.method,
          target: request.url,
          ...(raw !== undefined
            ? { body: raw }
            : stream !== undefined
              ? // Not read yet: its signed Content-Digest stands for it.
                { body: `stream\n${request.headers["content-digest"] ?? ""}` }
              : {}),
        }),
      });
      if (claim.kind === "replay") {
        const stored = claim.response;
        reply.code(stored.status).headers(stored.headers);
        reply.header("idempotent-replayed", "true");
        return reply.send(Buffer.from(stored.body));
      }
      if (claim.kind === "in_flight")
        return refuse({
          problem: problem("idempotency-in-flight", {
            detail:
              lang === "en"
                ? "A request with this Idempotency-Key is still being processed: retry later."
                : "同一幂等键的请求仍在处理, 请稍后重试。",
          }),
        });
      if (claim.kind === "mismatch")
        return refuse({
          problem: problem("idempotency-key-reused", {
            detail:
              lang === "en"
                ? "This Idempotency-Key was used for a different request: use a new key for a new request."
                : "该幂等键已用于另一个请求。新的请求请使用新的幂等键。",
          }),
        });
    }

    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort(new Error("the caller went away"));
    };
    reply.raw.once("close", onClose);
    const facts: AuditFacts = {};
    const operationRequest: OperationRequest = {
      operationId: operation.operationId,
      requestId: request.id,
      caller,
      path: params.path,
      query: params.query,
      header: params.header,
      body: stream ?? body,
      rawBody: raw,
      ...(typeof request.headers.signature === "string"
        ? { signature: request.headers.signature }
        : {}),
      lang,
      signal: controller.signal,
      log: request.log,
    };
    let result: OperationResult;
    try {
      const handler = handlers[operation.operationId];
      if (!handler) throw new Error(`no handler for ${operation.operationId}`);
      result = await handler(operationRequest, services, facts);
      if (audited) await audit(operation, caller as Caller, request, result.status, facts);
    } catch (error) {
      reply.raw.off("close", onClose);
      const answer: ProblemAnswer = isNodeProblem(error)
        ? nodeProblemAnswer(error, lang)
        : unexpectedProblem(error, lang);
      // Refused and failed accesses are audited too, with their outcome.
      await auditRefusal(answer.problem.status, facts);
      if (claim?.kind === "claimed") {
        if (answer.problem.status < 500) {
          const text = JSON.stringify({ ...answer.problem, instance: request.id });
          await idempotency.complete(claim.claim, {
            status: answer.problem.status,
            headers: { "content-type": PROBLEM_CONTENT_TYPE },
            body: Buffer.from(text, "utf8"),
          });
        } else await idempotency.release(claim.claim).catch(() => {});
      }
      return sendProblem(request, reply, answer);
    }
    reply.raw.off("close", onClose);

    if (result.stream !== undefined) {
      if (claim?.kind === "claimed") await idempotency.release(claim.claim).catch(() => {});
      reply.code(result.status).headers({
        ...(result.headers ?? {}),
        "content-type": result.contentType ?? "application/octet-stream",
      });
      return reply.send(Readable.from(result.stream, { objectMode: false }));
    }
    const payload =
      result.raw !== undefined
        ? Buffer.isBuffer(result.raw)
          ? result.raw
          : Buffer.from(result.raw, "utf8")
        : result.body === undefined
          ? undefined
          : Buffer.from(JSON.stringify(result.body), "utf8");
    const headers: Record<string, string> = { ...(result.headers ?? {}) };
    if (payload !== undefined) headers["content-type"] = result.contentType ?? JSON_CONTENT_TYPE;
    if (claim?.kind === "claimed") {
      const stored: StoredResponse = {
        status: result.status,
        headers,
        body: payload ?? new Uint8Array(),
      };
      await idempotency.complete(claim.claim, stored);
    }
    reply.code(result.status).headers(headers);
    return payload === undefined ? reply.send() : reply.send(payload);
  }

  for (const operation of Object.values(EXCHANGE_OPERATIONS)) {
    app.route({
      method: operation.method.toUpperCase() as "GET",
      url: routeUrl(basePath, operation.path),
      config: { operation: operation.operationId },
      handler: (request, reply) => handle(operation, request, reply),
    });
  }

  return app;
}

const isStream = (value: unknown): value is Readable => value instanceof Readable;

/**
 * The signature of a streamed answer: `@status` and the content type, bound to the request
 * (RFC 9421 §2.4), without Content-Digest — the content does not exist yet; the stream carries
 * its own completeness check (packages/node/src/data, the export's last line).
 */
async function signStreamHead(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: Readable,
  signing: AnswerSigning,
): Promise<Readable | string> {
  try {
    const contentType = reply.getHeader("content-type");
    const incoming = incomingRequest(request, signing.publicOrigin);
    const signature = await signResponse(
      {
        status: reply.statusCode,
        headers: contentType === undefined ? {} : { "content-type": String(contentType) },
      },
      { method: incoming.method, url: incoming.origin + incoming.url, headers: incoming.headers },
      { signer: signing.signer },
    );
    reply.headers({ ...signature });
    return payload;
  } catch (error) {
    payload.destroy();
    request.log.error({ err: error }, "signing the response failed");
    reply.code(500).type(PROBLEM_CONTENT_TYPE);
    const internal = (signing.internal ?? nodeInternalProblem)(signing.lang(request));
    return JSON.stringify({ ...internal, instance: request.id });
  }
}

/** The base URL a listening server answers on. */
export function listeningUrl(app: FastifyInstance, basePath = "/v1"): string {
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}${basePath}`;
}
