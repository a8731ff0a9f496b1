import { isUtf8 } from "node:buffer";
import { GovexValidatorError } from "../errors.js";
import type { InputEncoding } from "../types.js";

export type ResolvedEncoding = "utf8" | "gb18030";

/** How many bytes the auto-detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

/** Length of a byte-order mark the decoder must skip (UTF-8 EF BB BF; GB18030 84 31 95 33). */
export function bomLength(head: Buffer, encoding: ResolvedEncoding): number {
  if (
    encoding === "utf8" &&
    head.length >= 3 &&
    head[0] === 0xef &&
    head[1] === 0xbb &&
    head[2] === 0xbf
  )
    return 3;
  if (
    encoding === "gb18030" &&
    head.length >= 4 &&
    head[0] === 0x84 &&
    head[1] === 0x31 &&
    head[2] === 0x95 &&
    head[3] === 0x33
  ) {
    return 4;
  }
  return 0;
}

/**
 * Decide the encoding from the first bytes: a BOM decides; otherwise the first 64 KiB are
 * UTF-8 if they decode as UTF-8 (ignoring a multi-byte sequence cut at the sample's end),
 * else GB18030 (of which GBK is a subset).
 */
export function detectEncoding(
  head: Buffer,
  requested: InputEncoding,
  complete: boolean,
): ResolvedEncoding {
  if (
    (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) ||
    (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff)
  ) {
    throw new GovexValidatorError("unsupported_encoding", {
      "zh-CN": "输入是 UTF-16 编码，暂不支持。请另存为 UTF-8 或 GB18030 后再校验。",
      en: "the input is UTF-16, which is not supported: save it as UTF-8 or GB18030 and validate again.",
    });
  }
  if (requested === "utf8") return "utf8";
  if (requested === "gbk" || requested === "gb18030") return "gb18030";
  if (bomLength(head, "utf8") > 0) return "utf8";
  if (bomLength(head, "gb18030") > 0) return "gb18030";
  let sample = head.length > SNIFF_BYTES ? head.subarray(0, SNIFF_BYTES) : head;
  if (!complete || head.length > SNIFF_BYTES)
    sample = sample.subarray(0, completeUtf8Prefix(sample));
  if (isUtf8(sample)) return "utf8";
  return looksLikeUtf8(sample) ? "utf8" : "gb18030";
}

/**
 * A sample that is not valid UTF-8 may still be UTF-8 with a few bad bytes (which then become
 * invalid_encoding issues of their records) rather than GB18030: it is UTF-8 when it does not
 * decode as GB18030, or when well-formed UTF-8 multi-byte sequences far outnumber bad bytes.
 */
function looksLikeUtf8(sample: Buffer): boolean {
  try {
    new TextDecoder("gb18030", { fatal: true }).decode(sample);
  } catch {
    return true;
  }
  let good = 0;
  let bad = 0;
  const n = sample.length;
  for (let i = 0; i < n; ) {
    const c = sample[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const need =
      c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xc2 && c <= 0xdf ? 1 : -1;
    let ok = need > 0 && i + need < n + 0;
    for (let k = 1; ok && k <= need; k++) ok = ((sample[i + k] as number) & 0xc0) === 0x80;
    if (ok) {
      good++;
      i += need + 1;
    } else {
      bad++;
      i++;
    }
  }
  return good >= 8 * bad;
}

/** Length of the sample without a UTF-8 sequence cut at its end. */
export function completeUtf8Prefix(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const c = b[n - back] as number;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    if (c >= 0xc0) {
      const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return need > back ? n - back : n;
    }
    return n;
  }
  return n;
}

/** Decodes one record's bytes strictly: invalid bytes give null, never replacement characters. */
export class RecordDecoder {
  private readonly gb: InstanceType<typeof TextDecoder> | null;

  constructor(readonly encoding: ResolvedEncoding) {
    this.gb = encoding === "gb18030" ? new TextDecoder("gb18030", { fatal: true }) : null;
  }

  /** Decode buf[start, end); `knownValid` skips the UTF-8 check when a whole chunk was checked. */
  decode(buf: Buffer, start: number, end: number, knownValid: boolean): string | null {
    if (this.gb === null) {
      if (knownValid || isUtf8(buf.subarray(start, end))) return buf.toString("utf8", start, end);
      return null;
    }
    try {
      return this.gb.decode(buf.subarray(start, end));
    } catch {
      return null;
    }
  }
}
