/**
 * Cheap checks on JSON text: nesting depth without parsing (strings and escapes skipped),
 * and the position of a syntax error, which V8's JSON.parse messages do not always give.
 */

/** Maximum nesting depth of JSON text, stopping early once `limit` is exceeded. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Details of a JSON.parse failure: the reason and, when V8 gives it, the position. */
export function jsonErrorParams(err: unknown, text: string): Record<string, unknown> {
  const reason = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(reason);
  const params: Record<string, unknown> = { reason: shorten(reason) };
  if (m) params.position = Number(m[1]);
  else if (/Unexpected end of JSON input/.test(reason)) params.position = text.length;
  else {
    const t = /Unexpected token '(.)', "(.*)" is not valid JSON/s.exec(reason);
    if (t) {
      // V8 quotes the text around the error; find the token in the full text.
      const ctx = (t[2] ?? "").replace(/^\.\.\./, "").replace(/\.\.\.$/, "");
      const at = text.indexOf(ctx);
      const within = ctx.indexOf(t[1] as string);
      if (at >= 0 && within >= 0) params.position = at + within;
    }
  }
  return params;
}

function shorten(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
