import type { InputFormat } from "../types.js";

/** Format from a file name's extension, if it names one. */
export function formatFromName(name: string | undefined): InputFormat | undefined {
  if (!name) return undefined;
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  switch (m?.[1]?.toLowerCase()) {
    case "ndjson":
    case "jsonl":
      return "ndjson";
    case "json":
      return "json";
    case "csv":
      return "csv";
    case "tsv":
    case "tab":
      return "tsv";
    case "xlsx":
    case "xlsm":
      return "xlsx";
    default:
      return undefined;
  }
}

/**
 * Format from the first bytes: "[" → JSON array; "{" → NDJSON when the first line closes the
 * object, else a (pretty-printed) JSON document; otherwise CSV, or TSV when the first line has
 * more tabs than commas.
 */
export function sniffFormat(head: Buffer): InputFormat {
  let i = 0;
  while (
    i < head.length &&
    (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0d || head[i] === 0x0a)
  )
    i++;
  const first = head[i];
  if (first === 0x5b) return "json";
  if (first === 0x7b) {
    const nl = head.indexOf(0x0a, i);
    if (nl < 0) return "ndjson";
    const line = head.subarray(i, nl).toString("latin1").trimEnd();
    return line.endsWith("}") ? "ndjson" : "json";
  }
  const nl = head.indexOf(0x0a, i);
  const line = head.subarray(i, nl < 0 ? head.length : nl);
  let tabs = 0;
  let commas = 0;
  for (const b of line) {
    if (b === 0x09) tabs++;
    else if (b === 0x2c) commas++;
  }
  return tabs > commas ? "tsv" : "csv";
}
