/**
 * How every identifier check treats the way a value is written, as opposed to what it says:
 * surrounding whitespace, full-width (全角) characters and lowercase letters are normalized, each
 * with a warning, so `checkX` returns the canonical value; the formats (the exchange form) accept
 * only the canonical value. Nothing else is ever corrected silently.
 * @module
 */
import { type CheckIssue, warning } from "../issues.js";

/** Longer inputs are rejected on their length alone, without being scanned or copied. */
export const MAX_SCANNED_LENGTH = 256;

export interface Normalized {
  value: string;
  warnings: CheckIssue[];
}

/** @internal A full-width form (U+FF01–U+FF5E) of a printable ASCII character. */
export function isFullWidth(code: number): boolean {
  return code >= 0xff01 && code <= 0xff5e;
}

/**
 * @internal Trims, maps full-width ASCII to ASCII and, when `upper`, a–z to A–Z, reporting each
 * kind of change once (with the 1-based position of its first occurrence in the trimmed value).
 */
export function normalizeIdentifier(input: string, upper: boolean): Normalized {
  const value = input.trim();
  const warnings: CheckIssue[] = [];
  if (value.length !== input.length) warnings.push(warning("surrounding_whitespace", {}));
  let fullWidthAt = 0;
  let lowerAt = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isFullWidth(c)) {
      if (!fullWidthAt) fullWidthAt = i + 1;
      const half = c - 0xfee0;
      if (upper && half >= 97 && half <= 122 && !lowerAt) lowerAt = i + 1;
    } else if (upper && c >= 97 && c <= 122 && !lowerAt) lowerAt = i + 1;
  }
  if (!fullWidthAt && !lowerAt) return { value, warnings };
  let out = "";
  for (let i = 0; i < value.length; i++) {
    let c = value.charCodeAt(i);
    if (isFullWidth(c)) c -= 0xfee0;
    if (upper && c >= 97 && c <= 122) c -= 32;
    out += String.fromCharCode(c);
  }
  if (fullWidthAt) warnings.push(warning("full_width_characters", { position: fullWidthAt }));
  if (lowerAt) warnings.push(warning("lowercase_letters", { position: lowerAt }));
  return { value: out, warnings };
}
