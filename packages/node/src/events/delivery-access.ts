/**
 * The access rules of a data read, applied to every event when it is delivered (国发〔2016〕51号
 * 第九条, as for queryRecords): the subscriber's share type and share request decide, today,
 * which fields it gets and which come masked. A share request revoked or expired since the
 * subscription was made stops the deliveries.
 */
import type { MaskRule } from "@govex/security";
import {
  type AccessAllowed,
  type AccessDecision,
  applyAccess,
  decideAccess,
  type ResourceAccess,
  type ShareType,
} from "../access/index.js";
import { loadGrant } from "../sharing/index.js";
import type { Queryable } from "../store/index.js";
import type { ChangeData } from "./cloud-event.js";

interface ResourceRow extends Record<string, unknown> {
  resource_code: string;
  provider_code: string;
  share_type: ShareType;
  status: "published" | "withdrawn";
  entry: { items?: { code: string }[] };
  record_schema: { properties?: Record<string, { "x-govex-mask"?: MaskRule }> } | null;
}

const RESOURCE_SQL = `select c.resource_code, c.provider_code, c.share_type, c.status, c.entry,
    (select s.record_schema from services s
      where s.resource_code = c.resource_code and s.member_code = c.provider_code
      order by (s.status = 'active') desc, s.activated_at desc nulls last limit 1) as record_schema
  from catalog_resources c where c.resource_code = $1`;

/** A resource's access facts (fields, masks, share type), or undefined when it is unknown. */
export async function loadResourceAccess(
  q: Queryable,
  resourceCode: string,
): Promise<ResourceAccess | undefined> {
  const row = (await q.query<ResourceRow>(RESOURCE_SQL, [resourceCode])).rows[0];
  if (row === undefined) return undefined;
  const masks: Record<string, MaskRule> = {};
  for (const [field, schema] of Object.entries(row.record_schema?.properties ?? {})) {
    const mask = schema["x-govex-mask"];
    if (mask) masks[field] = mask;
  }
  return {
    resourceCode: row.resource_code,
    providerCode: row.provider_code,
    shareType: row.share_type,
    status: row.status,
    fields: (row.entry.items ?? []).map((item) => item.code),
    masks,
  };
}

// The subscriber's share request the delivery rests on: an approved one whose period holds
// today first; else the latest one, so that a revoked or expired request is named as the reason.
const GRANT_SQL = `select id from share_requests
  where requester_code = $1 and resource_code = $2
  order by (status = 'approved' and (granted_from is null or granted_from <= $3::date)
            and (granted_to is null or granted_to >= $3::date)) desc,
           (status = 'approved') desc, coalesce(revoked_at, decided_at, created_at) desc, id
  limit 1`;

/** May `member` receive the resource's events today, and which fields, masked how? */
export async function subscriberAccess(
  q: Queryable,
  member: string,
  resource: ResourceAccess,
  today: string,
): Promise<AccessDecision> {
  let shareRequestId: string | undefined;
  // 无条件共享 needs no grant (a broken one would refuse what the share type allows).
  if (resource.shareType === "有条件共享" && member !== resource.providerCode)
    shareRequestId = (
      await q.query<{ id: string }>(GRANT_SQL, [member, resource.resourceCode, today])
    ).rows[0]?.id;
  const grant =
    shareRequestId === undefined ? undefined : await loadGrant(q, shareRequestId, today as never);
  return decideAccess({
    resource,
    caller: member,
    ...(shareRequestId === undefined ? {} : { shareRequestId }),
    ...(grant === undefined ? {} : { grant }),
    today,
    kind: "read",
  });
}

/**
 * The `data` a subscriber receives: the resource, the operation, the record through its access
 * rules (fields filtered, masked), and the record key only when the subscriber may see it in
 * clear — the key is a field of the record (a 公民身份号码, say) and would otherwise leak what
 * masking hides. An upsert names the key when the record's key field is served unmasked; a delete
 * (no record to tell the key field) only when nothing of the resource is hidden from it.
 */
export function deliveredData(
  data: ChangeData,
  decision: AccessAllowed,
  resource: ResourceAccess,
): Record<string, unknown> {
  const out: Record<string, unknown> = { resourceCode: data.resourceCode, op: data.op };
  const record = data.record;
  let keyInClear = false;
  if (record !== undefined && typeof record === "object" && record !== null) {
    const keyFields = Object.keys(record).filter((f) => String(record[f]) === data.key);
    keyInClear =
      keyFields.length > 0 &&
      keyFields.every((f) => decision.fields.includes(f) && !decision.masked.includes(f));
    out.record = applyAccess(record, decision);
  } else {
    keyInClear =
      decision.masked.length === 0 && resource.fields.every((f) => decision.fields.includes(f));
  }
  if (keyInClear) out.key = data.key;
  return out;
}
