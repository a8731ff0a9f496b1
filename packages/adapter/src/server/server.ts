/**
 * The provider runtime: a fastify 5 server that serves specs/provider v1 over any {@link Adapter}.
 * Every spec operation's request signature is verified before the adapter is called; every
 * response, errors included, is signed and bound to the request's signature; errors are
 * RFC 9457 problem+json from the registry of specs/exchange v1.
 * @module
 */
import type { AddressInfo } from "node:net";
import {
  type KeyResolver,
  MemoryNonceStore,
  type NonceStore,
  type Signer,
  type Verifier,
} from "@govex/security";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from "fastify";
import { Registry } from "prom-client";
import type { AccessContext, Adapter, Description } from "../adapter.js";
import { AdapterError } from "../errors.js";
import { parseJsonBody } from "./body.js";
import {
  type AnswerSigning,
  answerHeaders,
  incomingRequest,
  JSON_CONTENT_TYPE,
  requestId,
  sendProblem,
  signAnswer,
  utf8BodyParser,
} from "./http-kit.js";
import { createMetrics } from "./metrics.js";
import { collectInput, type OperationInput, operationValidators } from "./params.js";
import {
  adapterProblem,
  frameworkProblem,
  type Lang,
  problem,
  signatureProblem,
} from "./problems.js";
import { PROVIDER_ROUTES, type ProviderRoute } from "./routes.js";
import { verifyIncoming } from "./signatures.js";

export interface ProviderServerTimeouts {
  /** Milliseconds an adapter call may take before the answer is 503 `unavailable` (default 10 000). */
  adapter?: number;
  /** Milliseconds to receive a whole request (Node's `requestTimeout`, default 30 000). */
  request?: number;
  /** Milliseconds an idle keep-alive connection stays open (default 72 000). */
  keepAlive?: number;
}

export interface ProviderServerOptions {
  adapter: Adapter;
  /** The provider's key: signs every response (ed25519, ecdsa-p256-sha256, sm2-sm3, …). */
  signer: Signer;
  /** The exchange node's public keys, by key id. */
  exchangeKeys: KeyResolver | ReadonlyMap<string, Verifier>;
  /** Path prefix of the spec operations (default `/v1`, as in the spec's `servers`). */
  basePath?: string;
  /** fastify's pino logger options (default off). */
  logger?: FastifyServerOptions["logger"];
  /** A pino-compatible logger instance instead of `logger`. */
  loggerInstance?: FastifyBaseLogger;
  /** prom-client registry for the metrics (default a new one). */
  registry?: Registry;
  /** Refuse unsigned requests (default true; false only for local development). */
  requireSignature?: boolean;
  /** Nonces seen, against replay (RFC 9421 §7.2.2); default an in-memory store. */
  nonceStore?: NonceStore;
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  timeouts?: ProviderServerTimeouts;
  /** Language of problem `detail` and `errors[].message` (default zh-CN; `title` is always zh-CN). */
  lang?: Lang;
  /**
   * `scheme://host[:port]` the exchange addresses, when a proxy terminates TLS in front of the
   * provider; `@target-uri` is checked against it (default: the request's own scheme and Host).
   */
  publicOrigin?: string;
  /** Seconds in Retry-After on 503 answers, unless the adapter error says (default 5). */
  retryAfter?: number;
  /** Path of the Prometheus metrics, outside the base path (default `/metrics`; false: none). */
  metricsPath?: string | false;
}

export interface ProviderServer {
  /** The fastify instance, not listening: `app.inject()` for tests. */
  app: FastifyInstance;
  registry: Registry;
  /** Start listening; resolves with the base URL of the spec operations. */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stop listening and close the adapter. */
  close(): Promise<void>;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The spec operationId of a route, or `metrics`; the metrics label. */
    operation?: string;
  }
  interface FastifyRequest {
    /** The key id of the verified request signature. */
    govexKeyId?: string;
  }
}

const MESSAGES = {
  routeNotFound: {
    "zh-CN": (method: string, path: string) =>
      `没有 ${method} ${path} 这个接口。请对照提供方接口规范 v1 核对方法和路径。`,
    en: (method: string, path: string) =>
      `There is no ${method} ${path} operation: check the method and path against specs/provider v1.`,
  },
  resourceNotFound: {
    "zh-CN": (code: string) => `本系统不提供资源 ${code}。请用 describe 查看可用资源。`,
    en: (code: string) =>
      `This system offers no resource ${code}: call describe for its resources.`,
  },
  notSupported: {
    "zh-CN": (code: string, operation: string) =>
      `资源 ${code} 不提供 ${operation} 操作。请用 describe 查看其 operations。`,
    en: (code: string, operation: string) =>
      `Resource ${code} does not offer ${operation}: see its operations in describe.`,
  },
  timeout: {
    "zh-CN": (ms: number) => `部门系统在 ${ms} 毫秒内未答复。请稍后重试。`,
    en: (ms: number) => `The department system did not answer within ${ms} ms: retry later.`,
  },
} as const;

/**
 * Serve specs/provider v1 over an adapter. The server does not listen until `listen` is called.
 *
 * @example
 * const provider = createProviderServer({
 *   adapter,
 *   signer: createSigner({ keyId: "hukou-2026", algorithm: "sm2-sm3", key: privateKeyHex }),
 *   exchangeKeys: new Map([["exchange-2026", exchangeVerifier]]),
 * });
 * const baseUrl = await provider.listen({ port: 8080, host: "0.0.0.0" }); // …/v1
 */
export function createProviderServer(options: ProviderServerOptions): ProviderServer {
  const { adapter, signer, exchangeKeys } = options;
  const lang = options.lang ?? "zh-CN";
  const basePath = (options.basePath ?? "/v1").replace(/\/+$/, "");
  const requireSignature = options.requireSignature ?? true;
  const nonces = options.nonceStore ?? new MemoryNonceStore();
  const adapterTimeout = options.timeouts?.adapter ?? 10_000;
  const retryAfter = options.retryAfter ?? 5;
  const registry = options.registry ?? new Registry();
  const metrics = createMetrics(registry);
  const validators = operationValidators();

  const app = Fastify({
    ...(options.loggerInstance
      ? { loggerInstance: options.loggerInstance }
      : { logger: options.logger ?? false }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    requestTimeout: options.timeouts?.request ?? 30_000,
    keepAliveTimeout: options.timeouts?.keepAlive ?? 72_000,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    // A 128-character key percent-encodes to at most 128 × 12 bytes; lengths are checked later.
    routerOptions: { maxParamLength: 2048 },
    genReqId: requestId,
    frameworkErrors: (error, request, reply) => {
      // Router errors (bad percent-encoding, over-long segments) bypass every hook.
      answerHeaders(request, reply);
      void sendProblem(request, reply, frameworkProblem(error, lang), signing).then(() =>
        metrics.observe("unknown", reply.statusCode, reply.elapsedTime / 1000),
      );
    },
  });

  const signing: AnswerSigning = {
    signer,
    lang: () => lang,
    ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
  };

  app.addHook("onRequest", async (request, reply) => answerHeaders(request, reply));
  // Every answer is signed, errors and fastify's own 404/413/415 included (RFC 9421 §2.4).
  app.addHook("onSend", (request, reply, payload) => signAnswer(request, reply, payload, signing));
  app.addHook("onResponse", async (request, reply) => {
    const operation = request.routeOptions.config.operation ?? "unknown";
    metrics.observe(operation, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook("onReady", async () => {
    await validators;
  });
  app.addHook("onClose", async () => {
    await adapter.close();
  });

  // The body is kept as bytes: its Content-Digest is checked before it is parsed (RFC 9530 §2).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, utf8BodyParser);

  app.setErrorHandler((error, request, reply) =>
    sendProblem(
      request,
      reply,
      frameworkProblem(error as { code?: string; statusCode?: number }, lang),
    ),
  );
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?", 1)[0] ?? "";
    const detail = MESSAGES.routeNotFound[lang](request.method, path.slice(0, 200));
    return sendProblem(request, reply, { problem: problem("not-found", { detail }) });
  });

  let description: Promise<Description> | undefined;

  /**
   * Run an adapter call under the deadline, aborted when it passes or, given its reply, when
   * the caller goes away.
   */
  async function call<T>(
    request: FastifyRequest,
    reply: FastifyReply | undefined,
    input: OperationInput | undefined,
    run: (context: AccessContext) => Promise<T>,
  ): Promise<T> {
    const controller = new AbortController();
    const context: AccessContext = {
      requestId: request.id,
      signal: controller.signal,
      ...(request.govexKeyId === undefined ? {} : { keyId: request.govexKeyId }),
      ...(input?.purpose === undefined ? {} : { purpose: input.purpose }),
      ...(input?.shareRequest === undefined ? {} : { shareRequest: input.shareRequest }),
    };
    const onClose = () => {
      if (!reply?.raw.writableFinished) controller.abort(new Error("the caller went away"));
    };
    reply?.raw.once("close", onClose);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new AdapterError("unavailable", {
          zh: MESSAGES.timeout["zh-CN"](adapterTimeout),
          en: MESSAGES.timeout.en(adapterTimeout),
        });
        controller.abort(error);
        reject(error);
      }, adapterTimeout);
    });
    const work = run(context);
    work.catch(() => {}); // it may settle after the deadline won
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
      reply?.raw.off("close", onClose);
    }
  }

  /** Unknown resource → 404 not_found; an operation it does not list → 404 not_supported. */
  async function checkResource(
    route: ProviderRoute,
    input: OperationInput,
    request: FastifyRequest,
  ): Promise<void> {
    if (route.adapterOperation === undefined) return;
    // Shared by concurrent requests, so not aborted when this caller goes away.
    description ??= call(request, undefined, input, (context) => adapter.describe(context));
    const current = description;
    current.catch(() => {
      if (description === current) description = undefined;
    });
    const code = `${input.prefix}/${input.suffix}`;
    const resource = (await current).resources.find((r) => r.entry.resourceCode === code);
    if (resource === undefined) {
      throw new AdapterError("not_found", {
        zh: MESSAGES.resourceNotFound["zh-CN"](code),
        en: MESSAGES.resourceNotFound.en(code),
      });
    }
    if (
      resource.operations !== undefined &&
      !resource.operations.includes(route.adapterOperation)
    ) {
      throw new AdapterError("not_supported", {
        zh: MESSAGES.notSupported["zh-CN"](code, route.adapterOperation),
        en: MESSAGES.notSupported.en(code, route.adapterOperation),
      });
    }
  }

  async function verifySignature(request: FastifyRequest, reply: FastifyReply) {
    const headers = request.headers;
    if (
      !requireSignature &&
      headers.signature === undefined &&
      headers["signature-input"] === undefined
    )
      return;
    const body = Buffer.isBuffer(request.body) ? request.body : undefined;
    const result = await verifyIncoming(incomingRequest(request, options.publicOrigin), body, {
      keys: exchangeKeys,
      nonces,
      locale: lang,
    });
    if (result.ok) {
      request.govexKeyId = result.keyId;
      return;
    }
    request.log.info({ code: result.code, detail: result.detail }, "request signature refused");
    return sendProblem(request, reply, { problem: signatureProblem(result) });
  }

  for (const route of PROVIDER_ROUTES) {
    app.route({
      method: route.method,
      url: basePath + route.url,
      config: { operation: route.operationId },
      preHandler: verifySignature,
      handler: async (request, reply) => {
        let body: unknown;
        if (route.method === "POST") {
          const parsed = parseJsonBody(request.body as Buffer | undefined, lang);
          if (!parsed.ok) {
            return sendProblem(request, reply, {
              problem: problem("bad-request", {
                code: parsed.issue.code,
                detail: parsed.issue.message,
                errors: [parsed.issue],
              }),
            });
          }
          body = parsed.value;
        }
        const collected = await collectInput(
          route.operationId,
          {
            params: request.params as Record<string, string>,
            url: request.url,
            headers: request.headers,
            body,
          },
          lang,
        );
        if (!collected.ok) {
          const slug = collected.idempotencyKeyMissing ? "idempotency-key-missing" : "bad-request";
          const first = collected.issues[0]?.message;
          return sendProblem(request, reply, {
            problem: problem(slug, {
              ...(first ? { detail: first } : {}),
              errors: collected.issues,
            }),
          });
        }
        const { input } = collected;
        try {
          await checkResource(route, input, request);
          const result = await call(request, reply, input, (context) =>
            route.run(adapter, input, context),
          );
          if (route.operationId === "describe")
            description = Promise.resolve(result as Description);
          return reply.code(200).type(JSON_CONTENT_TYPE).send(JSON.stringify(result));
        } catch (error) {
          const answer = adapterProblem(error, lang, retryAfter);
          if (answer.problem.status >= 500)
            metrics.adapterError(route.operationId, answer.problem.code);
          return sendProblem(request, reply, answer);
        }
      },
    });
  }

  const metricsPath = options.metricsPath ?? "/metrics";
  if (metricsPath !== false) {
    app.get(metricsPath, { config: { operation: "metrics" } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    );
  }

  return {
    app,
    registry,
    async listen(listenOptions = {}) {
      await app.listen({ port: listenOptions.port ?? 0, host: listenOptions.host ?? "127.0.0.1" });
      const address = app.server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}${basePath}`;
    },
    close: () => app.close(),
  };
}
