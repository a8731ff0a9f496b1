/**
 * 一数一源 (one data, one source; 国办发〔2017〕39号): each data element has one authoritative
 * source. A resource claims to be the source of the data elements of the items its entry lists
 * in `extensions.GOVEX.authoritativeItems`. A claim on an element that another published
 * resource claimed first does not stop the publication — the catalog records it and the answer
 * names the first claimant in the `Govex-Authority-Conflict` header — because which department
 * is the source is settled between departments, not by the exchange.
 */
import { serializeMember, Token } from "@govex/security";
import type { Queryable } from "../store/index.js";

/** The response header that names, for each contested data element, its first claimant. */
export const AUTHORITY_CONFLICT_HEADER = "govex-authority-conflict";

/** Most elements the header lists; the rest are counted (see `authorityConflictHeader`). */
export const AUTHORITY_HEADER_MAX_MEMBERS = 32;
/** Most characters of the header value, well under common header size limits (8 KiB). */
export const AUTHORITY_HEADER_MAX_LENGTH = 4096;

/** A data element this resource claims that another published resource claimed first. */
export interface AuthorityConflict {
  /** The data element's URI (an item's `dataElement`). */
  element: string;
  /** The resource code of the first resource that claimed it and is still published. */
  first: string;
}

/** When, and in which order, a resource claimed an element. */
export interface AuthorityClaim {
  seq: number;
  at: Date;
}

/**
 * Every claim is taken under one transaction-scoped advisory lock (two-key form; class 6006 is
 * the catalog's migration number), so two resources claiming the same element at the same time
 * are ordered: the second one sees the first once it committed.
 */
const LOCK_SQL = "select 1 as locked from (select pg_advisory_xact_lock(6006, 1)) as l";

/**
 * Settle the claims of `resourceCode` on `elements`, inside its publish or update transaction:
 * a claim the resource already held keeps its place in the order, a new one goes last. Returns
 * each element's claim and the conflicts, sorted by element.
 */
export async function settleClaims(
  tx: Queryable,
  resourceCode: string,
  elements: readonly string[],
  now: Date,
): Promise<{ claims: Map<string, AuthorityClaim>; conflicts: AuthorityConflict[] }> {
  const claims = new Map<string, AuthorityClaim>();
  if (elements.length === 0) return { claims, conflicts: [] };
  await tx.query(LOCK_SQL);
  const held = await tx.query<{ element_ref: string; seq: number; at: Date }>(
    `select element_ref, min(claim_seq) as seq, min(claimed_at) as at from catalog_items
      where resource_code = $1 and authoritative and element_ref = any($2::text[])
      group by element_ref`,
    [resourceCode, elements],
  );
  for (const row of held.rows) claims.set(row.element_ref, { seq: Number(row.seq), at: row.at });
  const fresh = elements.filter((e) => !claims.has(e));
  if (fresh.length > 0) {
    const seqs = await tx.query<{ seq: number }>(
      "select nextval('catalog_claims') as seq from generate_series(1, $1::int)",
      [fresh.length],
    );
    fresh.forEach((element, i) => {
      claims.set(element, { seq: Number(seqs.rows[i]?.seq), at: now });
    });
  }
  const firsts = await tx.query<{ element_ref: string; resource_code: string; seq: number }>(
    `select distinct on (i.element_ref) i.element_ref, i.resource_code, i.claim_seq as seq
       from catalog_items i join catalog_resources r on r.resource_code = i.resource_code
      where i.authoritative and r.status = 'published' and i.resource_code <> $1
        and i.element_ref = any($2::text[])
      order by i.element_ref, i.claim_seq, i.resource_code`,
    [resourceCode, elements],
  );
  const conflicts: AuthorityConflict[] = [];
  for (const row of firsts.rows) {
    const own = claims.get(row.element_ref);
    if (own !== undefined && Number(row.seq) < own.seq)
      conflicts.push({ element: row.element_ref, first: row.resource_code });
  }
  conflicts.sort((a, b) => (a.element < b.element ? -1 : a.element > b.element ? 1 : 0));
  return { claims, conflicts };
}

/** Structured-field strings are printable ASCII (RFC 8941 §3.3.3): percent-encode the rest as UTF-8. */
const asciiString = (text: string) =>
  text.replace(/[^\x20-\x7e]+/g, (run) =>
    [...Buffer.from(run, "utf8")]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`)
      .join(""),
  );

/**
 * The `Govex-Authority-Conflict` header: an RFC 8941 List, one String per contested element
 * with a `first` parameter naming its first claimant, e.g.
 * `"https://govex.dev/specs/data/v1/elements.schema.json#/$defs/residentId";first="101001/000001"`.
 * At most 32 members and 4096 characters; when some were left out, a last member, the Token
 * `more` with an `omitted` count, says how many. Undefined when there is no conflict.
 */
export function authorityConflictHeader(
  conflicts: readonly AuthorityConflict[],
): string | undefined {
  if (conflicts.length === 0) return undefined;
  const members: string[] = [];
  let length = 0;
  for (const conflict of conflicts) {
    const member = serializeMember({
      value: asciiString(conflict.element),
      params: new Map([["first", asciiString(conflict.first)]]),
    });
    if (
      members.length >= AUTHORITY_HEADER_MAX_MEMBERS ||
      length + member.length + 2 > AUTHORITY_HEADER_MAX_LENGTH - 40
    )
      break;
    members.push(member);
    length += member.length + 2;
  }
  const omitted = conflicts.length - members.length;
  if (omitted > 0)
    members.push(
      serializeMember({ value: new Token("more"), params: new Map([["omitted", omitted]]) }),
    );
  return members.join(", ");
}
