/**
 * The total unzipped size of a ZIP archive from its central directory (APPNOTE.TXT, PKWARE's
 * .ZIP File Format Specification, §4.3.12 and §4.3.16), read before the archive is inflated, so
 * that a small XLSX file that inflates to gigabytes (a "zip bomb") is refused up front.
 */

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
/** End of central directory record: 22 bytes and a comment of up to 65,535. */
const EOCD_SEARCH = 22 + 0xffff;

/**
 * Sum of the entries' uncompressed sizes; `Infinity` for ZIP64 archives (over 4 GiB, never a
 * reasonable XLSX file) and `undefined` when the buffer is not a well-formed ZIP archive.
 */
export function unzippedSize(buf: Buffer): number | undefined {
  const from = Math.max(0, buf.length - EOCD_SEARCH);
  let eocd = -1;
  for (let i = buf.length - 22; i >= from; i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) return Infinity;
  if (cdOffset + cdSize > eocd) return undefined;
  let total = 0;
  let at = cdOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > eocd || buf.readUInt32LE(at) !== CENTRAL) return undefined;
    const size = buf.readUInt32LE(at + 24);
    if (size === 0xffffffff) return Infinity;
    total += size;
    at += 46 + buf.readUInt16LE(at + 28) + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return total;
}
