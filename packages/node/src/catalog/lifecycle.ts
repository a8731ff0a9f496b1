/**
 * The life of a catalog entry (目录条目): published by its provider (version 1), replaced by
 * updates (one version each), withdrawn (one last version; it stays readable). Every version is
 * kept. Each function runs in one transaction and throws a `NodeProblem` before writing
 * anything when the request is refused.
 */
import type { CatalogEntry } from "@govex/schemas";
import type { Clock } from "../calendar/index.js";
import { decodeCursor, isNumber, page } from "../server/pagination.js";
import { conflict, forbidden, invalid, notFound, type ProblemIssue } from "../server/problem.js";
import type { Db, Queryable } from "../store/index.js";
import { type AuthorityClaim, type AuthorityConflict, settleClaims } from "./authority.js";
import { type CatalogEntryFacts, entryFacts, storableText } from "./entry-facts.js";
import { checkIfMatch } from "./if-match.js";
import {
  type CatalogRecord,
  type CatalogStatus,
  catalogRecord,
  RESOURCE_COLUMNS,
  type ResourceRow,
} from "./records.js";

/** Who asks: a member, and whether it operates the exchange (the operator may do everything). */
export interface CatalogActor {
  member: string;
  operator: boolean;
}

/** A stored version and the 一数一源 conflicts found when it was stored. */
export interface CatalogChange {
  record: CatalogRecord;
  conflicts: AuthorityConflict[];
}

const RESOURCE = { zh: "目录条目", en: "The catalog entry" };

function refuseIssues(issues: ProblemIssue[]): void {
  if (issues.length > 0)
    throw invalid(
      "目录条目不合规则。请按 errors 逐项修改后重新提交。",
      "The catalog entry breaks the catalog's rules: fix each of errors and send it again.",
      issues,
    );
}

function mayChange(actor: CatalogActor, provider: string, what: { zh: string; en: string }) {
  if (actor.operator || actor.member === provider) return;
  throw forbidden(
    `只有提供方 ${provider} 可以${what.zh}该目录条目。请以提供方的密钥签名。`,
    `Only the provider ${provider} may ${what.en} this catalog entry: sign with the provider's key.`,
    "not_provider",
  );
}

async function lockResource(tx: Queryable, code: string): Promise<ResourceRow> {
  const { rows } = await tx.query<ResourceRow>(
    `select ${RESOURCE_COLUMNS} from catalog_resources where resource_code = $1 for update`,
    [code],
  );
  const row = rows[0];
  if (row === undefined) throw notFound(RESOURCE);
  return row;
}

/** Replace the items of a resource with the entry's, the claims settled. */
async function writeItems(
  tx: Queryable,
  facts: CatalogEntryFacts,
  claims: Map<string, AuthorityClaim>,
  conflicts: AuthorityConflict[],
): Promise<void> {
  await tx.query("delete from catalog_items where resource_code = $1", [facts.resourceCode]);
  const firstOf = new Map(conflicts.map((c) => [c.element, c.first]));
  const claimOf = (i: (typeof facts.items)[number]) =>
    i.authoritative && i.elementRef !== null ? claims.get(i.elementRef) : undefined;
  const items = facts.items;
  await tx.query(
    `insert into catalog_items (resource_code, position, item_code, name, element_ref,
       authoritative, claimed_at, claim_seq, conflicts_with)
     select $1, position, item_code, name, element_ref, authoritative, claimed_at, claim_seq,
            conflicts_with
       from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::boolean[],
                   $7::timestamptz[], $8::bigint[], $9::text[])
         as i (position, item_code, name, element_ref, authoritative, claimed_at, claim_seq,
               conflicts_with)`,
    [
      facts.resourceCode,
      items.map((i) => i.position),
      items.map((i) => i.code),
      items.map((i) => i.name),
      items.map((i) => i.elementRef),
      items.map((i) => i.authoritative),
      items.map((i) => claimOf(i)?.at.toISOString() ?? null),
      items.map((i) => claimOf(i)?.seq ?? null),
      items.map((i) =>
        i.authoritative && i.elementRef !== null ? (firstOf.get(i.elementRef) ?? null) : null,
      ),
    ],
  );
}

async function writeVersion(
  tx: Queryable,
  row: ResourceRow,
  actor: CatalogActor,
  conflicts: AuthorityConflict[] | undefined,
): Promise<void> {
  await tx.query(
    `insert into catalog_versions (resource_code, version, status, entry, changed_at, changed_by,
       withdraw_reason, authority_conflicts)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8::jsonb)`,
    [
      row.resource_code,
      row.version,
      row.status,
      JSON.stringify(row.entry),
      row.updated_at,
      actor.member,
      row.withdraw_reason,
      conflicts === undefined || conflicts.length === 0 ? null : JSON.stringify(conflicts),
    ],
  );
}

/**
 * Publish an entry as version 1. Refused: 403 when the caller is not the entry's provider (nor
 * the operator), 422 when the provider is not a member or the entry breaks a catalog rule
 * (`entryFacts`), 409 when its resource code is already in the catalog (withdrawn ones too).
 */
export async function publishEntry(
  db: Db,
  clock: Clock,
  actor: CatalogActor,
  entry: CatalogEntry,
): Promise<CatalogChange> {
  mayChange(actor, entry.providerCode, { zh: "发布", en: "publish" });
  const { facts, issues } = entryFacts(entry);
  refuseIssues(issues);
  const now = clock.now();
  return db.transaction(async (tx) => {
    const member = await tx.query("select 1 from members where code = $1", [facts.providerCode]);
    if (member.rows.length === 0)
      refuseIssues([
        {
          path: "/providerCode",
          code: "provider_unknown",
          message: `${facts.providerCode} 不是本交换平台的成员单位 (not a member of this exchange)`,
        },
      ]);
    const { rows } = await tx.query<ResourceRow>(
      `insert into catalog_resources (resource_code, provider_code, status, version, entry, name,
         category, classification_item, share_type, update_cycle, search_text, published_at,
         updated_at)
       values ($1, $2, 'published', 1, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $10)
       on conflict (resource_code) do nothing
       returning ${RESOURCE_COLUMNS}`,
      [
        facts.resourceCode,
        facts.providerCode,
        JSON.stringify(entry),
        facts.name,
        facts.category,
        facts.classificationItem,
        facts.shareType,
        facts.updateCycle,
        facts.searchText,
        now,
      ],
    );
    const row = rows[0];
    if (row === undefined)
      throw conflict(
        `信息资源代码 ${facts.resourceCode} 已在目录中。请用 PUT 更新该条目, 或另编代码。`,
        `The resource code ${facts.resourceCode} is already in the catalog: update that entry with PUT, or give this resource another code.`,
        "resource_exists",
      );
    const { claims, conflicts } = await settleClaims(
      tx,
      facts.resourceCode,
      facts.claimedElements,
      now,
    );
    await writeItems(tx, facts, claims, conflicts);
    await writeVersion(tx, row, actor, conflicts);
    return { record: catalogRecord(row), conflicts };
  });
}

/**
 * Replace an entry (version + 1). Refused: 404 unknown; 403 not the provider (nor the operator);
 * 422 when the body's resourceCode is not the path's, the providerCode changes, or a catalog
 * rule is broken; 409 when the entry was withdrawn; 412 when `ifMatch` names another version.
 */
export async function updateEntry(
  db: Db,
  clock: Clock,
  actor: CatalogActor,
  resourceCode: string,
  entry: CatalogEntry,
  ifMatch: string | undefined,
): Promise<CatalogChange & { provider: string }> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const current = await lockResource(tx, resourceCode);
    mayChange(actor, current.provider_code, { zh: "更新", en: "update" });
    const { facts, issues } = entryFacts(entry);
    if (entry.resourceCode !== resourceCode)
      issues.unshift({
        path: "/resourceCode",
        code: "resource_code_mismatch",
        message: `须与路径中的 ${resourceCode} 相同 (must be ${resourceCode}, as in the path)`,
      });
    if (entry.providerCode !== current.provider_code)
      issues.unshift({
        path: "/providerCode",
        code: "provider_change",
        message: `提供方不能变更, 须为 ${current.provider_code} (the provider cannot change: must be ${current.provider_code})`,
      });
    refuseIssues(issues);
    if (current.status === "withdrawn")
      throw conflict(
        `目录条目 ${resourceCode} 已撤销, 不能更新。如需恢复, 请以新的信息资源代码发布。`,
        `The catalog entry ${resourceCode} was withdrawn and cannot be updated: publish it again under a new resource code.`,
        "entry_withdrawn",
      );
    checkIfMatch(ifMatch, current.version);
    const { claims, conflicts } = await settleClaims(tx, resourceCode, facts.claimedElements, now);
    const { rows } = await tx.query<ResourceRow>(
      `update catalog_resources
          set version = version + 1, entry = $2::jsonb, name = $3, category = $4,
              classification_item = $5, share_type = $6, update_cycle = $7, search_text = $8,
              updated_at = $9
        where resource_code = $1
        returning ${RESOURCE_COLUMNS}`,
      [
        resourceCode,
        JSON.stringify(entry),
        facts.name,
        facts.category,
        facts.classificationItem,
        facts.shareType,
        facts.updateCycle,
        facts.searchText,
        now,
      ],
    );
    const row = rows[0] as ResourceRow;
    await writeItems(tx, facts, claims, conflicts);
    await writeVersion(tx, row, actor, conflicts);
    return { record: catalogRecord(row), conflicts, provider: row.provider_code };
  });
}

/**
 * Withdraw an entry (version + 1, status withdrawn, the reason kept); it stays readable and its
 * 一数一源 claims stop counting. Refused: 404, 403 (not the provider nor the operator), 422 (a
 * reason that cannot be stored), 409 (already withdrawn).
 */
export async function withdrawEntry(
  db: Db,
  clock: Clock,
  actor: CatalogActor,
  resourceCode: string,
  reason: string,
): Promise<{ record: CatalogRecord; provider: string }> {
  const now = clock.now();
  return db.transaction(async (tx) => {
    const current = await lockResource(tx, resourceCode);
    mayChange(actor, current.provider_code, { zh: "撤销", en: "withdraw" });
    if (!storableText(reason))
      refuseIssues([
        {
          path: "/reason",
          code: "invalid_character",
          message: "含 U+0000 或不成对的代理码元, 无法保存 (contains U+0000 or a lone surrogate)",
        },
      ]);
    if (current.status === "withdrawn")
      throw conflict(
        `目录条目 ${resourceCode} 已撤销。无需再次撤销。`,
        `The catalog entry ${resourceCode} is already withdrawn: there is nothing more to do.`,
        "entry_withdrawn",
      );
    const { rows } = await tx.query<ResourceRow>(
      `update catalog_resources
          set version = version + 1, status = 'withdrawn', withdraw_reason = $2, updated_at = $3
        where resource_code = $1
        returning ${RESOURCE_COLUMNS}`,
      [resourceCode, reason, now],
    );
    const row = rows[0] as ResourceRow;
    await writeVersion(tx, row, actor, undefined);
    return { record: catalogRecord(row), provider: row.provider_code };
  });
}

/** The current version of an entry, withdrawn ones included; 404 when unknown. */
export async function readEntry(
  db: Queryable,
  resourceCode: string,
): Promise<{ record: CatalogRecord; provider: string }> {
  const { rows } = await db.query<ResourceRow>(
    `select ${RESOURCE_COLUMNS} from catalog_resources where resource_code = $1`,
    [resourceCode],
  );
  const row = rows[0];
  if (row === undefined) throw notFound(RESOURCE);
  return { record: catalogRecord(row), provider: row.provider_code };
}

interface VersionRow extends Record<string, unknown> {
  version: number;
  status: CatalogStatus;
  entry: CatalogEntry;
  changed_at: Date;
  withdraw_reason: string | null;
}

/**
 * Every version of an entry, oldest first, one page after the version `cursor` holds; each as
 * a CatalogRecord whose updatedAt is when that version was stored. 404 when unknown.
 */
export async function listEntryVersions(
  db: Queryable,
  resourceCode: string,
  cursor: string | undefined,
  limit: number,
): Promise<{ page: { items: CatalogRecord[]; nextCursor?: string }; provider: string }> {
  const after = decodeCursor(cursor, isNumber) ?? 0;
  const size = Math.min(Math.max(Math.trunc(limit) || 1, 1), 500);
  const resource = await db.query<{ provider_code: string; published_at: Date }>(
    "select provider_code, published_at from catalog_resources where resource_code = $1",
    [resourceCode],
  );
  const found = resource.rows[0];
  if (found === undefined) throw notFound(RESOURCE);
  const { rows } = await db.query<VersionRow>(
    `select version, status, entry, changed_at, withdraw_reason
       from catalog_versions where resource_code = $1 and version > $2
      order by version limit $3`,
    [resourceCode, after, size + 1],
  );
  return {
    provider: found.provider_code,
    page: page(
      rows,
      size,
      (row) =>
        catalogRecord({
          entry: row.entry,
          status: row.status,
          version: row.version,
          published_at: found.published_at,
          updated_at: row.changed_at,
          withdraw_reason: row.withdraw_reason,
        }),
      (row) => row.version,
    ),
  };
}
