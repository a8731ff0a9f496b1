/**
 * A small in-memory adapter written with `defineAdapter`, as a vendor would write one by hand:
 * two resources of synthetic 户籍 records, equality filters, field selection, keyset cursors and
 * a changes feed. `faults` make one operation throw or hang until its signal aborts, so the
 * server's error mapping and deadline are tested against a real Adapter, not a mock.
 */
import {
  type Adapter,
  type Description,
  defineAdapter,
  type ProviderOperation,
  type ProviderRecord,
} from "../../src/adapter.js";
import { AdapterError } from "../../src/errors.js";

export const PEOPLE = "101001/000001";
/** Offers query and get only: verify and changes are not supported. */
export const ADDRESSES = "101001/000002";

const entry = (resourceCode: string, name: string) => ({
  classification: { category: "1", item: "01", subject: "户籍人口" },
  name,
  resourceCode,
  provider: "山东省示例厅",
  providerCode: "11370000MB1234562A",
  abstract: "全省常住户籍人口的登记信息。",
  format: { class: "数据库", type: "KingbaseES" },
  items: [
    { name: "姓名", code: "name", dataType: "C", length: 50 },
    { name: "公民身份号码", code: "residentId", dataType: "C", length: 18 },
  ],
  sharing: {
    type: "有条件共享",
    condition: "限依法履职使用。",
    method: { class: "共享平台方式", type: "接口" },
  },
  openness: { open: false },
  updateCycle: "每日",
  publishDate: "2024-03-01",
});

const recordSchema = {
  type: "object",
  properties: {
    residentId: { type: "string" },
    name: { type: "string" },
    sex: { type: "string" },
    city: { type: "string" },
  },
};

export const DESCRIPTION: Description = {
  system: "示例户籍管理系统",
  resources: [
    {
      entry: entry(PEOPLE, "居民户籍登记信息") as Description["resources"][number]["entry"],
      keyField: "residentId",
      recordSchema,
      operations: ["query", "get", "verify", "changes"],
    },
    {
      entry: entry(ADDRESSES, "居民住址信息") as Description["resources"][number]["entry"],
      keyField: "residentId",
      recordSchema,
      operations: ["query", "get"],
    },
  ],
};

/** Synthetic residents: keys R0001…, names 居民1…, sex alternating, three cities. */
export function people(count: number): ProviderRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    residentId: `R${String(i + 1).padStart(4, "0")}`,
    name: `居民${i + 1}`,
    sex: i % 2 === 0 ? "1" : "2",
    city: ["济南", "青岛", "烟台"][i % 3] as string,
  }));
}

export type FaultOperation = "describe" | "check" | ProviderOperation;

export interface MemoryAdapter extends Adapter {
  /** An error to throw, or "hang" to wait until the call's signal aborts. */
  faults: Map<FaultOperation, Error | "hang">;
  /** Every call: operation, and the context the server gave. */
  calls: {
    operation: FaultOperation;
    purpose?: string;
    shareRequest?: string;
    keyId?: string;
    requestId: string;
  }[];
  /** Resolves when the first call starts to hang. */
  hanging: Promise<void>;
  /** Resolves with the abort reason of the first hung call. */
  aborted: Promise<unknown>;
  closed: boolean;
}

const encode = (key: string) => Buffer.from(key, "utf8").toString("base64url");
const decode = (cursor: string) => Buffer.from(cursor, "base64url").toString("utf8");

export function createMemoryAdapter(count = 25): MemoryAdapter {
  const records = people(count);
  const byKey = new Map(records.map((r) => [String(r.residentId), r]));
  const changes = records.slice(0, 5).map((record, i) => ({
    key: String(record.residentId),
    op: (i === 4 ? "delete" : "upsert") as "upsert" | "delete",
    time: `2026-03-01T08:0${i}:00+08:00`,
    ...(i === 4 ? {} : { record }),
  }));
  let abortedResolve: (reason: unknown) => void = () => {};
  let hangingResolve: () => void = () => {};
  const state = {
    faults: new Map<FaultOperation, Error | "hang">(),
    calls: [] as MemoryAdapter["calls"],
    hanging: new Promise<void>((resolve) => {
      hangingResolve = resolve;
    }),
    aborted: new Promise<unknown>((resolve) => {
      abortedResolve = resolve;
    }),
    closed: false,
  };

  async function enter(
    operation: FaultOperation,
    context: {
      purpose?: string;
      shareRequest?: string;
      keyId?: string;
      requestId: string;
      signal?: AbortSignal;
    },
  ): Promise<void> {
    state.calls.push({
      operation,
      requestId: context.requestId,
      ...(context.purpose === undefined ? {} : { purpose: context.purpose }),
      ...(context.shareRequest === undefined ? {} : { shareRequest: context.shareRequest }),
      ...(context.keyId === undefined ? {} : { keyId: context.keyId }),
    });
    const fault = state.faults.get(operation);
    if (fault === "hang") {
      hangingResolve();
      await new Promise<never>((_, reject) => {
        context.signal?.addEventListener("abort", () => {
          abortedResolve(context.signal?.reason);
          reject(context.signal?.reason);
        });
      });
    }
    if (fault) throw fault;
  }

  let self: MemoryAdapter | undefined;

  function known(code: string): void {
    if (code !== PEOPLE && code !== ADDRESSES)
      throw new AdapterError("not_found", { zh: "资源不存在。", en: "no such resource" });
  }

  const adapter = defineAdapter({
    describe: async (context) => {
      await enter("describe", context);
      return DESCRIPTION;
    },
    check: async (context) => {
      await enter("check", context);
      return { status: "ok" };
    },
    query: async (code, request, context) => {
      await enter("query", context);
      known(code);
      for (const name of [...Object.keys(request.filter), ...(request.fields ?? [])]) {
        if (!Object.hasOwn(recordSchema.properties, name))
          throw new AdapterError("bad_request", {
            zh: `没有信息项 ${name}。`,
            en: `no item ${name}`,
            path: `/query/${name}`,
          });
      }
      let after: string | undefined;
      if (request.cursor !== undefined) {
        after = decode(request.cursor);
        if (!byKey.has(after))
          throw new AdapterError("bad_request", {
            zh: "游标无效。",
            en: "invalid cursor",
            path: "/query/cursor",
          });
      }
      const matching = records.filter(
        (r) =>
          (after === undefined || String(r.residentId) > after) &&
          Object.entries(request.filter).every(([name, value]) => String(r[name]) === value),
      );
      const page = matching.slice(0, request.limit);
      const items = page.map((r) =>
        request.fields
          ? Object.fromEntries(request.fields.filter((f) => f in r).map((f) => [f, r[f]]))
          : { ...r },
      );
      const last = page.at(-1);
      return {
        items,
        ...(matching.length > page.length && last
          ? { nextCursor: encode(String(last.residentId)) }
          : {}),
      };
    },
    get: async (code, key, context) => {
      await enter("get", context);
      known(code);
      return byKey.get(key);
    },
    changes: async (code, request, context) => {
      await enter("changes", context);
      known(code);
      const from = request.cursor === undefined ? 0 : Number(request.cursor.slice(2));
      if (!Number.isInteger(from) || from < 0)
        throw new AdapterError("bad_request", { zh: "游标无效。", en: "invalid cursor" });
      const items = changes.slice(from, from + request.limit);
      return { items, nextCursor: `c=${from + items.length}` };
    },
    close: async () => {
      if (self) self.closed = true;
    },
  });
  const verify = adapter.verify;
  self = Object.assign(adapter, state, {
    verify: async (...args: Parameters<Adapter["verify"]>) => {
      await enter("verify", args[2]);
      return verify(...args);
    },
  });
  return self;
}
