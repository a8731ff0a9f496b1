/**
 * The central directory of a ZIP archive (APPNOTE.TXT, PKWARE's .ZIP File Format Specification,
 * §4.3.12 central directory header, §4.3.16 end of central directory record), read from the end
 * of a file without inflating anything, so that an XLSX file that would inflate to gigabytes (a
 * "zip bomb") is refused before it is opened; and one entry's bytes, found through its local
 * header (§4.3.7) and inflated as a stream.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";
import { createInflateRaw } from "node:zlib";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Compression methods an office document uses (APPNOTE §4.4.5): stored and deflated. */
const STORED = 0;
const DEFLATED = 8;
/** End of central directory record: 22 bytes and a comment of up to 65,535. */
const EOCD_SEARCH = 22 + 0xffff;
/** A central directory larger than this is not an office document's (a workbook has dozens of parts). */
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

export interface ZipEntry {
  name: string;
  compressedSize: number;
  /** Declared size once inflated; `Infinity` for a ZIP64 entry (over 4 GiB). */
  size: number;
  /** General purpose flag bit 0: the entry is encrypted (APPNOTE §4.4.4). */
  encrypted: boolean;
  /** Compression method (APPNOTE §4.4.5). */
  method: number;
  /** Offset of the entry's local file header. */
  offset: number;
}

/** `undefined` when the bytes are not a well-formed ZIP archive (truncated, damaged, not a ZIP). */
export async function readZipDirectory(path: string): Promise<ZipEntry[] | undefined> {
  const fh = await open(path, "r");
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, EOCD_SEARCH);
    if (tailLen < 22) return undefined;
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return undefined;
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64: over 65,535 parts or 4 GiB, never a reasonable workbook.
      return [
        {
          name: "",
          compressedSize: Infinity,
          size: Infinity,
          encrypted: false,
          method: STORED,
          offset: 0,
        },
      ];
    }
    const eocdAt = size - tailLen + eocd;
    if (cdOffset + cdSize > eocdAt || cdSize > MAX_DIRECTORY_BYTES) return undefined;
    const dir = Buffer.alloc(cdSize);
    await fh.read(dir, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let at = 0;
    for (let n = 0; n < count; n++) {
      if (at + 46 > cdSize || dir.readUInt32LE(at) !== CENTRAL) return undefined;
      const flags = dir.readUInt16LE(at + 8);
      const method = dir.readUInt16LE(at + 10);
      const compressedSize = dir.readUInt32LE(at + 20);
      const unzipped = dir.readUInt32LE(at + 24);
      const nameLen = dir.readUInt16LE(at + 28);
      const extraLen = dir.readUInt16LE(at + 30);
      const commentLen = dir.readUInt16LE(at + 32);
      const offset = dir.readUInt32LE(at + 42);
      if (at + 46 + nameLen > cdSize) return undefined;
      entries.push({
        name: dir.toString("utf8", at + 46, at + 46 + nameLen),
        compressedSize: compressedSize === 0xffffffff ? Infinity : compressedSize,
        size: unzipped === 0xffffffff ? Infinity : unzipped,
        encrypted: (flags & 1) === 1,
        method,
        offset: offset === 0xffffffff ? Infinity : offset,
      });
      at += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** The bytes of an entry are not what its directory says: damaged, or lying about its size. */
export class ZipEntryError extends Error {}

/**
 * One entry's content as UTF-8 text, chunk by chunk (a character split between chunks is kept
 * whole). Reads only the entry's own bytes; inflating more than the directory declared is an
 * error, so a directory that understates a part's size cannot make it a zip bomb.
 *
 * @throws ZipEntryError when the local header, the method or the inflated size is wrong
 */
export async function* readZipEntryText(
  path: string,
  entry: ZipEntry,
  onRead?: (compressedBytes: number) => void,
): AsyncGenerator<string> {
  if (entry.method !== STORED && entry.method !== DEFLATED)
    throw new ZipEntryError(`${entry.name}: compression method ${entry.method}`);
  const fh = await open(path, "r");
  let start: number;
  try {
    const local = Buffer.alloc(30);
    const { bytesRead } = await fh.read(local, 0, 30, entry.offset);
    if (bytesRead < 30 || local.readUInt32LE(0) !== LOCAL)
      throw new ZipEntryError(`${entry.name}: no local header`);
    start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0) return;
  const raw = createReadStream(path, {
    start,
    end: start + entry.compressedSize - 1,
    highWaterMark: 64 * 1024,
  });
  if (onRead !== undefined) raw.on("data", (chunk) => onRead(chunk.length));
  const bytes = entry.method === DEFLATED ? raw.pipe(createInflateRaw()) : raw;
  raw.on("error", (err) => bytes.destroy(err));
  const text = new StringDecoder("utf8");
  let size = 0;
  try {
    for await (const chunk of bytes as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > entry.size) throw new ZipEntryError(`${entry.name}: larger than declared`);
      const s = text.write(chunk);
      if (s.length > 0) yield s;
    }
  } finally {
    raw.destroy();
    bytes.destroy();
  }
  if (size !== entry.size) throw new ZipEntryError(`${entry.name}: smaller than declared`);
  const rest = text.end();
  if (rest.length > 0) yield rest;
}
