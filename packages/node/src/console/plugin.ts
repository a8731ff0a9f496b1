/**
 * The web console under /console: the built single-page app (packages/console) with strict
 * security headers, and the two endpoints the app needs besides specs/exchange v1 —
 *
 * - `POST /console/api/token-login` redeems a one-time token (from `govex start`) with a public
 *   key the browser generated, registering it as a short-lived key of the token's member;
 * - `GET /console/api/session`, a signed request (RFC 9421, the same verification as every
 *   operation) answering who signed it: the check of a key login, and of a session's key.
 *
 * Every other console action is an ordinary signed call of specs/exchange v1, authorized and
 * audited by the node like any client's.
 */
import { incomingRequest, verifyIncoming } from "@govex/adapter";
import type { NonceStore } from "@govex/security";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { KeyRegistry } from "../registry/keys.js";
import type { NodeServices } from "../server/operation.js";
import { loadConsoleFiles, type StaticFile } from "./static-files.js";
import { issueConsoleToken, redeemConsoleToken } from "./tokens.js";

export interface ConsoleOptions {
  services: NodeServices;
  keys: KeyRegistry;
  nonces: NonceStore;
  /** The built console (default: @govex/console's dist; none: /console answers 503). */
  dir: string | undefined;
  publicOrigin?: string;
}

export interface ConsoleAccess {
  /** Whether a built console is served. */
  readonly served: boolean;
  /** A one-time login token for a member (default: the operator). */
  issueToken(member?: string): Promise<{ token: string; member: string; expiresAt: Date }>;
}

/**
 * CSP (W3C CSP Level 3): scripts only from the node itself, no inline script, no eval; styles
 * may be inline (ECharts and Vue set element styles); no framing (also X-Frame-Options for old
 * browsers, RFC 7034); API calls to the node only.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

const JSON_TYPE = "application/json";
const PROBLEM_TYPE = "application/problem+json";
const PROBLEM_BASE = "https://govex.dev/problems/";

function langOf(request: FastifyRequest): "zh-CN" | "en" {
  const accept = request.headers["accept-language"];
  return typeof accept === "string" && /^\s*en\b/i.test(accept) ? "en" : "zh-CN";
}

function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  slug: string,
  code: string,
  text: { zh: string; en: string },
) {
  return reply
    .code(status)
    .type(PROBLEM_TYPE)
    .send(
      JSON.stringify({
        type: PROBLEM_BASE + slug,
        title: text.en,
        status,
        code,
        detail: langOf(request) === "en" ? text.en : text.zh,
        instance: request.id,
      }),
    );
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile) {
  reply.headers(CONSOLE_SECURITY_HEADERS);
  reply.header("etag", file.etag);
  // Hashed assets are cached for good; index.html is revalidated so a new build is picked up.
  reply.header(
    "cache-control",
    file.immutable ? "public, max-age=31536000, immutable" : "no-cache",
  );
  if (request.headers["if-none-match"] === file.etag) return reply.code(304).send();
  return reply.code(200).type(file.contentType).send(file.body);
}

export async function registerConsole(
  app: FastifyInstance,
  options: ConsoleOptions,
): Promise<ConsoleAccess> {
  const { services, keys, nonces } = options;
  const files = options.dir ? await loadConsoleFiles(options.dir) : new Map<string, StaticFile>();
  const index = files.get("index.html");

  const serve = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    if (index === undefined)
      return sendProblem(request, reply, 503, "unavailable", "console_not_built", {
        zh: "本节点没有已构建的控制台。请运行 pnpm --filter @govex/console build 后重启节点。",
        en: "This node has no built console: run `pnpm --filter @govex/console build` and restart the node.",
      });
    const file = files.get(name);
    if (file) return sendFile(request, reply, file);
    // A missing asset is a 404; any other path is a route of the app (hash routes need none).
    if (name.startsWith("assets/") || /\.[a-z0-9]+$/i.test(name))
      return sendProblem(request, reply, 404, "not-found", "route_not_found", {
        zh: "控制台没有这个文件。",
        en: "The console has no such file.",
      });
    return sendFile(request, reply, index);
  };

  app.get("/console", (_request, reply) => reply.code(308).header("location", "/console/").send());
  app.get("/console/", (request, reply) => serve(request, reply, "index.html"));
  app.get<{ Params: { "*": string } }>("/console/*", (request, reply) => {
    const name = request.params["*"];
    if (name.startsWith("api/"))
      return sendProblem(request, reply, 404, "not-found", "route_not_found", {
        zh: "没有这个控制台接口。",
        en: "There is no such console endpoint.",
      });
    return serve(request, reply, name);
  });

  app.post("/console/api/token-login", async (request, reply) => {
    reply.headers(CONSOLE_SECURITY_HEADERS);
    let input: { token?: unknown; publicKey?: unknown } = {};
    try {
      const raw = Buffer.isBuffer(request.body) ? request.body.toString("utf8") : "";
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
        input = parsed as typeof input;
    } catch {
      // Refused below as an invalid token.
    }
    const result = await redeemConsoleToken(services.db, services.clock, {
      token: input.token,
      publicKey: input.publicKey,
    });
    if (result === "public_key_invalid")
      return sendProblem(request, reply, 400, "bad-request", "public_key_invalid", {
        zh: "公钥无效: 须为 Ed25519 公钥(SPKI PEM)。请使用支持 Ed25519 的浏览器。",
        en: "The public key is invalid: send an Ed25519 public key (SPKI PEM) from a browser that supports Ed25519.",
      });
    if (result === "token_invalid") {
      request.log.info("console token refused");
      return sendProblem(request, reply, 401, "unauthorized", "console_token_invalid", {
        zh: "登录令牌无效、已使用或已过期。令牌只能使用一次: 请重新运行 govex start 获取新令牌, 或用密钥登录。",
        en: "The login token is invalid, used or expired. A token works once: get a new one from `govex start`, or sign in with a key.",
      });
    }
    // The login is an access like any other: audited under the member it signs in.
    await services.audit.append({
      operation: "consoleTokenLogin",
      caller: result.member,
      requestId: request.id,
      status: 201,
    });
    return reply
      .code(201)
      .type(JSON_TYPE)
      .send(
        JSON.stringify({
          member: result.member,
          keyId: result.keyId,
          notAfter: result.notAfter.toISOString(),
          operator: result.member === services.operator,
        }),
      );
  });

  app.get("/console/api/session", async (request, reply) => {
    reply.headers(CONSOLE_SECURITY_HEADERS);
    const verified = await verifyIncoming(
      incomingRequest(request, options.publicOrigin),
      undefined,
      { keys: keys.resolver, nonces, locale: langOf(request) },
    );
    const member = verified.ok ? await keys.memberOf(verified.keyId) : undefined;
    if (!verified.ok || member === undefined)
      return sendProblem(request, reply, 401, "signature-invalid", "console_signature_invalid", {
        zh: `签名未通过验证${verified.ok ? "" : `: ${verified.message}`}。请核对密钥文件和密钥标识。`,
        en: `The signature did not verify${verified.ok ? "" : `: ${verified.message}`}. Check the key file and the key id.`,
      });
    const { rows } = await services.db.query<{ name: string; not_after: Date | null }>(
      `select m.name, k.not_after from members m join member_keys k on k.member_code = m.code
       where k.key_id = $1`,
      [verified.keyId],
    );
    return reply
      .code(200)
      .type(JSON_TYPE)
      .send(
        JSON.stringify({
          member,
          name: rows[0]?.name ?? member,
          keyId: verified.keyId,
          operator: member === services.operator,
          ...(rows[0]?.not_after ? { notAfter: rows[0].not_after.toISOString() } : {}),
          auditOrigin: services.auditOrigin,
        }),
      );
  });

  return {
    served: index !== undefined,
    issueToken: (member = services.operator) =>
      issueConsoleToken(services.db, services.clock, member),
  };
}
