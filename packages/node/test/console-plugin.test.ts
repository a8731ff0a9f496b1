/**
 * The console plugin over a real socket: the built app with its security headers and caching,
 * one-time token login (single use, expiring, stored hashed, audited), and the session key it
 * registers, signing ordinary API calls until it expires after 8 h. (The browser signer itself is
 * checked against the node's verifier in packages/console/test/signer.test.ts.)
 */
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSigner, signRequest } from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSOLE_SECURITY_HEADERS } from "../src/console/index.js";
import { createExchangeNode, type ExchangeNode } from "../src/node.js";
import { openStore, type Store } from "../src/store/index.js";
import { ensureConsoleBuilt } from "./helpers/console-node.js";
import { OPERATOR, party } from "./helpers/exchange.js";

let now = Date.parse("2026-03-02T09:00:00+08:00");
const clock = { now: () => new Date(now) };
const operator = party(OPERATOR, "operator-1");
let node: ExchangeNode;
let bare: ExchangeNode;
let origin = "";
let bareOrigin = "";
let emptyDir = "";
let store: Store;

async function start(store: Store, consoleDir: string | false) {
  const nodeKey = generateKeyPairSync("ed25519").privateKey;
  const created = await createExchangeNode({
    store,
    key: {
      keyId: "node-1",
      algorithm: "ed25519",
      privateKey: nodeKey.export({ type: "pkcs8", format: "pem" }).toString(),
    },
    operator: {
      code: OPERATOR,
      name: "山东省示例大数据局",
      keys: [{ keyId: operator.keyId, algorithm: "ed25519", publicKey: operator.publicPem }],
    },
    clock,
    consoleDir,
  });
  const url = await created.listen();
  return { node: created, origin: new URL(url).origin };
}

beforeAll(async () => {
  const dist = ensureConsoleBuilt();
  emptyDir = await mkdtemp(join(tmpdir(), "govex-console-"));
  await writeFile(join(emptyDir, "README.txt"), "no index.html here");
  // One database for both nodes (as several nodes of one exchange share one).
  store = await openStore({});
  ({ node, origin } = await start(store, dist));
  ({ node: bare, origin: bareOrigin } = await start(store, emptyDir));
});

afterAll(async () => {
  await node?.close();
  await bare?.close();
  await store?.close();
  await rm(emptyDir, { recursive: true, force: true });
});

/** A session key as the browser makes one: Ed25519, only the public half leaves. */
function sessionKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

const login = (body: unknown, raw?: string) =>
  fetch(`${origin}/console/api/token-login`, {
    method: "POST",
    headers: { "content-type": "application/json", "accept-language": "en" },
    body: raw ?? JSON.stringify(body),
  });

/** A GET signed with the govex profile (RFC 9421), as the console signs it. */
async function signedGet(keyId: string, privateKey: KeyObject, url: string) {
  const signer = createSigner({ keyId, algorithm: "ed25519", key: privateKey });
  const headers = await signRequest({ method: "GET", url, headers: {} }, { signer });
  return fetch(url, { headers: { ...headers } });
}

async function count(sql: string, params: unknown[] = []) {
  const { rows } = await node.store.query<{ n: number }>(
    `select count(*)::int as n from ${sql}`,
    params,
  );
  return rows[0]?.n ?? -1;
}

describe("serving the console", () => {
  it("answers index.html with CSP, framing and sniffing protection, revalidated", async () => {
    const response = await fetch(`${origin}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = response.headers.get("content-security-policy") ?? "";
    const scriptSrc = /script-src ([^;]+)/.exec(csp)?.[1] ?? "";
    expect(scriptSrc.trim()).toBe("'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const html = await response.text();
    // No inline script at all: every <script> has a src on the node itself.
    for (const tag of html.match(/<script\b[^>]*>/g) ?? [])
      expect(tag).toMatch(/src="\/console\/assets\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const etag = response.headers.get("etag") ?? "";
    const again = await fetch(`${origin}/console/`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(CONSOLE_SECURITY_HEADERS["x-frame-options"]).toBe("DENY");
  });

  it("caches hashed assets for good and answers client routes with the app", async () => {
    const html = await (await fetch(`${origin}/console/`)).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? "";
    const asset = await fetch(origin + script);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("x-content-type-options")).toBe("nosniff");
    const redirect = await fetch(`${origin}/console`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("/console/");
    expect((await fetch(`${origin}/console/share-requests`)).headers.get("content-type")).toContain(
      "text/html",
    );
    for (const path of [
      "/console/assets/missing.js",
      "/console/..%2f..%2fpackage.json",
      "/console/%2e%2e/%2e%2e/etc/passwd.txt",
      "/console/api/unknown",
      "/console/__proto__.js",
    ]) {
      const answer = await fetch(origin + path);
      expect(answer.status, path).toBe(404);
    }
  });

  it("answers 503 with what to do when the console is not built", async () => {
    const response = await fetch(`${bareOrigin}/console/`, {
      headers: { "accept-language": "en" },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ code: "console_not_built" });
    expect(bare.console.served).toBe(false);
    expect(node.console.served).toBe(true);
  });
});

describe("token login", () => {
  it("works once: registers an 8-hour key of the operator, audited; the token is stored hashed", async () => {
    const { token, member, expiresAt } = await node.console.issueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(member).toBe(OPERATOR);
    expect(expiresAt.getTime() - now).toBe(24 * 3_600_000);
    const stored = await node.store.query<{ token_hash: string }>(
      "select token_hash from console_tokens",
    );
    expect(stored.rows.map((r) => r.token_hash)).toContain(
      createHash("sha256").update(token).digest("hex"),
    );
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const key = sessionKey();
    const auditBefore = await count("audit_entries");
    const first = await login({ token, publicKey: key.publicPem });
    expect(first.status).toBe(201);
    const session = (await first.json()) as {
      keyId: string;
      member: string;
      notAfter: string;
      operator: boolean;
    };
    expect(session).toMatchObject({ member: OPERATOR, operator: true });
    expect(Date.parse(session.notAfter) - now).toBe(8 * 3_600_000);
    await node.services.audit.flush();
    expect(await count("audit_entries")).toBe(auditBefore + 1);

    const again = await login({ token, publicKey: sessionKey().publicPem });
    expect(again.status).toBe(401);
    expect(await again.json()).toMatchObject({ code: "console_token_invalid" });

    // The key signs ordinary API calls and the session check, until it expires.
    const members = await signedGet(session.keyId, key.privateKey, `${origin}/v1/members`);
    expect(members.status).toBe(200);
    const who = await signedGet(session.keyId, key.privateKey, `${origin}/console/api/session`);
    expect(await who.json()).toMatchObject({
      member: OPERATOR,
      keyId: session.keyId,
      operator: true,
    });
    now += 8 * 3_600_000 + 1000;
    try {
      expect((await signedGet(session.keyId, key.privateKey, `${origin}/v1/members`)).status).toBe(
        401,
      );
      expect(
        (await signedGet(session.keyId, key.privateKey, `${origin}/console/api/session`)).status,
      ).toBe(401);
    } finally {
      now -= 8 * 3_600_000 + 1000;
    }
  });

  it("refuses an expired token", async () => {
    const { token } = await node.console.issueToken();
    now += 24 * 3_600_000;
    try {
      const response = await login({ token, publicKey: sessionKey().publicPem });
      expect(response.status).toBe(401);
    } finally {
      now -= 24 * 3_600_000;
    }
  });

  it("refuses hostile input and writes nothing", async () => {
    const { token } = await node.console.issueToken();
    const keys = await count("member_keys");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const good = sessionKey().publicPem;
    const table: [string, unknown, string | undefined, number][] = [
      ["RSA key", { token, publicKey: rsa }, undefined, 400],
      ["no key", { token }, undefined, 400],
      ["huge key", { token, publicKey: "A".repeat(100_000) }, undefined, 400],
      ["wrong token", { token: "A".repeat(43), publicKey: good }, undefined, 401],
      ["injection", { token: "' or 1=1 --", publicKey: good }, undefined, 401],
      ["token as array", { token: [token], publicKey: good }, undefined, 401],
      [
        "__proto__",
        undefined,
        `{"__proto__":{"token":"${token}"},"publicKey":${JSON.stringify(good)}}`,
        401,
      ],
      ["not JSON", undefined, "token=x", 401],
      ["array body", undefined, "[]", 401],
    ];
    for (const [name, body, raw, status] of table) {
      const response = await login(body, raw);
      expect(response.status, name).toBe(status);
      expect(response.headers.get("content-type"), name).toContain("application/problem+json");
    }
    expect(await count("member_keys")).toBe(keys);
    // The token survived the refusals: it still works once.
    expect((await login({ token, publicKey: good })).status).toBe(201);
  });

  it("refuses an unsigned or wrongly signed session check", async () => {
    expect((await fetch(`${origin}/console/api/session`)).status).toBe(401);
    const stranger = sessionKey();
    const response = await signedGet(
      operator.keyId,
      stranger.privateKey,
      `${origin}/console/api/session`,
    );
    expect(response.status).toBe(401);
    const ok = await signedGet(
      operator.keyId,
      operator.privateKey,
      `${origin}/console/api/session`,
    );
    expect(await ok.json()).toMatchObject({ member: OPERATOR, name: "山东省示例大数据局" });
  });
});
