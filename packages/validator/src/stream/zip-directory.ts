/**
 * The central directory of a ZIP archive (APPNOTE.TXT, PKWARE's .ZIP File Format Specification,
 * §4.3.12 central directory header, §4.3.16 end of central directory record), read from the end
 * of a file without inflating anything, so that an XLSX file that would inflate to gigabytes (a
 * "zip bomb") is refused before it is opened.
 */
import { open } from "node:fs/promises";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
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
      return [{ name: "", compressedSize: Infinity, size: Infinity, encrypted: false }];
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
      const compressedSize = dir.readUInt32LE(at + 20);
      const unzipped = dir.readUInt32LE(at + 24);
      const nameLen = dir.readUInt16LE(at + 28);
      const extraLen = dir.readUInt16LE(at + 30);
      const commentLen = dir.readUInt16LE(at + 32);
      if (at + 46 + nameLen > cdSize) return undefined;
      entries.push({
        name: dir.toString("utf8", at + 46, at + 46 + nameLen),
        compressedSize: compressedSize === 0xffffffff ? Infinity : compressedSize,
        size: unzipped === 0xffffffff ? Infinity : unzipped,
        encrypted: (flags & 1) === 1,
      });
      at += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}
