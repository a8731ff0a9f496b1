/**
 * Load with autocannon where every request carries its own RFC 9421 signature: the requests
 * are signed before the timed run (the node refuses a replayed nonce, RFC 9421 §7.2.2), and
 * autocannon's `setupRequest` hands each one out exactly once, with `amount` = how many were
 * signed. Latencies are taken from autocannon's per-response events (fractional milliseconds),
 * throughput from the first request to the last response.
 */
import { randomUUID } from "node:crypto";
import { type SignatureHeaders, type Signer, signRequest } from "@govex/security";
import autocannon from "autocannon";

/** One signed request, ready to send. */
export interface Presigned {
  /** GET when absent. */
  method?: "GET" | "POST";
  /** Path and query as sent (and as covered by `@target-uri`). */
  path: string;
  headers: Record<string, string>;
  /** A JSON body (its Content-Digest is signed). */
  body?: string;
}

/**
 * Sign `count` GET requests of `url` with `signer`, each with a fresh nonce (and a fresh
 * X-Request-Id), as the govex client would: `@method` and `@target-uri` covered, five minutes'
 * validity.
 */
export async function presign(
  url: URL,
  count: number,
  signer: Signer,
  headers: Record<string, string> = {},
): Promise<Presigned[]> {
  const out: Presigned[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = await presignOne(url, signer, { headers });
  return out;
}

/**
 * Sign one request with a fresh nonce and X-Request-Id; a POST carries `body` as JSON, with
 * its Content-Digest (RFC 9530) covered by the signature.
 */
export async function presignOne(
  url: URL,
  signer: Signer,
  options: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Presigned> {
  const method = options.method ?? "GET";
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const h: Record<string, string> = {
    ...options.headers,
    "x-request-id": randomUUID(),
    ...(body === undefined ? {} : { "content-type": "application/json" }),
  };
  const signed: SignatureHeaders = await signRequest(
    { method, url: url.toString(), headers: h },
    { signer, ...(body === undefined ? {} : { body }) },
  );
  return {
    method,
    path: url.pathname + url.search,
    headers: { ...h, ...signed },
    ...(body === undefined ? {} : { body }),
  };
}

export interface LoadResult {
  /** Requests autocannon sent (each signed request once). */
  sent: number;
  /** Responses received. */
  responses: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Count by status code. */
  statuses: Record<number, number>;
  /** Connection errors and timeouts, as autocannon counts them. */
  errors: number;
  timeouts: number;
  seconds: number;
  /** 2xx responses per second. */
  rps: number;
  /** Responses per second over the second half of the run (past the connections' setup). */
  lateRps: number;
  p50: number;
  p99: number;
  max: number;
  /**
   * The 99th percentile without each connection's first answer: a new connection waits in the
   * server's accept queue while its event loop is saturated, so the first answers also measure
   * connection setup.
   */
  p99Open: number;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;

/**
 * Send every presigned request once over `connections` keep-alive connections to `origin`.
 *
 * @example
 * const result = await load("http://127.0.0.1:8700", await presign(url, 5000, signer), 100);
 */
export async function load(
  origin: string,
  requests: Presigned[],
  connections: number,
): Promise<LoadResult> {
  if (requests.length < connections)
    throw new Error(`${requests.length} requests cannot keep ${connections} connections busy`);
  let next = 0;
  const latencies: number[] = [];
  const open: number[] = [];
  const finished: number[] = [];
  const connected = new Set<unknown>();
  const statuses: Record<number, number> = {};
  let last = 0;
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: origin,
        connections,
        pipelining: 1,
        amount: requests.length,
        timeout: 30,
        requests: [
          {
            method: "GET",
            setupRequest: (request) => {
              const presigned = requests[next++];
              if (presigned === undefined)
                throw new Error(
                  `autocannon asked for more than the ${requests.length} signed requests`,
                );
              return {
                ...request,
                method: presigned.method ?? "GET",
                path: presigned.path,
                headers: presigned.headers,
                ...(presigned.body === undefined ? {} : { body: presigned.body }),
              };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance?.on("response", (client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (connected.has(client)) open.push(responseTime);
    else connected.add(client);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    last = performance.now();
    finished.push(last);
  });
  const result = await done;
  const seconds = (last - started) / 1000;
  const half = started + (last - started) / 2;
  const late = finished.filter((t) => t >= half).length;
  latencies.sort((a, b) => a - b);
  open.sort((a, b) => a - b);
  const ok = Object.entries(statuses)
    .filter(([code]) => code.startsWith("2"))
    .reduce((n, [, count]) => n + count, 0);
  return {
    sent: next,
    responses: latencies.length,
    ok,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    rps: ok / seconds,
    lateRps: late / (seconds / 2),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies[latencies.length - 1] ?? Number.NaN,
    p99Open: quantile(open, 0.99),
  };
}
