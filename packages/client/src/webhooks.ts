/**
 * For subscribers: what an exchange node POSTs to a webhook (specs/exchange v1 webhook
 * `deliverEvent`) — a CloudEvents 1.0 event in HTTP binary mode (CloudEvents HTTP protocol
 * binding §3.1: attributes in `ce-` headers, the data as the body), signed by the exchange with
 * the govex profile of RFC 9421 over an RFC 9530 Content-Digest. Verify it, read it, and drop
 * the duplicates that at-least-once delivery brings (by `source` + `id`).
 *
 * @module
 */
import {
  fieldValue,
  type HeaderMap,
  type KeyResolver,
  type NonceStore,
  type SecurityLocale,
  type Verifier,
  verifyRequest,
} from "@govex/security";

/** A CloudEvents 1.0 event in structured form (specs/data/v1 `cloudevent`). */
export interface CloudEvent {
  specversion: "1.0";
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  data?: unknown;
  /** Extension attributes (CloudEvents 1.0 §3.3). */
  [extension: string]: unknown;
}

/** The `data` of a govex change event, as the subscriber's access rules let it through. */
export interface ChangeEventData {
  resourceCode: string;
  op: "upsert" | "delete";
  /** Only when the subscriber may see the record key in clear. */
  key?: string;
  /** The record with the granted fields only, masked per grade unless granted in clear. */
  record?: Record<string, unknown>;
}

/** A request as the webhook received it. */
export interface ReceivedDelivery {
  /** Default "POST". */
  method?: string;
  /** The absolute URL the exchange posted to (the subscription's URL). */
  url: string | URL;
  headers: HeaderMap;
  /** The raw body bytes, exactly as received. */
  body: Uint8Array | string;
}

export interface VerifyDeliveryOptions {
  /** The exchange's public key(s) by key id (e.g. `new Map([[keyId, createVerifier(...)]])`). */
  keys: KeyResolver | ReadonlyMap<string, Verifier>;
  /** With a store, each signature nonce is accepted once (RFC 9421 §7.2.2). */
  nonces?: NonceStore;
  /** Seconds since the epoch (default: now). */
  now?: number;
  /** Oldest signature accepted, in seconds (default 300). */
  maxAge?: number;
  locale?: SecurityLocale;
}

/** Why a delivery was refused: a stable snake_case code and a message. */
export interface DeliveryRefusal {
  ok: false;
  /** A @govex/security code (`signature_*`, `content_digest_*`) or `event_invalid`. */
  code: string;
  message: string;
}

export type VerifiedDelivery =
  | { ok: true; event: CloudEvent; keyId: string; nonce?: string }
  | DeliveryRefusal;

const REQUIRED = ["specversion", "id", "source", "type"] as const;
// CloudEvents 1.0 §3.1.1: attribute names are lower-case letters and digits, at most 20.
const ATTRIBUTE = /^ce-([a-z0-9]{1,20})$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

function refuse(code: string, zh: string, en: string, locale?: SecurityLocale): DeliveryRefusal {
  return { ok: false, code, message: locale === "en" ? en : zh };
}

/** A `ce-` header value decoded (CloudEvents HTTP binding §3.1.3.2: percent-encoded UTF-8). */
function decodeAttribute(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function headerEntries(headers: HeaderMap): [string, string][] {
  const out: [string, string][] = [];
  if (typeof (headers as Headers).forEach === "function" && headers instanceof Headers) {
    headers.forEach((value, name) => {
      out.push([name.toLowerCase(), value]);
    });
    return out;
  }
  for (const name of Object.keys(headers)) {
    const value = fieldValue(headers, name);
    if (value !== undefined) out.push([name.toLowerCase(), value]);
  }
  return out;
}

/**
 * Read a binary-mode CloudEvent from headers and body: `ce-*` headers become attributes,
 * `content-type` becomes `datacontenttype`, a JSON body is parsed into `data`. Does not verify
 * the signature: call {@link verifyDelivery}, which does both.
 */
export function parseBinaryEvent(
  headers: HeaderMap,
  body: Uint8Array | string,
  locale?: SecurityLocale,
): { ok: true; event: CloudEvent } | DeliveryRefusal {
  const event: Record<string, unknown> = Object.create(null);
  for (const [name, value] of headerEntries(headers)) {
    const match = ATTRIBUTE.exec(name);
    if (!match) continue;
    const decoded = decodeAttribute(value);
    if (decoded === undefined)
      return refuse(
        "event_invalid",
        `请求头 ${name} 的百分号编码无效。`,
        `The ${name} header is not valid percent-encoding.`,
        locale,
      );
    event[match[1] as string] = decoded;
  }
  for (const name of REQUIRED)
    if (typeof event[name] !== "string" || event[name] === "")
      return refuse(
        "event_invalid",
        `缺少 CloudEvents 属性 ce-${name}。这不是 govex 交换节点的投递。`,
        `The CloudEvents attribute ce-${name} is missing: this is not a delivery of a govex exchange.`,
        locale,
      );
  if (event.specversion !== "1.0")
    return refuse(
      "event_invalid",
      `不支持的 CloudEvents 版本 ${String(event.specversion)};应为 1.0。`,
      `Unsupported CloudEvents version ${String(event.specversion)}: expected 1.0.`,
      locale,
    );
  const contentType = fieldValue(headers, "content-type");
  if (contentType !== undefined) event.datacontenttype = contentType;
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  if (bytes.length > 0) {
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return refuse(
        "event_invalid",
        "事件数据不是有效的 UTF-8。",
        "The event data is not valid UTF-8.",
        locale,
      );
    }
    if (contentType === undefined || /^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
      try {
        event.data = JSON.parse(text);
      } catch {
        return refuse(
          "event_invalid",
          "事件数据不是有效的 JSON。",
          "The event data is not valid JSON.",
          locale,
        );
      }
    } else event.data = text;
  }
  return { ok: true, event: { ...event } as CloudEvent };
}

/**
 * Verify a delivery — the exchange's RFC 9421 signature (covering `@method`, `@target-uri`,
 * the Content-Digest and ce-id, ce-source, ce-type), the Content-Digest against the body
 * (RFC 9530) — and read its event. Answer 2xx only after it verified (and you stored the event);
 * answer 401 otherwise.
 *
 * @example
 * const verified = await verifyDelivery(
 *   { url: "https://hr.example.gov.cn/hooks/hukou", headers: req.headers, body: rawBody },
 *   { keys: new Map([[exchangeKeyId, createVerifier({ keyId: exchangeKeyId, algorithm: "ed25519", key: exchangePem })]]) },
 * );
 * if (!verified.ok) return reply.code(401).send(verified.message);
 * if (!(await dedup.firstTime(verified.event))) return reply.code(204).send(); // a duplicate
 */
export async function verifyDelivery(
  delivery: ReceivedDelivery,
  options: VerifyDeliveryOptions,
): Promise<VerifiedDelivery> {
  const body = delivery.body;
  const signed = await verifyRequest(
    { method: delivery.method ?? "POST", url: delivery.url, headers: delivery.headers },
    {
      keys: options.keys,
      body: body.length === 0 ? new Uint8Array() : body,
      ...(options.nonces === undefined ? {} : { nonces: options.nonces }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.maxAge === undefined ? {} : { maxAge: options.maxAge }),
      ...(options.locale === undefined ? {} : { locale: options.locale }),
    },
  );
  if (!signed.ok) return { ok: false, code: signed.code, message: signed.message };
  // The event identity must be signed: a relay could otherwise re-label a signed body.
  for (const name of ["ce-id", "ce-source", "ce-type", "content-digest"])
    if (!signed.covered.includes(`"${name}"`))
      return refuse(
        "signature_not_covered",
        `签名未覆盖 ${name}。请拒绝此投递。`,
        `The signature does not cover ${name}: refuse this delivery.`,
        options.locale,
      );
  const parsed = parseBinaryEvent(delivery.headers, body, options.locale);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    event: parsed.event,
    keyId: signed.keyId,
    ...(signed.nonce === undefined ? {} : { nonce: signed.nonce }),
  };
}

/**
 * Where a subscriber remembers the events it has processed. The in-memory default forgets after
 * `ttlMs` or beyond `maxEntries`; back it by your own database (a unique key on source + id) to
 * keep the window across restarts and several receivers.
 */
export interface DedupStore {
  /** Record `key`; true when it was not there (first time), false for a duplicate. */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forget `key` (processing failed: let the retry through). */
  release(key: string): void | Promise<void>;
}

/** An in-memory LRU of keys with a time to live: bounded in entries and in time. */
export function memoryDedupStore(
  options: { maxEntries?: number; now?: () => number } = {},
): DedupStore & { readonly size: number } {
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    claim(key, ttlMs) {
      const t = now();
      // Map keeps insertion order: the oldest entries come first.
      for (const [k, expiry] of expiries) {
        if (expiry > t) break;
        expiries.delete(k);
      }
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > t) return false;
      expiries.delete(key);
      expiries.set(key, t + ttlMs);
      while (expiries.size > maxEntries) {
        const oldest = expiries.keys().next().value as string;
        expiries.delete(oldest);
      }
      return true;
    },
    release(key) {
      expiries.delete(key);
    },
    get size() {
      return expiries.size;
    },
  };
}

export interface Deduplicator {
  /** True the first time an event (by source + id) is seen within the window. */
  firstTime(event: Pick<CloudEvent, "source" | "id">): Promise<boolean>;
  /** Forget an event, e.g. when processing it failed and the retry must be processed. */
  forget(event: Pick<CloudEvent, "source" | "id">): Promise<void>;
}

/**
 * Drop duplicates of at-least-once delivery by (source, id), as CloudEvents 1.0 §3.1.1 makes
 * that pair unique. The window is bounded: `ttlMs` (default 24 h) and, in memory,
 * `maxEntries` (default 10 000). An exchange retries a delivery for about two hours by default,
 * well within the window; pass a `store` for a window that survives restarts.
 *
 * @example
 * const dedup = createDeduplicator();
 * if (await dedup.firstTime(event)) await handle(event);
 */
export function createDeduplicator(
  options: { ttlMs?: number; maxEntries?: number; store?: DedupStore } = {},
): Deduplicator {
  const ttlMs = options.ttlMs ?? 24 * 3_600_000;
  const store =
    options.store ??
    memoryDedupStore(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries });
  // A key that no source or id can forge into another: both parts length-prefixed.
  const keyOf = (event: Pick<CloudEvent, "source" | "id">) =>
    `${String(event.source).length}:${String(event.source)}${String(event.id)}`;
  return {
    async firstTime(event) {
      return await store.claim(keyOf(event), ttlMs);
    },
    async forget(event) {
      await store.release(keyOf(event));
    },
  };
}
