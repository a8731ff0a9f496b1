/**
 * A small spec-true exchange node for the client's end-to-end tests: real HTTP over a
 * loopback socket, the govex signature profile both ways, Idempotency-Key semantics
 * (400 / 422 / 409, replay of the stored answer), problem+json errors, cursor pages,
 * an NDJSON export, and switchable faults. It stands in for the exchange node until
 * that exists; it is not a mock of the client.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  MemoryNonceStore,
  type RequestMessage,
  type Signer,
  signResponse,
  type Verifier,
  verifyRequest,
} from "@govex/security";
import { getValidator } from "@govex/validator";

export interface Faults {
  /** Answer the next n requests with 503 and this Retry-After (seconds). */
  unavailable: { count: number; retryAfter?: string };
  /** Reset the connection of the next n requests without answering. */
  dropConnections: number;
  /** Change the body after signing it. */
  tamperBody: boolean;
  /** Answer with the signature headers of the previous response. */
  replaySignature: boolean;
  /** Delay between body chunks, ms. */
  slowBodyMs: number;
  /** Answer with this status and a non-problem body. */
  plainError?: number;
}

export interface TestServer {
  url: string;
  faults: Faults;
  /** Every request as received: method, path, idempotency key, nonce. */
  log: {
    method: string;
    path: string;
    idempotencyKey?: string;
    signatureInput?: string;
    at: number;
  }[];
  close(): Promise<void>;
}

interface Stored {
  bodyHash: string;
  status: number;
  body: string;
  contentType: string;
}

const problem = (
  status: number,
  slug: string,
  title: string,
  code: string,
  extra: Record<string, unknown> = {},
) => ({
  status,
  contentType: "application/problem+json",
  body: JSON.stringify({
    type: `https://govex.dev/problems/${slug}`,
    title,
    status,
    code,
    ...extra,
  }),
});

function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startTestServer(options: {
  signer: Signer;
  clientKeys: Map<string, Verifier>;
  exportRecords?: number;
}): Promise<TestServer> {
  const nonces = new MemoryNonceStore();
  const catalog = new Map<
    string,
    { entry: Record<string, unknown>; version: number; at: string }
  >();
  const idempotency = new Map<string, Stored | "in-flight">();
  const faults: Faults = {
    unavailable: { count: 0 },
    dropConnections: 0,
    tamperBody: false,
    replaySignature: false,
    slowBodyMs: 0,
  };
  const log: TestServer["log"] = [];
  const catalogValidator = await getValidator("catalog-entry");
  let lastSignature: { "signature-input": string; signature: string } | undefined;
  let base = "";

  async function route(
    req: IncomingMessage,
    url: URL,
    body: Buffer,
  ): Promise<{ status: number; body: string; contentType: string }> {
    const segments = url.pathname.split("/").filter(Boolean).slice(1); // drop "v1"
    const method = req.method ?? "GET";
    const [first, second, third, fourth, fifth] = segments;
    if (method === "GET" && first === "health")
      return {
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ status: "ok", version: "1.0.0" }),
      };
    if (first === "catalog" && second === "entries") {
      if (method === "POST" && third === undefined) {
        let entry: unknown;
        try {
          entry = JSON.parse(body.toString("utf8"));
        } catch {
          return problem(400, "bad-request", "请求不合规范", "bad_request");
        }
        const issues = catalogValidator.validate(entry, { lang: "zh-CN" });
        if (issues.length > 0) {
          return problem(422, "validation-failed", "数据校验未通过", "validation_failed", {
            errors: issues.map((i) => ({ path: i.path, code: i.code, message: i.message })),
          });
        }
        const record = entry as Record<string, unknown>;
        const at = "2026-03-01T10:00:00+08:00";
        catalog.set(String(record.resourceCode), { entry: record, version: 1, at });
        return {
          status: 201,
          contentType: "application/json",
          body: JSON.stringify({
            entry: record,
            status: "published",
            version: 1,
            publishedAt: at,
            updatedAt: at,
          }),
        };
      }
      if (method === "GET" && third === undefined) {
        const all = [...catalog.values()].filter(
          (r) =>
            !url.searchParams.get("q") ||
            String(r.entry.name).includes(url.searchParams.get("q") ?? ""),
        );
        const limit = Number(url.searchParams.get("limit") ?? 50);
        const offset = url.searchParams.has("cursor")
          ? Number(Buffer.from(url.searchParams.get("cursor") ?? "", "base64url").toString())
          : 0;
        const items = all.slice(offset, offset + limit).map((r) => ({
          entry: r.entry,
          status: "published",
          version: r.version,
          publishedAt: r.at,
          updatedAt: r.at,
        }));
        const next =
          offset + limit < all.length
            ? Buffer.from(String(offset + limit)).toString("base64url")
            : undefined;
        return {
          status: 200,
          contentType: "application/json",
          body: JSON.stringify({ items, ...(next ? { nextCursor: next } : {}) }),
        };
      }
      if (method === "GET" && third && fourth && fifth === undefined) {
        const found = catalog.get(`${third}/${fourth}`);
        if (!found) return problem(404, "not-found", "对象不存在", "not_found");
        return {
          status: 200,
          contentType: "application/json",
          body: JSON.stringify({
            entry: found.entry,
            status: "published",
            version: found.version,
            publishedAt: found.at,
            updatedAt: found.at,
          }),
        };
      }
    }
    if (first === "resources" && fourth === "verify" && method === "POST") {
      const input = JSON.parse(body.toString("utf8")) as {
        key: string;
        values: Record<string, unknown>;
      };
      const known: Record<string, Record<string, unknown>> = {
        "11010519491231002X": { name: "张三", birthDate: "1949-12-31" },
      };
      const record = known[input.key];
      const fields = Object.fromEntries(
        Object.entries(input.values).map(([k, v]) => [
          k,
          record ? (record[k] === v ? "match" : "no_match") : "not_available",
        ]),
      );
      return {
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({ found: record !== undefined, fields }),
      };
    }
    return problem(404, "not-found", "对象不存在", "not_found");
  }

  async function send(
    req: IncomingMessage,
    res: ServerResponse,
    message: RequestMessage,
    status: number,
    contentType: string,
    body: string | Buffer,
  ) {
    const headers: Record<string, string> = {
      "content-type": contentType,
      "x-request-id": String(req.headers["x-request-id"] ?? ""),
    };
    const signed = await signResponse({ status, headers }, message, {
      signer: options.signer,
      body,
    });
    let out = signed;
    if (faults.replaySignature && lastSignature) out = { ...signed, ...lastSignature };
    lastSignature = { "signature-input": signed["signature-input"], signature: signed.signature };
    const payload = faults.tamperBody
      ? Buffer.from(String(body).replace(/published|match|记录/, "XX"))
      : Buffer.from(body);
    res.writeHead(status, { ...headers, ...out, "content-length": String(payload.length) });
    if (faults.slowBodyMs > 0) {
      for (const byte of payload) {
        if (res.destroyed) return;
        res.write(Buffer.of(byte));
        await new Promise((r) => setTimeout(r, faults.slowBodyMs));
      }
      res.end();
    } else res.end(payload);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", base);
    log.push({
      method: req.method ?? "",
      path: url.pathname + url.search,
      at: Date.now(),
      ...(req.headers["idempotency-key"]
        ? { idempotencyKey: String(req.headers["idempotency-key"]) }
        : {}),
      ...(req.headers["signature-input"]
        ? { signatureInput: String(req.headers["signature-input"]) }
        : {}),
    });
    if (faults.dropConnections > 0) {
      faults.dropConnections--;
      req.socket.destroy();
      return;
    }
    const body = await readBody(req);
    const message: RequestMessage = { method: req.method ?? "GET", url, headers: req.headers };
    const reply = (r: { status: number; contentType: string; body: string }) =>
      send(req, res, message, r.status, r.contentType, r.body);
    try {
      if (faults.plainError)
        return await reply({
          status: faults.plainError,
          contentType: "text/html",
          body: "<h1>Bad Gateway</h1>",
        });
      if (faults.unavailable.count > 0) {
        faults.unavailable.count--;
        if (faults.unavailable.retryAfter !== undefined)
          res.setHeader("retry-after", faults.unavailable.retryAfter);
        return await reply(problem(503, "unavailable", "节点暂不可用", "unavailable"));
      }
      if (url.pathname !== "/v1/health") {
        const verified = await verifyRequest(message, { keys: options.clientKeys, body, nonces });
        if (!verified.ok)
          return await reply(
            problem(401, verified.code.replaceAll("_", "-"), "签名无效", verified.code, {
              detail: verified.detail,
            }),
          );
      }
      if (url.pathname.endsWith("/export") && req.method === "GET") {
        const count = options.exportRecords ?? 1000;
        let ndjson = "";
        for (let i = 0; i < count; i++)
          ndjson += `${JSON.stringify({ seq: i, name: `记录${i}` })}\n`;
        return await send(req, res, message, 200, "application/x-ndjson", Buffer.from(ndjson));
      }
      const key = req.headers["idempotency-key"];
      const safe = ["GET", "HEAD", "OPTIONS"].includes(req.method ?? "GET");
      if (!safe) {
        if (typeof key !== "string")
          return await reply(
            problem(400, "idempotency-key-missing", "缺少幂等键", "idempotency_key_missing"),
          );
        const bodyHash = createHash("sha256")
          .update(`${req.method} ${url.pathname}\n`)
          .update(body)
          .digest("hex");
        const stored = idempotency.get(key);
        if (stored === "in-flight")
          return await reply(
            problem(409, "idempotency-in-flight", "请求处理中", "idempotency_in_flight"),
          );
        if (stored) {
          if (stored.bodyHash !== bodyHash)
            return await reply(
              problem(
                422,
                "idempotency-key-reused",
                "幂等键已用于其他请求",
                "idempotency_key_reused",
              ),
            );
          return await reply(stored);
        }
        idempotency.set(key, "in-flight");
        const result = await route(req, url, body);
        idempotency.set(key, { bodyHash, ...result });
        return await reply(result);
      }
      return await reply(await route(req, url, body));
    } catch (error) {
      if (!res.headersSent)
        await reply(
          problem(500, "internal", "节点内部错误", "internal", {
            detail: (error as Error).message,
          }),
        );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/v1`,
    faults,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
