/**
 * Share requests (共享申请) of specs/exchange v1, tag `sharing`: a member asks a provider for a
 * resource's fields for a purpose, on a legal basis, for a period; the provider answers within 10
 * working days on the official calendar (国发〔2016〕51号《政务信息资源共享管理暂行办法》第十四条);
 * either side can end it. The server has checked the signature, the parameters and the body's
 * shape; these handlers do the rest (see README.md for every rule and why).
 *
 * @module
 */
import type { AccessDenialCode } from "../access/access-rules.js";
import { answerDeadline, type CalendarDate, cstDateOf } from "../calendar/index.js";
import { unstorableText } from "../catalog/entry-facts.js";
import {
  type AuditFacts,
  type Caller,
  callerOf,
  type OperationHandler,
  type OperationHandlers,
  type OperationRequest,
} from "../server/operation.js";
import { decodeCursor, page } from "../server/pagination.js";
import {
  conflict,
  forbidden,
  invalid,
  type Lang,
  NodeProblem,
  notFound,
  type ProblemIssue,
} from "../server/problem.js";
import type { Queryable } from "../store/index.js";
import {
  effectiveStatus,
  effectiveStatusSql,
  findShareRequest,
  isListCursor,
  newNodeId,
  type Period,
  SHARE_REQUEST_COLUMNS,
  type ShareDecision,
  type ShareRequestInput,
  type ShareRequestRow,
  type ShareRequestStatus,
  shareRequestBody,
} from "./share-request.js";

/** The spec's default page size (`Limit`). */
const DEFAULT_LIMIT = 50;

// ---------------------------------------------------------------------------------
// createShareRequest

interface CatalogRow {
  resource_code: string;
  provider_code: string;
  status: string;
  share_type: string;
  entry: { items?: unknown };
}

const createShareRequest: OperationHandler = async (request, node, facts) => {
  const caller = callerOf(request);
  const input = request.body as ShareRequestInput;
  const now = node.clock.now();
  const today = cstDateOf(now);
  // First: facts with text PostgreSQL cannot store would break the audit leaf of the refusal.
  refuseUnstorable(input);
  facts.resourceCode = input.resourceCode;
  facts.purpose = input.purpose;
  facts.fields = input.fields;

  const row = await node.db.transaction(async (tx) => {
    // FOR SHARE: the resource cannot be withdrawn between this check and the insert.
    const { rows } = await tx.query<CatalogRow & Record<string, unknown>>(
      `select resource_code, provider_code, status, share_type, entry
         from catalog_resources where resource_code = $1 for share`,
      [input.resourceCode],
    );
    const resource = rows[0];
    const code = shown(input.resourceCode);
    if (resource === undefined)
      throw notFound({ zh: `目录资源 ${code} `, en: `Catalog resource ${code}` });
    facts.provider = resource.provider_code;
    if (resource.status !== "published")
      throw conflict(
        `资源 ${code} 已撤销发布，不再受理共享申请。请在目录中查找替代资源，或联系提供部门。`,
        `Resource ${code} has been withdrawn from the catalog and takes no new share requests. Look for another resource in the catalog, or contact the provider.`,
        "resource_withdrawn",
      );
    if (resource.share_type === "不予共享")
      throw new NodeProblem("not-shared", {
        code: "not_shared" satisfies AccessDenialCode,
        zh: `资源 ${code} 为不予共享（国发〔2016〕51号），不受理共享申请。如确有需要，请依据法律法规与提供部门协商。`,
        en: `Resource ${code} is not shared (不予共享, 国发〔2016〕51号) and takes no share requests. If you need it, take it up with the provider on a legal basis.`,
      });
    if (resource.provider_code === caller.member)
      throw invalid(
        `资源 ${code} 由贵单位提供，贵单位可直接访问全部字段（明文），无需共享申请。`,
        `Resource ${code} is your organization's own: you read all of its fields in clear text without a share request.`,
        [
          issue(
            "/resourceCode",
            "own_resource",
            request.lang,
            "不能申请本单位提供的资源",
            "a member cannot request its own resource",
          ),
        ],
        "share_request_own_resource",
      );

    const issues = [
      ...fieldIssues(input.fields, itemCodes(resource.entry), request.lang),
      ...periodIssues(input.period, "/period", today, request.lang),
    ];
    if (issues.length > 0)
      throw invalid(
        `共享申请有 ${issues.length} 处问题（见 errors）。请按目录条目的信息项和有效期限修改后重新提交。`,
        `The share request has ${issues.length} problem(s) (see errors): correct them against the catalog entry's items and resubmit.`,
        issues,
      );

    const deadline = answerDeadline(now);
    const id = newNodeId("sr", now);
    const inserted = await tx.query<ShareRequestRow & Record<string, unknown>>(
      `insert into share_requests
         (id, requester_code, provider_code, resource_code, request, status, created_at,
          answer_deadline, deadline_estimated)
       values ($1, $2, $3, $4, $5, 'pending', $6, $7::date, $8)
       returning ${SHARE_REQUEST_COLUMNS}`,
      [
        id,
        caller.member,
        resource.provider_code,
        resource.resource_code,
        JSON.stringify(input),
        now,
        deadline.dueOn,
        !deadline.official,
      ],
    );
    return inserted.rows[0] as ShareRequestRow;
  });
  facts.shareRequestId = row.id;
  return { status: 201, body: shareRequestBody(row, today) };
};

/** The item (信息项) codes of a catalog entry. */
function itemCodes(entry: { items?: unknown }): Set<string> {
  const codes = new Set<string>();
  if (Array.isArray(entry?.items))
    for (const item of entry.items) {
      const code = (item as { code?: unknown } | null)?.code;
      if (typeof code === "string") codes.add(code);
    }
  return codes;
}

function fieldIssues(fields: readonly string[], items: Set<string>, lang: Lang): ProblemIssue[] {
  return fields.flatMap((field, i) =>
    items.has(field)
      ? []
      : [
          issue(
            `/fields/${i}`,
            "unknown_field",
            lang,
            `${shown(field)} 不是该资源的信息项`,
            `${shown(field)} is not an item of the resource`,
          ),
        ],
  );
}

/** A period must run forwards and not be over already. */
function periodIssues(period: Period, at: string, today: CalendarDate, lang: Lang): ProblemIssue[] {
  if (period.from > period.to)
    return [
      issue(
        `${at}/to`,
        "period_reversed",
        lang,
        `期限止日 ${period.to} 早于起日 ${period.from}`,
        `the period ends (${period.to}) before it begins (${period.from})`,
      ),
    ];
  if (period.to < today)
    return [
      issue(
        `${at}/to`,
        "period_past",
        lang,
        `期限止日 ${period.to} 已过（今天是 ${today}）`,
        `the period ended on ${period.to}, before today (${today})`,
      ),
    ];
  return [];
}

// ---------------------------------------------------------------------------------
// getShareRequest

const getShareRequest: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const today = cstDateOf(node.clock.now());
  const row = await partyRow(node.db, request, caller);
  return { status: 200, body: shareRequestBody(row, today) };
};

/**
 * The request, if the caller is one of its parties or the operator. To anyone else it does not
 * exist (404, never 403): a stranger learns nothing, not even that the id is taken.
 */
async function partyRow(
  db: Queryable,
  request: OperationRequest,
  caller: Caller,
  forUpdate = false,
): Promise<ShareRequestRow> {
  const id = request.path.shareRequestId ?? "";
  const row = await findShareRequest(db, id, { forUpdate });
  if (
    row === undefined ||
    !(
      caller.operator ||
      caller.member === row.requester_code ||
      caller.member === row.provider_code
    )
  )
    throw notFound({ zh: `共享申请 ${shown(id)} `, en: `Share request ${shown(id)}` });
  return row;
}

function factsOf(row: ShareRequestRow, facts: AuditFacts): void {
  facts.resourceCode = row.resource_code;
  facts.provider = row.provider_code;
  facts.shareRequestId = row.id;
  facts.purpose = row.request.purpose;
}

// ---------------------------------------------------------------------------------
// decideShareRequest

const decideShareRequest: OperationHandler = async (request, node, facts) => {
  const caller = callerOf(request);
  const decision = request.body as ShareDecision;
  refuseUnstorable(decision);
  const now = node.clock.now();
  const today = cstDateOf(now);
  const row = await node.db.transaction(async (tx) => {
    const current = await partyRow(tx, request, caller, true);
    factsOf(current, facts);
    const id = shown(current.id);
    if (!caller.operator && caller.member !== current.provider_code)
      throw forbidden(
        `只有提供部门可以答复共享申请 ${id}。贵单位是申请方，请等待提供部门答复。`,
        `Only the provider answers share request ${id}. Your organization made the request: wait for the provider's answer.`,
        "not_provider",
      );
    const status = effectiveStatus(current, today);
    if (status !== "pending") throw notPending(current.id, status);

    if (decision.outcome === "refused") {
      const stored = { outcome: "refused", reason: decision.reason };
      return update(tx, `status = 'refused', decision = $2, decided_at = $3, decided_by = $4`, [
        current.id,
        JSON.stringify(stored),
        now,
        caller.member,
      ]);
    }

    const requested = new Set(current.request.fields);
    const issues: ProblemIssue[] = decision.grantedFields.flatMap((field, i) =>
      requested.has(field)
        ? []
        : [
            issue(
              `/grantedFields/${i}`,
              "field_not_requested",
              request.lang,
              `${shown(field)} 不在申请的字段中`,
              `${shown(field)} was not requested`,
            ),
          ],
    );
    const granted = decision.grantedPeriod;
    const asked = current.request.period;
    const periodProblems = periodIssues(granted, "/grantedPeriod", today, request.lang);
    issues.push(...periodProblems);
    if (periodProblems.length === 0 && (granted.from < asked.from || granted.to > asked.to))
      issues.push(
        issue(
          "/grantedPeriod",
          "period_outside_request",
          request.lang,
          `授权期限 ${granted.from}—${granted.to} 超出申请的期限 ${asked.from}—${asked.to}`,
          `the granted period ${granted.from}–${granted.to} is not within the requested ${asked.from}–${asked.to}`,
        ),
      );
    if (issues.length > 0)
      throw invalid(
        `批复有 ${issues.length} 处问题（见 errors）。只能授予申请的字段，授权期限须在申请的期限之内。`,
        `The approval has ${issues.length} problem(s) (see errors): grant only requested fields, for a period within the requested one.`,
        issues,
      );

    // An approval of a resource withdrawn since the request would grant nothing usable.
    const { rows } = await tx.query<{ status: string }>(
      "select status from catalog_resources where resource_code = $1 for share",
      [current.resource_code],
    );
    if (rows[0]?.status !== "published")
      throw conflict(
        `资源 ${shown(current.resource_code)} 已撤销发布，不能再批准共享申请 ${id}。请拒绝该申请并说明理由。`,
        `Resource ${shown(current.resource_code)} has been withdrawn, so share request ${id} cannot be approved: refuse it with a reason.`,
        "resource_withdrawn",
      );

    const clearText = decision.clearText === true;
    const stored = {
      outcome: "approved",
      grantedFields: decision.grantedFields,
      grantedPeriod: { from: granted.from, to: granted.to },
      clearText,
    };
    facts.fields = decision.grantedFields;
    return update(
      tx,
      `status = 'approved', decision = $2, decided_at = $3, decided_by = $4,
       granted_fields = $5, granted_from = $6::date, granted_to = $7::date, clear_text = $8`,
      [
        current.id,
        JSON.stringify(stored),
        now,
        caller.member,
        decision.grantedFields,
        granted.from,
        granted.to,
        clearText,
      ],
    );
  });
  return { status: 200, body: shareRequestBody(row, today) };
};

async function update(tx: Queryable, set: string, params: unknown[]): Promise<ShareRequestRow> {
  const { rows } = await tx.query<ShareRequestRow & Record<string, unknown>>(
    `update share_requests set ${set} where id = $1 returning ${SHARE_REQUEST_COLUMNS}`,
    params,
  );
  return rows[0] as ShareRequestRow;
}

function notPending(id: string, status: ShareRequestStatus): NodeProblem {
  const q = shown(id);
  const messages: Record<ShareRequestStatus, [string, string]> = {
    pending: ["", ""],
    approved: [
      `共享申请 ${q} 已批准，只能答复一次。`,
      `Share request ${q} has been approved already; it is answered once.`,
    ],
    refused: [
      `共享申请 ${q} 已拒绝，只能答复一次。`,
      `Share request ${q} has been refused already; it is answered once.`,
    ],
    revoked: [
      `共享申请 ${q} 已撤回或终止，不能再答复。`,
      `Share request ${q} has been revoked and can no longer be answered.`,
    ],
    expired: [
      `共享申请 ${q} 的授权已过期，不能再答复。`,
      `Share request ${q} was granted and has expired; it can no longer be answered.`,
    ],
  };
  const [zh, en] = messages[status];
  return conflict(zh, en, `share_request_${status}`);
}

// ---------------------------------------------------------------------------------
// revokeShareRequest

const revokeShareRequest: OperationHandler = async (request, node, facts) => {
  const caller = callerOf(request);
  const { reason } = request.body as { reason: string };
  refuseUnstorable(request.body);
  const now = node.clock.now();
  const today = cstDateOf(now);
  const row = await node.db.transaction(async (tx) => {
    const current = await partyRow(tx, request, caller, true);
    factsOf(current, facts);
    const id = shown(current.id);
    const status = effectiveStatus(current, today);
    const requester = caller.member === current.requester_code;
    const provider = caller.member === current.provider_code;
    if (status === "pending" && !requester && !caller.operator)
      throw forbidden(
        `共享申请 ${id} 尚未答复，只有申请方可以撤回。提供部门如不同意，请通过答复拒绝并说明理由。`,
        `Share request ${id} is pending: only its requester can withdraw it. As the provider, refuse it through the decision, with a reason.`,
        "not_requester",
      );
    if (status === "approved" && !provider && !caller.operator)
      throw forbidden(
        `共享申请 ${id} 已批准，只有提供部门可以终止授权。如不再需要，请联系提供部门终止，或待授权期满。`,
        `Share request ${id} is approved: only the provider can end the grant. Ask the provider to end it, or let it run out.`,
        "not_provider",
      );
    if (status !== "pending" && status !== "approved") throw notRevocable(current.id, status);
    return update(tx, `status = 'revoked', revoked_at = $2, revoked_by = $3, revoke_reason = $4`, [
      current.id,
      now,
      caller.member,
      reason,
    ]);
  });
  return { status: 200, body: shareRequestBody(row, today) };
};

function notRevocable(id: string, status: "refused" | "revoked" | "expired"): NodeProblem {
  const q = shown(id);
  const messages: Record<typeof status, [string, string]> = {
    refused: [
      `共享申请 ${q} 已被拒绝，没有可撤回的授权。`,
      `Share request ${q} was refused: there is no grant to revoke.`,
    ],
    revoked: [`共享申请 ${q} 已撤回或终止。`, `Share request ${q} has been revoked already.`],
    expired: [
      `共享申请 ${q} 的授权已期满，无需终止。`,
      `Share request ${q} has expired: there is no grant left to end.`,
    ],
  };
  const [zh, en] = messages[status];
  return conflict(zh, en, `share_request_${status}`);
}

// ---------------------------------------------------------------------------------
// listShareRequests

const listShareRequests: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const today = cstDateOf(node.clock.now());
  const { role, status } = request.query as { role?: string; status?: string };
  const overdue = booleanQuery(request.query.overdue);
  const limit = typeof request.query.limit === "number" ? request.query.limit : DEFAULT_LIMIT;
  const cursor = decodeCursor(request.query.cursor as string | undefined, isListCursor);

  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // The operator sees every request unless it asks for a role of its own.
  if (!caller.operator || role !== undefined)
    where.push(
      `${role === "provider" ? "provider_code" : "requester_code"} = ${bind(caller.member)}`,
    );
  if (status !== undefined) where.push(`${effectiveStatusSql(bind(today))} = ${bind(status)}`);
  if (overdue !== undefined)
    where.push(
      `${overdue ? "" : "not "}(status = 'pending' and answer_deadline < ${bind(today)}::date)`,
    );
  if (cursor !== undefined)
    where.push(`(created_at, id) < (${bind(cursor[0])}::timestamptz, ${bind(cursor[1])})`);
  const { rows } = await node.db.query<ShareRequestRow & Record<string, unknown>>(
    `select ${SHARE_REQUEST_COLUMNS} from share_requests
      ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
      order by created_at desc, id desc limit ${bind(limit + 1)}`,
    params,
  );
  return {
    status: 200,
    body: page(
      rows,
      limit,
      (row) => shareRequestBody(row, today),
      (row) => [row.cursor_at, row.id],
    ),
  };
};

/** `overdue=true|false` (proposed for the spec): a boolean, or its text before coercion. */
function booleanQuery(value: unknown): boolean | undefined {
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  return undefined;
}

// ---------------------------------------------------------------------------------
// Messages

/** 422 for text PostgreSQL cannot store (U+0000, a lone surrogate): refused, never mangled. */
export function refuseUnstorable(body: unknown): void {
  const issues = unstorableText(body);
  if (issues.length > 0)
    throw invalid(
      "请求体含有无法保存的字符（U+0000 或不成对的代理码元，见 errors）。请删除这些字符后重新提交。",
      "The body holds characters that cannot be stored (U+0000 or a lone surrogate, see errors): remove them and resubmit.",
      issues,
    );
}

function issue(path: string, code: string, lang: Lang, zh: string, en: string): ProblemIssue {
  return { path, code, message: lang === "en" ? en : zh };
}

const SHOWN_MAX = 64;

/** A value for a message: quoted, control characters replaced, at most 64 code points. */
export function shown(value: string): string {
  const points = Array.from(value.slice(0, SHOWN_MAX * 2).replace(/[\p{Cc}\u2028\u2029]/gu, "?"));
  const text = points.slice(0, SHOWN_MAX).join("");
  return `"${points.length > SHOWN_MAX || value.length > SHOWN_MAX * 2 ? `${text}…` : text}"`;
}

/** The handlers of the `sharing` operations of specs/exchange v1. */
export const sharingHandlers: OperationHandlers = {
  listShareRequests,
  createShareRequest,
  getShareRequest,
  decideShareRequest,
  revokeShareRequest,
};
