export interface RetryOptions {
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First backoff ceiling in milliseconds (default 100). */
  baseDelay?: number;
  /** Largest backoff in milliseconds (default 5000). */
  maxDelay?: number;
  /** Longest Retry-After the client honours, in milliseconds (default 30000). */
  maxRetryAfter?: number;
}

/** Statuses worth retrying: the server says try again, or a gateway lost the upstream. */
export const RETRYABLE_STATUS = new Set([408, 425, 429, 502, 503, 504]);

/** Methods RFC 9110 §9.2.2 calls idempotent; others are retried only with an Idempotency-Key. */
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

export function isRetrySafe(method: string, hasIdempotencyKey: boolean): boolean {
  return hasIdempotencyKey || IDEMPOTENT.has(method.toUpperCase());
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base·2^attempt)]
 * ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015).
 */
export function backoffDelay(
  attempt: number,
  options: RetryOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseDelay ?? 100;
  const max = options.maxDelay ?? 5000;
  return Math.floor(random() * Math.min(max, base * 2 ** attempt));
}

/** Retry-After (RFC 9110 §10.2.3) in milliseconds: delay-seconds or an HTTP-date; undefined if absent or invalid. */
export function parseRetryAfter(
  value: string | string[] | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
