/**
 * `If-Match` on a catalog entry (RFC 9110 §13.1.1): the update goes ahead only when the entry is
 * still at the version the client read. The entry's entity tag is its version, `"3"`; the bare
 * number `3` is accepted too, as specs/exchange v1 describes the header as "the expected current
 * version". `*` matches any existing entry. Weak tags (`W/"3"`) never match: If-Match compares
 * strongly.
 */
import { NodeProblem } from "../server/problem.js";

const MEMBER = /^\s*(\*|W\/"[\x21\x23-\x7e]*"|"[\x21\x23-\x7e]*"|[0-9]{1,10})\s*(?:,|$)/;

/** The members of an If-Match value, or undefined when it is not a list of entity tags. */
export function parseIfMatch(value: string): string[] | undefined {
  const members: string[] = [];
  let rest = value;
  while (rest.trim() !== "") {
    const found = MEMBER.exec(rest);
    if (found === null || members.length >= 32) return undefined;
    members.push(found[1] as string);
    rest = rest.slice(found[0].length);
  }
  return members.length === 0 ? undefined : members;
}

/**
 * Check an If-Match value against the current version: nothing when it matches or is absent,
 * else a 412 `precondition-failed` (or a 400 when the value is not a list of entity tags).
 */
export function checkIfMatch(value: string | undefined, version: number): void {
  if (value === undefined) return;
  const members = parseIfMatch(value);
  if (members === undefined)
    throw new NodeProblem("bad-request", {
      code: "if_match_invalid",
      zh: 'If-Match 须为条目版本号, 如 "3"。请使用读取条目时的 ETag。',
      en: 'If-Match must be the entry\'s version, such as "3": send the ETag you read.',
      errors: [{ path: "/header/if-match", code: "if_match_invalid", message: "If-Match" }],
    });
  const current = String(version);
  const matches = members.some((m) => m === "*" || m === `"${current}"` || m === current);
  if (!matches)
    throw new NodeProblem("precondition-failed", {
      code: "precondition_failed",
      zh: `目录条目已是第 ${current} 版, 与 If-Match 不符。请重新读取条目, 在最新版本上修改后再提交。`,
      en: `The entry is at version ${current}, not the one If-Match names: read it again and apply your change to the current version.`,
      params: { version },
    });
}
