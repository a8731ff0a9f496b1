/**
 * Remembers nonces until their signatures expire, so that a replayed signature
 * is refused (RFC 9421 §7.2.2). `claim` returns false when the nonce was seen.
 * The exchange node backs this with its database; {@link MemoryNonceStore} is for
 * a single process.
 */
export interface NonceStore {
  claim(keyId: string, nonce: string, expiresAt: number): boolean | Promise<boolean>;
}

/**
 * An in-memory {@link NonceStore} with a hard size bound: when full, it drops the
 * entries that expire first, so memory stays flat under a flood of requests.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  get size(): number {
    return this.#seen.size;
  }

  claim(keyId: string, nonce: string, expiresAt: number): boolean {
    const key = `${keyId}\u0000${nonce}`;
    const now = this.#now();
    const previous = this.#seen.get(key);
    if (previous !== undefined && previous >= now) return false;
    if (this.#seen.size >= this.#maxEntries) this.#prune(now);
    this.#seen.set(key, expiresAt);
    return true;
  }

  #prune(now: number): void {
    for (const [key, expiresAt] of this.#seen) if (expiresAt < now) this.#seen.delete(key);
    if (this.#seen.size < this.#maxEntries) return;
    const byExpiry = [...this.#seen].sort((a, b) => a[1] - b[1]);
    for (const [key] of byExpiry.slice(0, Math.ceil(this.#maxEntries / 10))) this.#seen.delete(key);
  }
}
