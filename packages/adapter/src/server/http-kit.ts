/**
 * What every govex HTTP server of the protocol does the same way — the provider runtime here and
 * the exchange node in @govex/node: request ids, no-store answers, UTF-8-only bodies kept as
 * bytes until their digest is checked (RFC 9530 §2), every answer signed and bound to its
 * request (RFC 9421 §2.4), problem+json answers (RFC 9457), and request metrics.
 */
import { randomUUID } from "node:crypto";
import type { Signer } from "@govex/security";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Counter, Histogram, type Registry } from "prom-client";
import {
  internalProblem,
  type Lang,
  type ProblemAnswer,
  type ProviderProblem,
} from "./problems.js";
import { type IncomingRequest, signOutgoing } from "./signatures.js";

/** X-Request-Id values kept as given; anything else is replaced by a fresh UUID. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
export const PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8";
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/** fastify's `genReqId`: the caller's X-Request-Id when well-formed, else a UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Headers of every answer: its request id, and no cache keeps it (RFC 9111 §5.2.2.5). */
export function answerHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("x-request-id", request.id);
  reply.header("cache-control", "no-store");
}

/**
 * The 415 error for a request whose Content-Type names a charset other than UTF-8 (RFC 8259 §8.1:
 * JSON between systems is UTF-8; NDJSON likewise), or undefined.
 */
export function charsetError(request: FastifyRequest): Error | undefined {
  const charset = CHARSET.exec(request.headers["content-type"] ?? "")?.[1];
  return charset !== undefined && charset.toLowerCase() !== "utf-8"
    ? Object.assign(new Error(`charset ${charset}`), { statusCode: 415 })
    : undefined;
}

/** A content-type parser that keeps the body as bytes and refuses a non-UTF-8 charset (415). */
export function utf8BodyParser(
  request: FastifyRequest,
  body: Buffer,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const refused = charsetError(request);
  if (refused) done(refused, undefined);
  else done(null, body);
}

/** The request as its signature saw it, at the origin the caller addressed. */
export function incomingRequest(request: FastifyRequest, publicOrigin?: string): IncomingRequest {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    origin: publicOrigin ?? `${request.protocol}://${request.host}`,
  };
}

export interface AnswerSigning {
  signer: Signer;
  publicOrigin?: string;
  lang: (request: FastifyRequest) => Lang;
  /** The 500 an answer that cannot be signed becomes (default: the provider's internal problem). */
  internal?: (lang: Lang) => ProviderProblem;
}

/**
 * The payload as bytes with the answer's signature fields set. When the signer fails (an HSM
 * out of reach) the answer cannot be signed: it becomes an unsigned 500, which a caller that
 * verifies refuses — never a hang.
 */
export async function signAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  signing: AnswerSigning,
): Promise<Buffer | string> {
  const body =
    payload === null || payload === undefined
      ? Buffer.alloc(0)
      : Buffer.isBuffer(payload)
        ? payload
        : Buffer.from(String(payload), "utf8");
  try {
    // Fastify sends no Content-Type with a 204 (RFC 9110 §15.3.5): the signature must not cover one.
    if (reply.statusCode === 204) reply.removeHeader("content-type");
    const contentType = reply.getHeader("content-type");
    const signature = await signOutgoing(
      incomingRequest(request, signing.publicOrigin),
      {
        status: reply.statusCode,
        headers: contentType === undefined ? {} : { "content-type": String(contentType) },
      },
      body,
      signing.signer,
    );
    reply.headers({ ...signature });
    return body;
  } catch (error) {
    request.log.error({ err: error }, "signing the response failed");
    reply.code(500).type(PROBLEM_CONTENT_TYPE).removeHeader("retry-after");
    const internal = (signing.internal ?? internalProblem)(signing.lang(request));
    return JSON.stringify({ ...internal, instance: request.id });
  }
}

/**
 * Answer with a problem. `sign` signs here, for answers sent from fastify's framework-error
 * path, which skips the onSend hook that signs everything else.
 */
export async function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: ProblemAnswer,
  sign?: AnswerSigning,
): Promise<FastifyReply> {
  if (answer.logError !== undefined) request.log.error({ err: answer.logError }, "request failed");
  const body = JSON.stringify({ ...answer.problem, instance: request.id });
  reply.code(answer.problem.status).type(PROBLEM_CONTENT_TYPE);
  if (answer.retryAfter !== undefined) reply.header("retry-after", String(answer.retryAfter));
  return reply.send(sign ? await signAnswer(request, reply, body, sign) : body);
}

/** Reuse a metric already in the registry (two servers may share one registry). */
export function registeredMetric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** `<prefix>_requests_total` and `<prefix>_request_duration_seconds`, by operation and status. */
export function requestMetrics(
  registry: Registry,
  prefix: string,
): (operation: string, status: number, seconds: number) => void {
  const requests = registeredMetric(
    registry,
    `${prefix}_requests_total`,
    () =>
      new Counter({
        name: `${prefix}_requests_total`,
        help: "Requests answered, by operation and status",
        labelNames: ["operation", "status"],
        registers: [registry],
      }),
  );
  const durations = registeredMetric(
    registry,
    `${prefix}_request_duration_seconds`,
    () =>
      new Histogram({
        name: `${prefix}_request_duration_seconds`,
        help: "Time to answer a request, by operation and status",
        labelNames: ["operation", "status"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  return (operation, status, seconds) => {
    const labels = { operation, status: String(status) };
    requests.inc(labels);
    durations.observe(labels, seconds);
  };
}
