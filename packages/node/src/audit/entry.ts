/**
 * Audit entries: what the node records of every access, and the bytes it hashes.
 *
 * The leaf of an entry is its canonical JSON (RFC 8785) without `leafIndex` and `leafHash`, and
 * its leaf hash is SHA-256(0x00 ‖ those bytes) (RFC 9162 §2.1.1; specs/exchange v1 AuditEntry).
 * The node stores those exact bytes and serves the entry as that JSON plus `leafIndex` and
 * `leafHash`, so anyone holding a served entry can recompute its leaf hash.
 */
import { canonicalJson, merkleLeafHash } from "@govex/security";
import { StoreError } from "../store/errors.js";

/** An access to record. */
export interface AuditEntryInput {
  /** When it happened (RFC 3339, or a Date); default: now. */
  time?: string | Date;
  /** The exchange operation (its operationId), e.g. "queryRecords". */
  operation: string;
  /** The consumer: its 统一社会信用代码 (GB 32100-2015). */
  caller: string;
  /** The provider's 统一社会信用代码. */
  provider?: string;
  /** The information resource code (政务信息资源代码), e.g. "101001/000001". */
  resourceCode?: string;
  /** The 信息项 codes served. */
  fields?: readonly string[];
  /** The purpose of use the consumer declared. */
  purpose?: string;
  /** The share request (共享申请) the access relied on. */
  shareRequestId?: string;
  /** The request id (X-Request-Id). */
  requestId?: string;
  /** The outcome: the HTTP status the node answered with. */
  status?: number;
}

/** An entry as stored and hashed: the leaf content. */
export interface AuditEntryContent {
  time: string;
  operation: string;
  caller: string;
  provider?: string;
  resourceCode?: string;
  fields?: string[];
  purpose?: string;
  shareRequestId?: string;
  requestId?: string;
  status?: number;
}

/** An entry as the node serves it (specs/exchange v1 AuditEntry): content, index, leaf hash. */
export interface AuditEntryJson extends AuditEntryContent {
  leafIndex: number;
  /** base64 of SHA-256(0x00 ‖ canonical JSON of the entry without leafIndex and leafHash). */
  leafHash: string;
}

// GB 32100-2015 §4: digits and upper-case letters except I, O, Z, S, V (shape only here: the
// caller was authenticated, its code checked at registration).
const USCC = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
// specs/data/v1 elements resourceCode.
const RESOURCE_CODE = /^[1-3][0-9]{2}[0-9A-Z]{0,29}\/[0-9A-Z]{1,32}$/;
// specs/exchange v1 Id.
const ID = /^[A-Za-z0-9_-]{1,64}$/;
// specs/data/v1 catalog-entry 信息项 code.
const FIELD = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const OPERATION = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
// RFC 3339 §5.6 date-time (upper- or lower-case T and Z).
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// C0 controls and DEL: never in a purpose text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: this regex exists to find them
const CONTROL = /[\u0000-\u001f\u007f]/;
// Lone surrogates have no UTF-8 form.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_PURPOSE = 1000;
const MAX_FIELDS = 512;

const utf8 = new TextEncoder();

function bad(path: string, zh: string, en: string): StoreError {
  return new StoreError("audit_entry_invalid", {
    zh: `审计条目 ${path} ${zh}`,
    en: `audit entry ${path} ${en}`,
    params: { path },
  });
}

function matching(value: unknown, pattern: RegExp, path: string, what: [string, string]): string {
  if (typeof value !== "string" || !pattern.test(value)) throw bad(path, what[0], what[1]);
  return value;
}

function rfc3339(value: string | Date | undefined, now: () => Date): string {
  if (value === undefined) return now().toISOString();
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw bad("/time", "不是有效时间。", "is not a valid time.");
    return value.toISOString();
  }
  if (typeof value !== "string" || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw bad(
      "/time",
      "须为 RFC 3339 时间, 如 2026-03-01T10:15:00+08:00。",
      "must be an RFC 3339 date-time such as 2026-03-01T10:15:00+08:00.",
    );
  }
  return value;
}

/**
 * Check an access and turn it into the entry content that is stored and hashed. Only the known
 * fields are copied; absent optional fields are left out (not null).
 *
 * @throws StoreError `audit_entry_invalid` naming the field.
 */
export function auditEntryContent(
  input: AuditEntryInput,
  now: () => Date = () => new Date(),
): AuditEntryContent {
  if (typeof input !== "object" || input === null) {
    throw bad("", "须为对象。", "must be an object.");
  }
  const content: AuditEntryContent = {
    time: rfc3339(input.time, now),
    operation: matching(input.operation, OPERATION, "/operation", [
      "须为接口操作名 (operationId)。",
      "must be an operationId.",
    ]),
    caller: matching(input.caller, USCC, "/caller", [
      "须为 18 位统一社会信用代码 (GB 32100-2015)。",
      "must be an 18-character unified social credit code (GB 32100-2015).",
    ]),
  };
  if (input.provider !== undefined) {
    content.provider = matching(input.provider, USCC, "/provider", [
      "须为 18 位统一社会信用代码 (GB 32100-2015)。",
      "must be an 18-character unified social credit code (GB 32100-2015).",
    ]);
  }
  if (input.resourceCode !== undefined) {
    content.resourceCode = matching(input.resourceCode, RESOURCE_CODE, "/resourceCode", [
      "须为信息资源代码, 如 101001/000001。",
      "must be an information resource code such as 101001/000001.",
    ]);
  }
  if (input.fields !== undefined) {
    if (!Array.isArray(input.fields) || input.fields.length > MAX_FIELDS) {
      throw bad(
        "/fields",
        `须为至多 ${MAX_FIELDS} 个信息项代码的数组。`,
        `must be an array of at most ${MAX_FIELDS} field codes.`,
      );
    }
    content.fields = input.fields.map((f, i) =>
      matching(f, FIELD, `/fields/${i}`, ["须为信息项代码。", "must be a field code."]),
    );
  }
  if (input.purpose !== undefined) {
    const p = input.purpose;
    if (
      typeof p !== "string" ||
      p.length === 0 ||
      p.length > MAX_PURPOSE ||
      CONTROL.test(p) ||
      LONE_SURROGATE.test(p)
    ) {
      throw bad(
        "/purpose",
        `须为 1 到 ${MAX_PURPOSE} 个字符的文本, 不含控制字符。`,
        `must be text of 1 to ${MAX_PURPOSE} characters without control characters.`,
      );
    }
    content.purpose = p;
  }
  if (input.shareRequestId !== undefined) {
    content.shareRequestId = matching(input.shareRequestId, ID, "/shareRequestId", [
      "须为共享申请标识。",
      "must be a share request id.",
    ]);
  }
  if (input.requestId !== undefined) {
    content.requestId = matching(input.requestId, REQUEST_ID, "/requestId", [
      "须为 1 到 128 个可见 ASCII 字符。",
      "must be 1 to 128 visible ASCII characters.",
    ]);
  }
  if (input.status !== undefined) {
    if (!Number.isInteger(input.status) || input.status < 100 || input.status > 599) {
      throw bad(
        "/status",
        "须为 100 到 599 的 HTTP 状态码。",
        "must be an HTTP status, 100 to 599.",
      );
    }
    content.status = input.status;
  }
  return content;
}

/** The leaf bytes of an entry: its canonical JSON (RFC 8785) without leafIndex and leafHash. */
export function auditLeafData(entry: AuditEntryContent | AuditEntryJson): Uint8Array {
  const { leafIndex: _index, leafHash: _hash, ...content } = entry as AuditEntryJson;
  return utf8.encode(canonicalJson(content));
}

/**
 * The leaf hash of an entry, SHA-256(0x00 ‖ leaf bytes) (RFC 9162 §2.1.1). Works on an entry as
 * served (its `leafIndex` and `leafHash` are left out of the hash).
 *
 * @example
 * Buffer.from(auditEntryLeafHash(entry)).toString("base64") === entry.leafHash; // untouched
 */
export function auditEntryLeafHash(entry: AuditEntryContent | AuditEntryJson): Uint8Array {
  return merkleLeafHash(auditLeafData(entry));
}
