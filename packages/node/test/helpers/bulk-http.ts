/**
 * Pushing and pulling NDJSON over a real socket as a department would: the request signed
 * (RFC 9421) over a Content-Digest computed before the body is streamed, the body sent as an
 * async iterable (never a Buffer of the whole), the answer's signature checked.
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { contentDigest, createDigest, signRequest, verifyResponse } from "@govex/security";
import { request as undiciRequest } from "undici";
import type { Party, TestExchange } from "./exchange.js";

export type Body = Buffer | (() => AsyncIterable<Uint8Array>);

/** The Content-Digest (sha-256) of a body, read once. */
export async function digestOf(body: Body): Promise<string> {
  if (Buffer.isBuffer(body)) return contentDigest(body, ["sha-256"]);
  const hash = createDigest("sha-256");
  for await (const chunk of body()) hash.update(chunk);
  return `sha-256=:${Buffer.from(hash.digest()).toString("base64")}:`;
}

export interface Pushed {
  status: number;
  json: Record<string, unknown>;
  /** The answer's signature verified under the node's key, bound to the request. */
  signed: boolean;
}

/** The node pushed to: its base URL and the key its answers are signed with. */
export type PushTarget = Pick<TestExchange, "url" | "nodeVerifier">;

export async function pushBatch(
  exchange: PushTarget,
  who: Pick<Party, "signer">,
  resourceCode: string,
  body: Body,
  options: {
    digest?: string;
    batchId?: string;
    signal?: AbortSignal;
    lang?: string;
    contentType?: string;
  } = {},
): Promise<Pushed> {
  const url = `${exchange.url}/resources/${resourceCode}/batches`;
  const headers: Record<string, string> = {
    "content-type": options.contentType ?? "application/x-ndjson",
    "content-digest": options.digest ?? (await digestOf(body)),
    "idempotency-key": randomUUID(),
    ...(options.batchId === undefined ? {} : { "govex-batch-id": options.batchId }),
    ...(options.lang === undefined ? {} : { "accept-language": options.lang }),
  };
  Object.assign(
    headers,
    await signRequest({ method: "POST", url, headers }, { signer: who.signer }),
  );
  const res = await undiciRequest(url, {
    method: "POST",
    headers,
    body: Buffer.isBuffer(body) ? body : Readable.from(body()),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const verified = await verifyResponse(
    { status: res.statusCode, headers: res.headers as Record<string, string> },
    { method: "POST", url, headers },
    { keys: new Map([[exchange.nodeVerifier.keyId, exchange.nodeVerifier]]), body: bytes },
  );
  return { status: res.statusCode, json: JSON.parse(bytes.toString("utf8")), signed: verified.ok };
}
