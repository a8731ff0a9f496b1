/**
 * What the sharing evaluation reads from the node's database: members, the catalog, share
 * requests, the last change seen per resource, bulk pushes and the audited data calls.
 */
import { DATA_OPERATIONS } from "../census/analysis/gather.js";
import type { Queryable } from "../store/index.js";
import type { EvaluationInputs } from "./evaluate-sharing.js";

const SUCCESS = "coalesce((convert_from(entry, 'UTF8')::jsonb ->> 'status')::int, 200) < 400";

/** The evaluation's inputs, with data calls counted from `since`. */
export async function gatherEvaluationInputs(
  db: Queryable,
  since: Date,
): Promise<EvaluationInputs> {
  const members = await db.query<{ code: string; name: string }>(
    "select code, name from members order by code",
  );
  const resources = await db.query<{
    resource_code: string;
    provider_code: string;
    status: "published" | "withdrawn";
    entry: Record<string, unknown>;
  }>(
    "select resource_code, provider_code, status, entry from catalog_resources order by resource_code",
  );
  const requests = await db.query<{
    provider_code: string;
    status: string;
    decided_at: Date | null;
    deadline: string;
  }>(
    "select provider_code, status, decided_at, answer_deadline::text as deadline from share_requests",
  );
  // The node keeps no per-record change time: the last event delivered or batch pushed for a
  // resource is the last change it saw.
  const changes = await db.query<{ resource_code: string; at: Date }>(
    `select resource_code, max(at) as at from audit_entries
      where resource_code is not null and operation in ('deliverEvent', 'pushBatch') and ${SUCCESS}
      group by resource_code`,
  );
  const batches = await db.query<{ provider_code: string; received: string; rejected: string }>(
    `select provider_code, sum(received) as received, sum(rejected) as rejected
       from batches group by provider_code`,
  );
  const calls = await db.query<{ resource_code: string; caller: string; calls: string }>(
    `select resource_code, caller, count(*) as calls from audit_entries
      where resource_code is not null and at >= $1 and operation = any($2) and ${SUCCESS}
      group by resource_code, caller`,
    [since, [...DATA_OPERATIONS]],
  );
  return {
    members: members.rows,
    resources: resources.rows.map((r) => ({
      resourceCode: r.resource_code,
      providerCode: r.provider_code,
      status: r.status,
      entry: r.entry,
    })),
    shareRequests: requests.rows.map((r) => ({
      providerCode: r.provider_code,
      status: r.status,
      ...(r.decided_at === null ? {} : { decidedAt: new Date(r.decided_at).toISOString() }),
      answerDeadline: r.deadline,
    })),
    lastChanges: changes.rows.map((r) => ({
      resourceCode: r.resource_code,
      at: new Date(r.at).toISOString(),
    })),
    batches: batches.rows.map((r) => ({
      providerCode: r.provider_code,
      received: Number(r.received),
      rejected: Number(r.rejected),
    })),
    calls: calls.rows.map((r) => ({
      resourceCode: r.resource_code,
      consumer: r.caller,
      calls: Number(r.calls),
    })),
  };
}
