/**
 * specs/exchange v1 `events`: subscriptions to a resource's changes, their deliveries, and the
 * dead letters an operator replays. Delivery itself (outbox → signed webhooks, retries, backoff)
 * is the worker's job; these operations read and steer the same tables.
 *
 * Who may do what:
 * - a subscription belongs to the member that created it: only it (and the operator) reads it,
 *   its deliveries, or deletes it; anyone else gets 404, as if it did not exist;
 * - createSubscription applies the share type of the resource as a read would (国发〔2016〕51号
 *   第九条): 无条件共享 for every member, 有条件共享 only with an approved, unexpired share
 *   request of the subscriber for that resource, 不予共享 never; the provider may subscribe to
 *   its own resource. The operator is not exempt: receiving data is a data access;
 * - dead letters: the operator lists all and replays them; a member lists its own.
 */
import { todayInChina } from "../calendar/index.js";
import { callerOf, type OperationHandlers } from "../server/operation.js";
import { decodeCursor, isNumber, isString, isStringPair, page } from "../server/pagination.js";
import { conflict, forbidden, invalid, NodeProblem, notFound } from "../server/problem.js";
import type { Queryable } from "../store/index.js";
import {
  DELIVERY_COLUMNS,
  type DeliveryRow,
  deliveryJson,
  newId,
  SUBSCRIPTION_COLUMNS,
  type SubscriptionRow,
  subscriptionJson,
} from "./event-rows.js";
import { checkEventTypes, checkWebhookUrl } from "./subscription-input.js";

/** specs/exchange v1 `Limit` default. */
const DEFAULT_LIMIT = 50;

const limitOf = (query: Record<string, unknown>): number =>
  typeof query.limit === "number" ? query.limit : DEFAULT_LIMIT;

const SUBSCRIPTION = { zh: "订阅", en: "The subscription" };

interface ResourceRow {
  provider_code: string;
  status: string;
  share_type: string;
}

/** A live subscription the caller may see, or 404. */
async function visibleSubscription(
  q: Queryable,
  id: string,
  caller: { member: string; operator: boolean },
): Promise<SubscriptionRow> {
  const { rows } = await q.query<SubscriptionRow & Record<string, unknown>>(
    `select ${SUBSCRIPTION_COLUMNS} from subscriptions s
      where s.id = $1 and s.deleted_at is null and (s.member_code = $2 or $3::boolean)`,
    [id, caller.member, caller.operator],
  );
  const row = rows[0];
  if (row === undefined) throw notFound(SUBSCRIPTION);
  return row;
}

/**
 * May `member` receive the resource's changes? Throws the refusal (403) when not; `today` is
 * the date in China that a grant must still cover.
 */
async function checkSubscribable(
  q: Queryable,
  member: string,
  resourceCode: string,
  resource: ResourceRow,
  today: string,
): Promise<void> {
  if (resource.status !== "published")
    throw forbidden(
      `信息资源 ${resourceCode} 已撤销，不能订阅。请订阅仍在发布的资源。`,
      `The resource ${resourceCode} is withdrawn and cannot be subscribed to: subscribe to a published one.`,
      "resource_withdrawn",
    );
  if (resource.provider_code === member) return; // the provider's own resource
  if (resource.share_type === "无条件共享") return;
  if (resource.share_type === "有条件共享") {
    const { rows } = await q.query(
      `select 1 from share_requests
        where requester_code = $1 and resource_code = $2 and status = 'approved'
          and granted_to >= $3::date
        limit 1`,
      [member, resourceCode, today],
    );
    if (rows.length > 0) return;
    throw new NodeProblem("share-request-required", {
      code: "share_request_required",
      zh: `信息资源 ${resourceCode} 为有条件共享，订阅前须有已批准且在有效期内的共享申请。请先提交共享申请并获批准。`,
      en: `The resource ${resourceCode} is shared on conditions: subscribing needs an approved, unexpired share request of yours for it. Submit one and have it approved first.`,
    });
  }
  // 不予共享, or a share type the node does not know: closed.
  throw new NodeProblem("not-shared", {
    code: "not_shared",
    zh: `信息资源 ${resourceCode} 不予共享，不能订阅其变更。`,
    en: `The resource ${resourceCode} is not shared: its changes cannot be subscribed to.`,
  });
}

export const eventHandlers: OperationHandlers = {
  async createSubscription(request, node, facts) {
    const caller = callerOf(request);
    const input = request.body as { resourceCode: string; url: string; eventTypes?: string[] };
    facts.resourceCode = input.resourceCode;

    const url = checkWebhookUrl(input.url, request.lang);
    const types = checkEventTypes(input.eventTypes, request.lang);
    const issues = [...(url.ok ? [] : [url.issue]), ...(types.ok ? [] : types.issues)];
    if (!url.ok || !types.ok)
      throw invalid(
        "订阅内容不合要求。请按 errors 逐项修改后重新提交。",
        "The subscription is not acceptable: fix each item in errors and submit it again.",
        issues,
      );

    const { rows } = await node.db.query<ResourceRow & Record<string, unknown>>(
      "select provider_code, status, share_type from catalog_resources where resource_code = $1",
      [input.resourceCode],
    );
    const resource = rows[0];
    if (resource === undefined)
      throw notFound({
        zh: `信息资源 ${input.resourceCode} `,
        en: `The resource ${input.resourceCode}`,
      });
    facts.provider = resource.provider_code;
    await checkSubscribable(
      node.db,
      caller.member,
      input.resourceCode,
      resource,
      todayInChina(node.clock),
    );

    const id = newId("sub");
    const inserted = await node.db.query(
      `insert into subscriptions (id, member_code, resource_code, url, event_types, status, created_at)
       values ($1, $2, $3, $4, $5, 'active', $6)
       on conflict (member_code, resource_code, url) where deleted_at is null do nothing
       returning id`,
      [id, caller.member, input.resourceCode, url.url, types.types, node.clock.now()],
    );
    if (inserted.rows.length === 0) {
      const existing = await node.db.query<{ id: string }>(
        `select id from subscriptions
          where member_code = $1 and resource_code = $2 and url = $3 and deleted_at is null`,
        [caller.member, input.resourceCode, url.url],
      );
      const other = existing.rows[0]?.id ?? "";
      throw conflict(
        `本单位已以同一回调地址订阅该资源(订阅 ${other})。请使用已有订阅，或先取消它。`,
        `You already subscribe to this resource with this webhook URL (subscription ${other}): use it, or delete it first.`,
        "subscription_exists",
      );
    }
    const row = await visibleSubscription(node.db, id, caller);
    return { status: 201, body: subscriptionJson(row) };
  },

  async listSubscriptions(request, node) {
    const caller = callerOf(request);
    const limit = limitOf(request.query);
    const after = decodeCursor(request.query.cursor as string | undefined, isStringPair);
    const { rows } = await node.db.query<SubscriptionRow & Record<string, unknown>>(
      `select ${SUBSCRIPTION_COLUMNS} from subscriptions s
        where s.member_code = $1 and s.deleted_at is null
          and ($2::timestamptz is null or (s.created_at, s.id) > ($2::timestamptz, $3::text))
        order by s.created_at, s.id
        limit $4`,
      [caller.member, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    return {
      status: 200,
      body: page(rows, limit, subscriptionJson, (r) => [r.created_at.toISOString(), r.id]),
    };
  },

  async getSubscription(request, node, facts) {
    const row = await visibleSubscription(
      node.db,
      request.path.subscriptionId as string,
      callerOf(request),
    );
    facts.resourceCode = row.resource_code;
    return { status: 200, body: subscriptionJson(row) };
  },

  async deleteSubscription(request, node, facts) {
    const caller = callerOf(request);
    const id = request.path.subscriptionId as string;
    const now = node.clock.now();
    const resourceCode = await node.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ resource_code: string }>(
        `update subscriptions set deleted_at = $4
          where id = $1 and deleted_at is null and (member_code = $2 or $3::boolean)
          returning resource_code`,
        [id, caller.member, caller.operator, now],
      );
      const row = rows[0];
      if (row === undefined) throw notFound(SUBSCRIPTION);
      // Nothing more goes out: pending, retrying and dead rows are cancelled (a dead letter of
      // a deleted subscription has no one to be replayed to).
      await tx.query(
        `update deliveries set status = 'cancelled', next_attempt_at = null, updated_at = $2
          where subscription_id = $1 and status in ('pending', 'retrying', 'dead')`,
        [id, now],
      );
      return row.resource_code;
    });
    facts.resourceCode = resourceCode;
    return { status: 204 };
  },

  async listDeliveries(request, node, facts) {
    const caller = callerOf(request);
    const subscription = await visibleSubscription(
      node.db,
      request.path.subscriptionId as string,
      caller,
    );
    facts.resourceCode = subscription.resource_code;
    const limit = limitOf(request.query);
    const after = decodeCursor(request.query.cursor as string | undefined, isNumber);
    const { rows } = await node.db.query<DeliveryRow & Record<string, unknown>>(
      `select ${DELIVERY_COLUMNS} from deliveries d
        where d.subscription_id = $1 and d.status <> 'cancelled'
          and ($2::bigint is null or d.seq > $2::bigint)
        order by d.seq
        limit $3`,
      [subscription.id, after ?? null, limit + 1],
    );
    return { status: 200, body: page(rows, limit, deliveryJson, (r) => Number(r.seq)) };
  },

  async listDeadLetters(request, node) {
    const caller = callerOf(request);
    const limit = limitOf(request.query);
    const after = decodeCursor(request.query.cursor as string | undefined, isNumber);
    const subscriptionId = request.query.subscriptionId;
    const { rows } = await node.db.query<DeliveryRow & Record<string, unknown>>(
      `select ${DELIVERY_COLUMNS} from deliveries d
         join subscriptions s on s.id = d.subscription_id
        where d.status = 'dead'
          and ($1::boolean or s.member_code = $2)
          and ($3::text is null or d.subscription_id = $3::text)
          and ($4::bigint is null or d.seq > $4::bigint)
        order by d.seq
        limit $5`,
      [
        caller.operator,
        caller.member,
        isString(subscriptionId) ? subscriptionId : null,
        after ?? null,
        limit + 1,
      ],
    );
    return { status: 200, body: page(rows, limit, deliveryJson, (r) => Number(r.seq)) };
  },

  async replayDeadLetter(request, node, facts) {
    const caller = callerOf(request);
    if (!caller.operator)
      throw forbidden(
        "只有交换平台运营方可以重放死信。请联系运营方。",
        "Only the exchange operator replays dead letters: ask the operator.",
        "operator_only",
      );
    const id = request.path.deliveryId as string;
    const now = node.clock.now();
    // One statement: of two concurrent replays, one moves the row and the other sees it pending.
    const { rows } = await node.db.query<
      DeliveryRow & { resource_code: string } & Record<string, unknown>
    >(
      `update deliveries d
          set status = 'pending', next_attempt_at = $2, updated_at = $2, replayed_at = $2,
              attempts_at_replay = d.attempts, lease_owner = null, lease_until = null
         from subscriptions s
        where d.id = $1 and d.status = 'dead' and s.id = d.subscription_id
          and s.deleted_at is null
        returning ${DELIVERY_COLUMNS}, s.resource_code`,
      [id, now],
    );
    const row = rows[0];
    if (row === undefined) {
      const found = await node.db.query<{ status: string; resource_code: string }>(
        `select d.status, s.resource_code from deliveries d
           join subscriptions s on s.id = d.subscription_id where d.id = $1`,
        [id],
      );
      const current = found.rows[0];
      if (current === undefined || current.status === "cancelled")
        throw notFound({ zh: "死信", en: "The dead letter" });
      facts.resourceCode = current.resource_code;
      throw conflict(
        `投递 ${id} 不是死信(当前状态 ${current.status}),无需重放。`,
        `Delivery ${id} is not a dead letter (it is ${current.status}): there is nothing to replay.`,
        "not_dead",
      );
    }
    facts.resourceCode = row.resource_code;
    return { status: 202, body: deliveryJson(row) };
  },
};
