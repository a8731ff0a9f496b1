/**
 * GBK encoding for the legacy export. Node decodes GBK (WHATWG Encoding) but does not encode it;
 * the table is built once from Node's own decoder: every two-byte GBK code (lead 0x81–0xFE,
 * trail 0x40–0xFE except 0x7F, GB 2312 and its GBK extension) decoded once.
 */
let table: Map<string, number> | undefined;

function gbkTable(): Map<string, number> {
  if (table) return table;
  table = new Map();
  const decoder = new TextDecoder("gbk");
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(new Uint8Array([lead, trail]));
      if (ch.length === 1 && ch !== "\uFFFD" && !table.has(ch)) table.set(ch, (lead << 8) | trail);
    }
  return table;
}

/** Encode text as GBK; a character GBK cannot hold (e.g. beyond the BMP) is an error. */
export function encodeGbk(text: string): Buffer {
  const codes = gbkTable();
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) {
      bytes.push(code);
      continue;
    }
    const pair = codes.get(ch);
    if (pair === undefined) throw new RangeError(`GBK has no code for U+${code.toString(16)}`);
    bytes.push(pair >> 8, pair & 0xff);
  }
  return Buffer.from(bytes);
}
