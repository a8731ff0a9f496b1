/**
 * Split one CSV/TSV row (already decoded, without its line break) into fields.
 * RFC 4180 §2: fields may be quoted; a quote inside a quoted field is written twice;
 * quoted fields may contain the delimiter and line breaks.
 */
export function splitCsvRow(row: string, delimiter: number): string[] {
  const out: string[] = [];
  const n = row.length;
  let i = 0;
  for (;;) {
    if (i < n && row.charCodeAt(i) === 0x22) {
      let value = "";
      let from = i + 1;
      let j = from;
      for (;;) {
        const q = row.indexOf('"', j);
        if (q < 0) {
          // Unterminated quote: the rest of the row is the field (reported by the framer).
          value += row.slice(from);
          j = n;
          break;
        }
        if (row.charCodeAt(q + 1) === 0x22) {
          value += `${row.slice(from, q)}"`;
          from = q + 2;
          j = from;
          continue;
        }
        value += row.slice(from, q);
        j = q + 1;
        break;
      }
      // Be forgiving about text between the closing quote and the delimiter: keep it.
      const d = indexOfCode(row, delimiter, j);
      if (d < 0) {
        out.push(value + row.slice(j));
        return out;
      }
      out.push(value + row.slice(j, d));
      i = d + 1;
    } else {
      const d = indexOfCode(row, delimiter, i);
      if (d < 0) {
        out.push(row.slice(i));
        return out;
      }
      out.push(row.slice(i, d));
      i = d + 1;
    }
  }
}

function indexOfCode(s: string, code: number, from: number): number {
  return s.indexOf(String.fromCharCode(code), from);
}
