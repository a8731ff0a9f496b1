/**
 * Access rules (共享类型的执行、字段授权与脱敏): what a member may read or verify of a catalog
 * resource, decided for every data access before the provider is called.
 *
 * The three share types are those of 《政务信息资源共享管理暂行办法》(国发〔2016〕51号, 第九条),
 * which the exchange platform of 国办发〔2017〕39号 (《政务信息系统整合共享实施方案》) enforces:
 * - 无条件共享: served to every member (all items, masked per grade).
 * - 有条件共享: served only under the requester's own approved share request (共享申请), within
 *   its period, and only the items it granted; masked per grade unless it granted clear text.
 * - 不予共享: listed in the catalog with its legal basis, never served.
 *
 * The rules are pure and synchronous: the caller looks the resource and the share request up,
 * passes today's date in China, and gets a decision (allowed with the fields, the masked fields
 * and a masking policy; or a 403 with zh-CN and English messages). Everything unexpected fails
 * closed: an unknown share type is 不予共享, an unknown status is withdrawn, a grant without a
 * valid period or fields is invalid, an unusable mask rule redacts the value.
 *
 * @module
 */
import {
  MASK_HMAC_KEY_MIN_BYTES,
  type MaskingPolicy,
  type MaskRecordOptions,
  type MaskRule,
  maskRecord,
  maskValue,
} from "@govex/security";
import { isCalendarDate } from "../calendar/calendar-date.js";

/** The share types (共享类型) of 国发〔2016〕51号 第九条. */
export const SHARE_TYPES = ["无条件共享", "有条件共享", "不予共享"] as const;
export type ShareType = (typeof SHARE_TYPES)[number];

/** A catalog resource as the node knows it. */
export interface ResourceAccess {
  /** e.g. "101001/3700GA0001" */
  resourceCode: string;
  /** the provider member's 统一社会信用代码 */
  providerCode: string;
  shareType: ShareType;
  status: "published" | "withdrawn";
  /** every item (信息项) code of the resource, in catalog order */
  fields: readonly string[];
  /** masking rules by item code (from the provider's record schema `x-govex-mask` {kind, grade}) */
  masks: Readonly<Record<string, MaskRule>>;
}

/** The states of a share request (共享申请). */
export type GrantStatus = "pending" | "approved" | "refused" | "revoked" | "expired";

/** A share request (共享申请) as stored. */
export interface GrantState {
  id: string;
  requesterCode: string;
  resourceCode: string;
  status: GrantStatus;
  grantedFields?: readonly string[];
  /** YYYY-MM-DD, inclusive */
  grantedFrom?: string;
  /** YYYY-MM-DD, inclusive */
  grantedTo?: string;
  clearText?: boolean;
}

/** One access to decide. */
export interface AccessQuery {
  resource: ResourceAccess;
  /** the signer's member code */
  caller: string;
  /** the Govex-Share-Request header's id, if sent */
  shareRequestId?: string;
  /** the share request with that id, looked up by the caller (undefined when none / not found) */
  grant?: GrantState;
  /** item codes the caller asked for (`fields` parameter); undefined = all it may see */
  requestedFields?: readonly string[];
  /** today's date in China (UTC+8), YYYY-MM-DD */
  today: string;
  /** read returns values; verify only compares (may use every granted field, masking does not apply) */
  kind: "read" | "verify";
}

/** Why an access was refused. */
export type AccessDenialCode =
  | "not_shared"
  | "share_request_required"
  | "share_request_invalid"
  | "field_not_granted"
  | "resource_withdrawn";

/** On what an allowed access rests (recorded in the audit log). */
export type AccessBasis = "unconditional" | "grant" | "owner";

export type AccessDecision =
  | {
      allowed: true;
      /** the item codes served (read) or compared (verify), in catalog order */
      fields: string[];
      /** the served item codes that are masked (always empty for verify and the owner) */
      masked: string[];
      /** the masking policy of `masked`, keyed by JSON Pointer (`/itemCode`) */
      policy: MaskingPolicy;
      basis: AccessBasis;
      /** the share request the access rests on, when it rests on one */
      shareRequestId?: string;
    }
  | {
      allowed: false;
      /** 403 for every refusal today; 404 is reserved (a withdrawn resource is refused with 403) */
      status: 403 | 404;
      code: AccessDenialCode;
      zh: string;
      en: string;
    };

export type AccessAllowed = Extract<AccessDecision, { allowed: true }>;
export type AccessDenied = Extract<AccessDecision, { allowed: false }>;

/**
 * The RFC 9457 problem `type` of each refusal, as specs/exchange v1 lists them (`ProblemType`):
 * the spec has its own types for 不予共享 and a missing share request; the rest are `forbidden`.
 */
export const ACCESS_PROBLEM_TYPES: Readonly<Record<AccessDenialCode, string>> = {
  not_shared: "https://govex.dev/problems/not-shared",
  share_request_required: "https://govex.dev/problems/share-request-required",
  share_request_invalid: "https://govex.dev/problems/forbidden",
  field_not_granted: "https://govex.dev/problems/forbidden",
  resource_withdrawn: "https://govex.dev/problems/forbidden",
};

// ---------------------------------------------------------------------------------
// Decision

/**
 * Decide whether `query.caller` may read or verify `query.resource`, and which fields, masked
 * how. Never throws, never mutates its input.
 *
 * - The provider itself (caller === providerCode) is the owner: every field in clear text, any
 *   share type, even withdrawn.
 * - A withdrawn resource is refused to everyone else (403 `resource_withdrawn`).
 * - 不予共享, or a share type the node does not know: 403 `not_shared`.
 * - 无条件共享: every member; the requested fields that the resource has (unknown ones are
 *   dropped), masked per their rules. A share request sent with it must be valid (else 403
 *   `share_request_invalid`); if it grants clear text, its granted fields come in clear.
 * - 有条件共享: needs `shareRequestId` (403 `share_request_required`) naming an approved share
 *   request of the caller for this resource whose period holds today (403
 *   `share_request_invalid`, saying which check failed); only its granted fields (a requested
 *   field outside them: 403 `field_not_granted`), masked unless it grants clear text.
 * - `verify` passes the same checks, with the verified values' names as `requestedFields`;
 *   nothing is returned, so nothing is masked.
 *
 * @example
 * const decision = decideAccess({
 *   resource: {
 *     resourceCode: "101001/000001", providerCode: "11370000MB1234562A", shareType: "有条件共享",
 *     status: "published", fields: ["residentId", "name", "sex"],
 *     masks: { residentId: { kind: "resident-id" }, name: { kind: "name" } },
 *   },
 *   caller: "11370000MB0000001X",
 *   shareRequestId: "sr-1",
 *   grant: {
 *     id: "sr-1", requesterCode: "11370000MB0000001X", resourceCode: "101001/000001",
 *     status: "approved", grantedFields: ["name", "sex"],
 *     grantedFrom: "2026-01-01", grantedTo: "2026-12-31",
 *   },
 *   today: "2026-03-01",
 *   kind: "read",
 * });
 * // { allowed: true, fields: ["name", "sex"], masked: ["name"], basis: "grant", ... }
 */
export function decideAccess(query: AccessQuery): AccessDecision {
  const { resource } = query;
  const kind = query.kind === "verify" ? "verify" : "read";
  const catalog = stringList(resource.fields);
  const requested =
    query.requestedFields === undefined ? undefined : stringList(query.requestedFields);
  const code = quote(resource.resourceCode);

  if (isMember(query.caller) && query.caller === resource.providerCode)
    return allow(resource, select(catalog, requested), "all", kind, "owner");

  if (resource.status !== "published") return withdrawn(code);

  switch (resource.shareType) {
    case "无条件共享": {
      const fields = select(catalog, requested);
      if (!isPresent(query.shareRequestId))
        return allow(resource, fields, NONE, kind, "unconditional");
      const grant = checkGrant(query, query.shareRequestId, catalog, code);
      if (!grant.ok) return grant.denial;
      const clear = grant.clearText ? new Set(grant.granted) : NONE;
      return allow(resource, fields, clear, kind, "grant", query.shareRequestId);
    }
    case "有条件共享": {
      if (!isPresent(query.shareRequestId)) return shareRequestRequired(code);
      const id = query.shareRequestId;
      const grant = checkGrant(query, id, catalog, code);
      if (!grant.ok) return grant.denial;
      let fields = grant.granted;
      if (requested !== undefined) {
        const granted = new Set(grant.granted);
        const notGranted = requested.filter((field) => !granted.has(field));
        if (notGranted.length > 0) return fieldNotGranted(notGranted, grant.granted, id, kind);
        const asked = new Set(requested);
        fields = grant.granted.filter((field) => asked.has(field));
      }
      return allow(resource, fields, grant.clearText ? "all" : NONE, kind, "grant", id);
    }
    case "不予共享":
      return notShared(code);
    default:
      return unknownShareType(code, resource.shareType);
  }
}

/**
 * The record as the decision allows it to be served: only `decision.fields` (own properties of
 * `record`; absent ones stay absent, every other key — `__proto__` included — is dropped), with
 * `decision.masked` masked by `maskRecord` of @govex/security. Returns a deep copy; never mutates
 * its input.
 *
 * @param options passed to `maskRecord`: `hmacKey` for rules with the `hash` strategy, `maxDepth`.
 * @throws {MaskingError} `masking_key_required` when a masked field's rule hashes and no
 *   `hmacKey` is given; `masking_too_deep` for a value nested deeper than `maxDepth` (64).
 *
 * @example
 * applyAccess({ name: "张三", sex: "1", residentId: "11010519491231002X" }, decision);
 * // { name: "张*", sex: "1" }
 */
export function applyAccess(
  record: Record<string, unknown>,
  decision: AccessAllowed,
  options?: MaskRecordOptions,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  if (typeof record === "object" && record !== null) {
    for (const field of decision.fields) {
      if (!Object.hasOwn(record, field)) continue;
      // defineProperty, not assignment: a "__proto__" item stays data, never the prototype.
      Object.defineProperty(picked, field, {
        value: record[field],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  // maskRecord deep-copies even with an empty policy, so the result shares nothing with `record`.
  return maskRecord(picked, decision.policy, options);
}

// ---------------------------------------------------------------------------------
// Grants

type GrantCheck =
  | { ok: true; granted: string[]; clearText: boolean }
  | { ok: false; denial: AccessDenied };

/** The checks a share request must pass, in order; each failure says which one. */
function checkGrant(
  query: AccessQuery,
  id: string,
  catalog: readonly string[],
  code: string,
): GrantCheck {
  const grant = query.grant;
  const qid = quote(id);
  const fail = (zh: string, en: string): GrantCheck => ({
    ok: false,
    denial: deny("share_request_invalid", zh, en),
  });
  if (typeof grant !== "object" || grant === null || grant.id !== id)
    return fail(
      `共享申请 ${qid} 不存在。请核对 Govex-Share-Request 请求头中的申请编号。`,
      `Share request ${qid} does not exist. Check the id in the Govex-Share-Request header.`,
    );
  // Checked before anything else of the grant is read into a message: another member's request
  // discloses nothing but that it is not the caller's.
  if (!isMember(query.caller) || grant.requesterCode !== query.caller)
    return fail(
      `共享申请 ${qid} 不是贵单位提交的，不能用于本次访问。请使用贵单位自己获批的共享申请，或提交新的共享申请。`,
      `Share request ${qid} was not made by your organization and cannot be used for this access. Use a share request your organization made and had approved, or submit one.`,
    );
  if (grant.resourceCode !== query.resource.resourceCode) {
    const other = quote(grant.resourceCode);
    return fail(
      `共享申请 ${qid} 申请的是资源 ${other}，不是资源 ${code}。请使用针对资源 ${code} 的共享申请，或为其提交新的共享申请。`,
      `Share request ${qid} is for resource ${other}, not ${code}. Use a share request for ${code}, or submit one.`,
    );
  }
  if (grant.status !== "approved") {
    const [zh, en] = statusMessage(qid, grant.status);
    return fail(zh, en);
  }
  const from = grant.grantedFrom;
  const to = grant.grantedTo;
  if (!isCalendarDate(from) || !isCalendarDate(to) || from > to)
    return fail(
      `共享申请 ${qid} 没有有效的授权期限。请联系提供部门更正批复，或重新提交共享申请。`,
      `Share request ${qid} has no valid granted period. Ask the provider to correct its decision, or submit a new share request.`,
    );
  if (!isCalendarDate(query.today))
    return fail(
      `交换节点无法确定当前日期（${quote(query.today)}），不能判断共享申请 ${qid} 是否在授权期限内。请联系交换平台运维人员。`,
      `The exchange node could not tell today's date (${quote(query.today)}), so it cannot check that share request ${qid} is within its period. Contact the exchange's operators.`,
    );
  if (query.today < from)
    return fail(
      `共享申请 ${qid} 的授权期限自 ${from} 起，尚未生效。请在 ${from} 及以后再访问。`,
      `Share request ${qid} takes effect on ${from} and is not in effect yet. Access the data on or after ${from}.`,
    );
  if (query.today > to)
    return fail(
      `共享申请 ${qid} 的授权期限已于 ${to} 届满。如仍需使用数据，请重新提交共享申请。`,
      `Share request ${qid} ran out on ${to}. Submit a new share request if you still need the data.`,
    );
  const grantedSet = new Set(stringList(grant.grantedFields));
  // In catalog order, and only items the resource still has (its catalog entry may have changed).
  const granted = catalog.filter((field) => grantedSet.has(field));
  if (granted.length === 0)
    return fail(
      `共享申请 ${qid} 授予的字段都不在资源 ${code} 现有的信息项中。请就现有信息项重新提交共享申请。`,
      `None of the fields granted by share request ${qid} is an item of resource ${code} today. Submit a new share request for its current items.`,
    );
  return { ok: true, granted, clearText: grant.clearText === true };
}

function statusMessage(qid: string, status: unknown): [string, string] {
  switch (status) {
    case "pending":
      return [
        `共享申请 ${qid} 尚在审核中，还不能使用。请等待提供部门答复（应在 10 个工作日内）。`,
        `Share request ${qid} is still pending and cannot be used yet. Wait for the provider's answer (due within 10 working days).`,
      ];
    case "refused":
      return [
        `共享申请 ${qid} 已被拒绝。请查看拒绝理由，修改后重新提交共享申请。`,
        `Share request ${qid} was refused. Read the provider's reason, then submit a revised share request.`,
      ];
    case "revoked":
      return [
        `共享申请 ${qid} 已被撤销，不再有效。如仍需使用数据，请重新提交共享申请。`,
        `Share request ${qid} has been revoked and is no longer valid. Submit a new share request if you still need the data.`,
      ];
    case "expired":
      return [
        `共享申请 ${qid} 已过期。如仍需使用数据，请重新提交共享申请。`,
        `Share request ${qid} has expired. Submit a new share request if you still need the data.`,
      ];
    default: {
      const s = quote(status);
      return [
        `共享申请 ${qid} 的状态为 ${s}，不是“已批准”。请使用已批准的共享申请。`,
        `Share request ${qid} is ${s}, not approved. Use an approved share request.`,
      ];
    }
  }
}

// ---------------------------------------------------------------------------------
// Allowed

/** No field in clear text. */
const NONE: ReadonlySet<string> = new Set();

function allow(
  resource: ResourceAccess,
  fields: string[],
  clear: ReadonlySet<string> | "all",
  kind: "read" | "verify",
  basis: AccessBasis,
  shareRequestId?: string,
): AccessAllowed {
  const masked: string[] = [];
  const rules: Record<string, MaskRule> = {};
  if (kind === "read" && clear !== "all") {
    for (const field of fields) {
      if (clear.has(field)) continue;
      const rule = ruleOf(resource.masks, field);
      if (rule === undefined) continue;
      masked.push(field);
      // A JSON Pointer, never a dotted path: an item code holding "." or "[" stays one key.
      rules[`/${field.replace(/~/g, "~0").replace(/\//g, "~1")}`] = rule;
    }
  }
  const decision: AccessAllowed = {
    allowed: true,
    fields,
    masked,
    policy: { fields: rules },
    basis,
  };
  if (shareRequestId !== undefined) decision.shareRequestId = shareRequestId;
  return decision;
}

/** `requested` ∩ `catalog` in catalog order; all of `catalog` when nothing was asked. */
function select(catalog: string[], requested: string[] | undefined): string[] {
  if (requested === undefined) return catalog;
  const asked = new Set(requested);
  return catalog.filter((field) => asked.has(field));
}

/** Hides a value whose rule cannot be used: grade 4, redacted whole. */
const REDACT: MaskRule = Object.freeze<MaskRule>({ kind: "generic", grade: 4, strategy: "redact" });
const PROBE_KEY = new Uint8Array(MASK_HMAC_KEY_MIN_BYTES);
const usableRules = new WeakMap<object, MaskRule>();

/**
 * The field's own mask rule (never one inherited from Object.prototype, such as `constructor`),
 * or REDACT when the rule is malformed: an unusable rule must hide the value, not show it. A rule
 * is usable when it masks a probe value; the answer is remembered per rule object.
 */
function ruleOf(masks: unknown, field: string): MaskRule | undefined {
  if (typeof masks !== "object" || masks === null || !Object.hasOwn(masks, field)) return undefined;
  const rule: unknown = (masks as Record<string, unknown>)[field];
  if (rule === undefined) return undefined;
  if (typeof rule !== "object" || rule === null) return REDACT;
  let usable = usableRules.get(rule);
  if (usable === undefined) {
    try {
      maskValue("0", rule as MaskRule, { hmacKey: PROBE_KEY });
      usable = rule as MaskRule;
    } catch {
      usable = REDACT;
    }
    usableRules.set(rule, usable);
  }
  return usable;
}

// ---------------------------------------------------------------------------------
// Refusals

function deny(code: AccessDenialCode, zh: string, en: string): AccessDenied {
  return { allowed: false, status: 403, code, zh, en };
}

function withdrawn(code: string): AccessDenied {
  return deny(
    "resource_withdrawn",
    `资源 ${code} 已撤销发布，不再提供共享。请在目录中查找替代资源，或联系提供部门。`,
    `Resource ${code} has been withdrawn from the catalog and is no longer shared. Look for another resource in the catalog, or contact the provider.`,
  );
}

function notShared(code: string): AccessDenied {
  return deny(
    "not_shared",
    `资源 ${code} 为不予共享（国发〔2016〕51号），不向其他部门提供。如确有需要，请依据法律法规与提供部门协商。`,
    `Resource ${code} is not shared (不予共享, 国发〔2016〕51号) and is never served to other members. If you need it, take it up with the provider on a legal basis.`,
  );
}

function unknownShareType(code: string, shareType: unknown): AccessDenied {
  const t = quote(shareType);
  return deny(
    "not_shared",
    `资源 ${code} 的共享类型 ${t} 无法识别，按不予共享处理。请联系提供部门更正目录条目。`,
    `Resource ${code} has an unknown share type ${t} and is treated as not shared. Ask the provider to correct its catalog entry.`,
  );
}

function shareRequestRequired(code: string): AccessDenied {
  return deny(
    "share_request_required",
    `资源 ${code} 为有条件共享，须凭已批准的共享申请访问，但请求未带 Govex-Share-Request 请求头。请先提交共享申请，获批后在该请求头中填写申请编号。`,
    `Resource ${code} is conditionally shared (有条件共享) and needs an approved share request, but the request has no Govex-Share-Request header. Submit a share request and, once it is approved, send its id in that header.`,
  );
}

function fieldNotGranted(
  notGranted: readonly string[],
  granted: readonly string[],
  id: string,
  kind: "read" | "verify",
): AccessDenied {
  const asked = listOf(notGranted);
  const allowed = listOf(granted);
  const qid = quote(id);
  return deny(
    "field_not_granted",
    `${kind === "verify" ? "核验" : "请求"}的字段 ${asked.zh} 不在共享申请 ${qid} 授予的范围内。请只${kind === "verify" ? "核验" : "请求"}已授予的字段（${allowed.zh}），或就这些字段另行提交共享申请。`,
    `Share request ${qid} does not grant the field(s) ${asked.en} you ${kind === "verify" ? "asked to verify" : "asked for"}. Use only the granted fields (${allowed.en}), or submit a share request for these.`,
  );
}

// ---------------------------------------------------------------------------------
// Input hygiene

/** The strings of a list, first occurrence only; anything but an array is empty. */
function stringList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of value) {
    if (typeof item === "string" && !seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  }
  return out;
}

function isPresent(id: string | undefined): id is string {
  return typeof id === "string" && id !== "";
}

/** A caller that can be an owner or a requester: a non-empty string. */
function isMember(caller: unknown): caller is string {
  return typeof caller === "string" && caller !== "";
}

const QUOTE_MAX = 64;
const LIST_MAX = 10;

/** A value for a message: quoted, control characters replaced, at most 64 code points. */
function quote(value: unknown): string {
  if (typeof value !== "string") return typeof value === "number" ? String(value) : "(none)";
  // Slice first so a huge value costs no more than a short one.
  const points = Array.from(value.slice(0, QUOTE_MAX * 2).replace(/[\p{Cc}\u2028\u2029]/gu, "?"));
  const text = points.slice(0, QUOTE_MAX).join("");
  return `"${points.length > QUOTE_MAX || value.length > QUOTE_MAX * 2 ? `${text}…` : text}"`;
}

/** At most ten quoted names, then how many more. */
function listOf(names: readonly string[]): { zh: string; en: string } {
  const shown = names.slice(0, LIST_MAX).map(quote).join(", ");
  const more = names.length - LIST_MAX;
  return more > 0
    ? { zh: `${shown} 等 ${names.length} 个`, en: `${shown} and ${more} more` }
    : { zh: shown, en: shown };
}
