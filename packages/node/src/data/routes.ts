/**
 * Data access through the exchange (数据访问): query, get by key, verify (核验) and export,
 * proxied to the provider's specs/provider v1 API over both signed hops. Every read passes the
 * access rules of its resource's 共享类型 (国办发〔2017〕39号, 国发〔2016〕51号) — fields limited to
 * the grant and masked by grade unless the grant allows clear text — and every access, refused
 * or served, becomes an audit leaf before the answer leaves.
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
import { BatchDigests } from "../bulk/batch-digests.js";
import { exportTrailerLine } from "../bulk/export-trailer.js";
import { todayInChina } from "../calendar/index.js";
import type {
  AuditFacts,
  NodeServices,
  OperationHandlers,
  OperationRequest,
} from "../server/operation.js";
import { callerOf } from "../server/operation.js";
import { NodeProblem, notFound } from "../server/problem.js";
import type { ProviderTarget } from "../server/provider-gateway.js";
import { loadGrant } from "../sharing/index.js";

interface ResourceRow extends Record<string, unknown> {
  resource_code: string;
  provider_code: string;
  share_type: ShareType;
  status: "published" | "withdrawn";
  entry: { items?: { code: string }[] };
  record_schema: { properties?: Record<string, { "x-govex-mask"?: MaskRule }> } | null;
  provider_base_url: string | null;
}

const RESOURCE_SQL = `select c.resource_code, c.provider_code, c.share_type, c.status, c.entry,
    s.record_schema, y.provider_base_url
  from catalog_resources c
  left join services s on s.resource_code = c.resource_code and s.member_code = c.provider_code
    and s.status = 'active'
  left join systems y on y.member_code = s.member_code and y.code = s.system_code
  where c.resource_code = $1
  order by s.activated_at desc nulls last
  limit 1`;

/** Records per provider page of an export: one page is all an export holds at a time. */
export const EXPORT_PAGE = 1000;

interface Resolved {
  resource: ResourceAccess;
  target: ProviderTarget;
}

/** The resource, its access facts and the provider serving it. */
async function resolve(node: NodeServices, request: OperationRequest): Promise<Resolved> {
  const code = `${request.path.prefix}/${request.path.suffix}`;
  const row = (await node.db.query<ResourceRow>(RESOURCE_SQL, [code])).rows[0];
  if (!row) throw notFound({ zh: `信息资源 ${code} `, en: `Resource ${code}` });
  const masks: Record<string, MaskRule> = {};
  for (const [field, schema] of Object.entries(row.record_schema?.properties ?? {})) {
    const mask = schema["x-govex-mask"];
    if (mask) masks[field] = mask;
  }
  const resource: ResourceAccess = {
    resourceCode: row.resource_code,
    providerCode: row.provider_code,
    shareType: row.share_type,
    status: row.status,
    fields: (row.entry.items ?? []).map((item) => item.code),
    masks,
  };
  return {
    resource,
    target: { baseUrl: row.provider_base_url ?? "", member: row.provider_code },
  };
}

/** Decide, or throw the refusal; the audit leaf names what was asked either way. */
async function authorize(
  node: NodeServices,
  request: OperationRequest,
  facts: AuditFacts,
  resolved: Resolved,
  kind: "read" | "verify",
  requestedFields: readonly string[] | undefined,
): Promise<AccessAllowed> {
  const caller = callerOf(request);
  const shareRequestId = request.header["govex-share-request"];
  const purpose = request.query.purpose as string;
  Object.assign(facts, {
    provider: resolved.resource.providerCode,
    resourceCode: resolved.resource.resourceCode,
    purpose,
    ...(shareRequestId === undefined ? {} : { shareRequestId }),
  });
  const grant = shareRequestId === undefined ? undefined : await loadGrant(node.db, shareRequestId);
  const decision: AccessDecision = decideAccess({
    resource: resolved.resource,
    caller: caller.member,
    ...(shareRequestId === undefined ? {} : { shareRequestId }),
    ...(grant === undefined ? {} : { grant }),
    ...(requestedFields === undefined ? {} : { requestedFields }),
    today: todayInChina(node.clock),
    kind,
  });
  if (!decision.allowed) {
    const slug =
      decision.code === "not_shared"
        ? "not-shared"
        : decision.code === "share_request_required"
          ? "share-request-required"
          : decision.status === 404
            ? "not-found"
            : "forbidden";
    throw new NodeProblem(slug, { code: decision.code, zh: decision.zh, en: decision.en });
  }
  facts.fields = decision.fields;
  if (!resolved.target.baseUrl)
    throw new NodeProblem("provider-unavailable", {
      code: "service_inactive",
      zh: "该资源的提供方服务尚未启用(未提交有效的符合性测试报告)。请联系提供方。",
      en: "The resource's provider service is not active (no valid conformance report yet): contact the provider.",
      retryAfter: 60,
    });
  return decision;
}

/** Headers the provider needs for its own records (specs/provider v1: purpose, share request). */
function forwarded(request: OperationRequest, facts: AuditFacts) {
  return {
    headers: {
      "x-request-id": request.requestId,
      ...(facts.shareRequestId === undefined
        ? {}
        : { "govex-share-request": facts.shareRequestId }),
    },
    signal: request.signal,
  };
}

/** What a sealed cursor is bound to: who may continue which walk under which grant. */
const cursorContext = (request: OperationRequest, facts: AuditFacts, walk: "query" | "changes") =>
  [walk, callerOf(request).member, facts.resourceCode, facts.shareRequestId ?? ""].join("\n");

/** The provider cursor behind a consumer's cursor, or 400 for one this exchange did not give it. */
function openCursor(
  node: NodeServices,
  cursor: string | undefined,
  context: string,
  name: string,
): string | undefined {
  if (cursor === undefined) return undefined;
  const opened = node.cursors.open(cursor, context);
  if (opened === undefined)
    throw new NodeProblem("bad-request", {
      code: "cursor_invalid",
      zh: "游标无效: 它不是本交换为这一访问(同一单位、资源和共享申请)给出的。请使用上一页响应中的游标。",
      en: "The cursor is not one this exchange gave for this access (same member, resource and share request): pass the previous page's cursor.",
      errors: [{ path: `/query/${name}`, code: "cursor_invalid", message: name }],
    });
  return opened;
}

/** A provider cursor sealed for the consumer (see cursor-seal.ts). */
function sealCursor(node: NodeServices, cursor: string, context: string): string {
  const sealed = node.cursors.seal(cursor, context);
  if (sealed === undefined)
    throw new NodeProblem("provider-error", {
      code: "provider_cursor_too_long",
      zh: "提供方返回的游标过长。请联系提供方。",
      en: "The provider's cursor is too long: contact the provider.",
    });
  return sealed;
}

export const dataHandlers: OperationHandlers = {
  async queryRecords(request, node, facts) {
    const resolved = await resolve(node, request);
    const filter = (request.query.filter as Record<string, string> | undefined) ?? {};
    const asked = request.query.fields as string[] | undefined;
    // A filter on a field the caller may not read would disclose it: filter fields count as asked.
    const decision = await authorize(node, request, facts, resolved, "read", asked);
    const hidden = Object.keys(filter).filter((f) => !decision.fields.includes(f));
    if (hidden.length > 0)
      throw new NodeProblem("forbidden", {
        code: "field_not_granted",
        zh: `不能按未授权的字段过滤: ${hidden.join("、")}。`,
        en: `You cannot filter on fields you were not granted: ${hidden.join(", ")}.`,
      });
    const context = cursorContext(request, facts, "query");
    const cursor = openCursor(node, request.query.cursor as string | undefined, context, "cursor");
    const page = await node.providers.call(resolved.target, async (client) => {
      const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records", {
        params: {
          path: { prefix: request.path.prefix as string, suffix: request.path.suffix as string },
          query: {
            purpose: facts.purpose as string,
            fields: decision.fields,
            ...(Object.keys(filter).length > 0 ? { filter } : {}),
            ...(cursor === undefined ? {} : { cursor }),
            limit: (request.query.limit as number | undefined) ?? 50,
          },
        },
        ...forwarded(request, facts),
      });
      return data as { items: Record<string, unknown>[]; nextCursor?: string };
    });
    return {
      status: 200,
      body: {
        items: page.items.map((record) => applyAccess(record, decision)),
        ...(page.nextCursor === undefined
          ? {}
          : { nextCursor: sealCursor(node, page.nextCursor, context) }),
        masked: decision.masked,
      },
    };
  },

  async getRecord(request, node, facts) {
    const resolved = await resolve(node, request);
    const decision = await authorize(node, request, facts, resolved, "read", undefined);
    const record = await node.providers.call(resolved.target, async (client) => {
      const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records/{key}", {
        params: {
          path: {
            prefix: request.path.prefix as string,
            suffix: request.path.suffix as string,
            key: request.path.key as string,
          },
          query: { purpose: facts.purpose as string },
        },
        ...forwarded(request, facts),
      });
      return data as Record<string, unknown>;
    });
    return { status: 200, body: applyAccess(record, decision) };
  },

  async verifyRecord(request, node, facts) {
    const resolved = await resolve(node, request);
    const input = request.body as {
      key: string;
      values: Record<string, string | number | boolean>;
    };
    await authorize(node, request, facts, resolved, "verify", Object.keys(input.values));
    const result = await node.providers.call(resolved.target, async (client) => {
      const { data } = await client.request("post", "/resources/{prefix}/{suffix}/verify", {
        params: {
          path: { prefix: request.path.prefix as string, suffix: request.path.suffix as string },
          query: { purpose: facts.purpose as string },
        },
        body: input,
        ...forwarded(request, facts),
      });
      return data;
    });
    return { status: 200, body: result };
  },

  async pullBatch(request, node, facts) {
    const resolved = await resolve(node, request);
    const decision = await authorize(node, request, facts, resolved, "read", undefined);
    const context = cursorContext(request, facts, "changes");
    const since = openCursor(node, request.query.since as string | undefined, context, "since");
    const path = { prefix: request.path.prefix as string, suffix: request.path.suffix as string };
    // The walk's own signal: the request's is let go once the answer's head is sent.
    const walk = new AbortController();
    const options = { ...forwarded(request, facts), signal: walk.signal };

    /** One page of the provider: records (masked later), where to go on, and whether it ended. */
    const fetchPage = (cursor: string | undefined) =>
      node.providers.call(resolved.target, async (client) => {
        if (since !== undefined) {
          // Changes after the cursor (specs/provider v1 changesSince): the upserted records.
          const { data } = await client.request("get", "/resources/{prefix}/{suffix}/changes", {
            params: { path, query: { cursor: cursor as string, limit: EXPORT_PAGE } },
            ...options,
          });
          const changes = data as {
            items: { key: string; op: string; record?: Record<string, unknown> }[];
            nextCursor: string;
          };
          return {
            records: changes.items.flatMap((change) => (change.record ? [change.record] : [])),
            next: changes.nextCursor as string | undefined,
            done: changes.items.length === 0 || changes.nextCursor === cursor,
          };
        }
        const { data } = await client.request("get", "/resources/{prefix}/{suffix}/records", {
          params: {
            path,
            query: {
              purpose: facts.purpose as string,
              fields: decision.fields,
              limit: EXPORT_PAGE,
              ...(cursor === undefined ? {} : { cursor }),
            },
          },
          ...options,
        });
        const page = data as { items: Record<string, unknown>[]; nextCursor?: string };
        return { records: page.items, next: page.nextCursor, done: page.nextCursor === undefined };
      });

    // The first page before the answer's head: a provider failing at once is a problem answer.
    const first = await fetchPage(since);
    async function* stream(): AsyncGenerator<Uint8Array> {
      const digests = new BatchDigests();
      let records = 0;
      let bytes = 0;
      let page = first;
      let cursor = since;
      try {
        for (;;) {
          if (page.records.length > 0) {
            let text = "";
            for (const record of page.records)
              text += `${JSON.stringify(applyAccess(record, decision))}\n`;
            const chunk = Buffer.from(text, "utf8");
            digests.update(chunk);
            records += page.records.length;
            bytes += chunk.length;
            yield chunk;
          }
          if (since !== undefined) cursor = page.next;
          if (page.done) break;
          page = await fetchPage(page.next);
        }
        yield await exportTrailerLine(
          {
            records,
            bytes,
            digest: digests.snapshot(),
            // Where the next incremental export starts (changes after these).
            ...(since === undefined || cursor === undefined
              ? {}
              : { nextCursor: sealCursor(node, cursor, context) }),
          },
          node.signer,
          request.signature,
        );
      } finally {
        // The consumer went away or a page failed: no provider call outlives the stream.
        walk.abort();
      }
    }
    return { status: 200, stream: stream(), contentType: "application/x-ndjson; charset=utf-8" };
  },
};
