#!/usr/bin/env node
// Computes the check characters of the synthetic identifiers used in the spec examples.
// Algorithms: shared/standards/cn-standards.md §2 (GB 11643-1999, GB 11714-1997, GB 32100-2015).
// Usage:
//   node specs/data/tools/check-characters.mjs rid 11010519491231002   -> 11010519491231002X
//   node specs/data/tools/check-characters.mjs org M000100Y            -> M000100Y4
//   node specs/data/tools/check-characters.mjs uscc 91350100M000100Y4  -> 91350100M000100Y43
// The uscc form takes the 17 leading characters (positions 9-17 must already be an org code).

// GB 11643-1999 §6.2: ISO 7064 MOD 11-2.
export function residentIdCheck(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...body17].reduce((a, c, i) => a + Number(c) * w[i], 0);
  return "10X98765432"[s % 11];
}

// GB 11714-1997: weights 3 7 9 10 5 8 4 2; C9 = 11 - (S mod 11); 10 -> X, 11 -> 0.
export function orgCodeCheck(body8) {
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  const v = (c) => (/[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55);
  const s = [...body8].reduce((a, c, i) => a + v(c) * w[i], 0);
  const c = 11 - (s % 11);
  return c === 10 ? "X" : c === 11 ? "0" : String(c);
}

// GB 32100-2015 §4: charset of 31 symbols, weights 3^i mod 31.
const CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
export function usccCheck(body17) {
  const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const s = [...body17].reduce((a, c, i) => a + CHARSET.indexOf(c) * w[i], 0);
  return CHARSET[(31 - (s % 31)) % 31];
}

const [kind, body] = process.argv.slice(2);
if (kind && body) {
  const f = { rid: residentIdCheck, org: orgCodeCheck, uscc: usccCheck }[kind];
  if (!f) throw new Error(`unknown kind ${kind}: use rid, org or uscc`);
  process.stdout.write(`${body}${f(body)}\n`);
}
