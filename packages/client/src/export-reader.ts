/**
 * The consumer's side of a streamed export (specs/exchange v1 `pullBatch`, ExportTrailer).
 *
 * A streamed answer is signed before its content exists, so its signature covers the status and
 * the content type but no Content-Digest (RFC 9530 §2 needs the content first). The node ends
 * the stream with one more NDJSON line, the trailer: the record count, the byte count and the
 * Content-Digest (SHA-256 and SM3) of every byte before it, signed by the node and bound to the
 * request's own Signature field as RFC 9421 §2.4 binds a response to its request. A stream cut
 * off has no trailer, a changed byte fails the digest, a trailer spliced from another export
 * fails the signature.
 *
 * @module
 */
import {
  canonicalJson,
  createDigest,
  type HashAlgorithm,
  type IncrementalDigest,
  isInnerList,
  type KeyResolver,
  parseDictionary,
  type Verifier,
} from "@govex/security";

/** The last line of an export. */
export interface ExportTrailer {
  "@govex": "end";
  records: number;
  bytes: number;
  /** RFC 9530 Content-Digest Dictionary of the bytes before this line (`sha-256=:…:, sm3=:…:`). */
  digest: string;
  /** Where the next incremental export starts (an export of changes only). */
  nextCursor?: string;
  keyId: string;
  /** Base64 signature over {@link exportTrailerInput}. */
  signature: string;
}

const LABEL = "govex-export-end-v1";

/** The bytes a trailer's signature covers: a label, the trailer without its signature, and the request's Signature field. */
export function exportTrailerInput(
  trailer: Omit<ExportTrailer, "signature">,
  requestSignature: string | undefined,
): Uint8Array {
  return Buffer.from(`${LABEL}\n${canonicalJson(trailer)}\n${requestSignature ?? ""}`, "utf8");
}

export type ExportFailureCode =
  | "export_truncated"
  | "export_malformed"
  | "export_count_mismatch"
  | "export_digest_mismatch"
  | "export_signature_invalid";

export type ExportCheck =
  | { ok: true; records: number; trailer: ExportTrailer }
  | { ok: false; code: ExportFailureCode; records: number; detail: string };

export interface ExportReaderOptions {
  /** Called with each record as its line completes, so a large export is never held whole. */
  onRecord?: (record: Record<string, unknown>) => void;
  /** Longest line held while it arrives (default 16 MiB); a longer one fails as malformed. */
  maxLineBytes?: number;
}

const DIGESTS: readonly HashAlgorithm[] = ["sha-256", "sm3"];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads an export stream: feed its chunks with `push`, then `finish` checks the trailer against
 * what came before it and the node's key. Never throws: a bad stream is a failed
 * {@link ExportCheck} with a snake_case code.
 *
 * The trailer is the LAST line whatever it holds, so a record that happens to carry an
 * `"@govex"` member is still a record: each line is held until the next one arrives.
 *
 * @example
 * const reader = new ExportReader({ onRecord: (r) => rows.push(r) });
 * for await (const chunk of response.body) reader.push(chunk);
 * const check = await reader.finish(nodeKeys, request.headers.signature);
 * if (!check.ok) throw new Error(check.code);
 */
export class ExportReader {
  private readonly hashes: [HashAlgorithm, IncrementalDigest][] = DIGESTS.map((a) => [
    a,
    createDigest(a),
  ]);
  private readonly onRecord: (record: Record<string, unknown>) => void;
  private readonly maxLineBytes: number;
  private carry: Buffer[] = [];
  private carryLength = 0;
  /** The last complete line (LF included): a record once another follows, else the trailer. */
  private held: Buffer | undefined;
  private records = 0;
  private bytes = 0;
  private failure: Extract<ExportCheck, { ok: false }> | undefined;
  private checked: ExportCheck | undefined;

  constructor(options: ExportReaderOptions | ((record: Record<string, unknown>) => void) = {}) {
    const o = typeof options === "function" ? { onRecord: options } : options;
    this.onRecord = o.onRecord ?? (() => {});
    this.maxLineBytes = o.maxLineBytes ?? 16 * 1024 * 1024;
  }

  /** The records read so far (the trailer not counted). */
  get count(): number {
    return this.records;
  }

  push(chunk: Uint8Array): void {
    if (this.failure !== undefined || chunk.length === 0) return;
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let start = 0;
    let lf = bytes.indexOf(0x0a);
    while (lf >= 0) {
      const piece = bytes.subarray(start, lf + 1);
      const line = this.carryLength === 0 ? piece : Buffer.concat([...this.carry, piece]);
      this.carry = [];
      this.carryLength = 0;
      this.line(line);
      if (this.failure !== undefined) return;
      start = lf + 1;
      lf = bytes.indexOf(0x0a, start);
    }
    if (start < bytes.length) {
      // Copied: the caller may reuse its chunk's memory.
      this.carry.push(Buffer.from(bytes.subarray(start)));
      this.carryLength += bytes.length - start;
      if (this.carryLength > this.maxLineBytes)
        this.fail(
          "export_malformed",
          `line ${this.records + 2} exceeds ${this.maxLineBytes} bytes`,
        );
    }
  }

  /**
   * The stream ended: is it complete and as the node sent it? `keys` resolves the trailer's
   * keyId (a single Verifier must carry that keyId); `requestSignature` is the Signature field
   * the request was sent with; `expectedKeyId`, when given (the key that signed the answer's
   * head), must be the trailer's.
   */
  async finish(
    keys: Verifier | KeyResolver | ReadonlyMap<string, Verifier>,
    requestSignature: string | undefined,
    expectedKeyId?: string,
  ): Promise<ExportCheck> {
    if (this.failure !== undefined) return this.failure;
    if (this.checked !== undefined) return this.checked;
    const records = this.records;
    const trailer = this.trailer();
    if (this.carryLength > 0 || trailer === undefined)
      return this.fail("export_truncated", "the stream ended before its signed last line");
    if (trailer.records !== records || trailer.bytes !== this.bytes)
      return this.fail(
        "export_count_mismatch",
        `the trailer counts ${trailer.records} records in ${trailer.bytes} bytes, the stream held ${records} in ${this.bytes}`,
      );
    const mismatch = this.digestMismatch(trailer.digest);
    if (mismatch !== undefined) return this.fail("export_digest_mismatch", mismatch);
    const { signature, ...unsigned } = trailer;
    const verifier = await resolveKey(keys, trailer.keyId);
    const valid =
      verifier !== undefined &&
      verifier.keyId === trailer.keyId &&
      (expectedKeyId === undefined || expectedKeyId === trailer.keyId) &&
      (await verifier.verify(
        exportTrailerInput(unsigned, requestSignature),
        Buffer.from(signature, "base64"),
      ));
    if (!valid)
      return this.fail(
        "export_signature_invalid",
        `the trailer's signature under ${trailer.keyId} does not verify`,
      );
    this.checked = { ok: true, records, trailer };
    return this.checked;
  }

  /** The last line read, when it has a trailer's shape (not yet checked: see `finish`). */
  trailer(): ExportTrailer | undefined {
    if (this.held === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(this.held.toString("utf8"));
      return isTrailer(value) ? value : undefined;
    } catch {
      return undefined;
    }
  }

  private line(bytes: Buffer): void {
    const previous = this.held;
    this.held = bytes;
    if (previous === undefined) return;
    // Blank lines are framing, not records (as @govex/validator reads NDJSON), but hashed.
    for (const [, hash] of this.hashes) hash.update(previous);
    this.bytes += previous.length;
    const text = previous.toString("utf8").trim();
    if (text === "") return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      this.fail("export_malformed", `line ${this.records + 1}: ${(error as Error).message}`);
      return;
    }
    if (!isObject(value)) {
      this.fail("export_malformed", `line ${this.records + 1} is not a JSON object`);
      return;
    }
    this.records++;
    this.onRecord(value);
  }

  /** Every algorithm of ours that the trailer's digest names must match; it must name one. */
  private digestMismatch(field: string): string | undefined {
    let named = 0;
    try {
      for (const [name, member] of parseDictionary(field)) {
        const hash = this.hashes.find(([a]) => a === name)?.[1];
        if (hash === undefined) continue;
        if (isInnerList(member) || !(member.value instanceof Uint8Array))
          return `${name} is not a byte sequence`;
        named++;
        if (!Buffer.from(hash.digest()).equals(Buffer.from(member.value)))
          return `${name} does not match the bytes received`;
      }
    } catch (error) {
      return `the digest is malformed: ${(error as Error).message}`;
    }
    return named === 0 ? "the trailer names neither sha-256 nor sm3" : undefined;
  }

  private fail(code: ExportFailureCode, detail: string): Extract<ExportCheck, { ok: false }> {
    this.failure ??= { ok: false, code, records: this.records, detail };
    return this.failure;
  }
}

function isTrailer(value: unknown): value is ExportTrailer {
  return (
    isObject(value) &&
    value["@govex"] === "end" &&
    Number.isSafeInteger(value.records) &&
    Number.isSafeInteger(value.bytes) &&
    typeof value.digest === "string" &&
    typeof value.keyId === "string" &&
    typeof value.signature === "string" &&
    (value.nextCursor === undefined || typeof value.nextCursor === "string")
  );
}

async function resolveKey(
  keys: Verifier | KeyResolver | ReadonlyMap<string, Verifier>,
  keyId: string,
): Promise<Verifier | undefined> {
  if (typeof keys === "function") return keys(keyId);
  if ("verify" in keys && typeof keys.verify === "function") return keys as Verifier;
  return (keys as ReadonlyMap<string, Verifier>).get(keyId);
}
