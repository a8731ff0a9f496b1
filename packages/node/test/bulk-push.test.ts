import { contentDigest } from "@govex/security";
import { beforeAll, describe, expect, test } from "vitest";
import { type BatchReceipt, bulkHandlers } from "../src/bulk/index.js";
import type { Db } from "../src/store/index.js";
import {
  CONSUMER,
  call,
  count,
  expectProblem,
  expectSchema,
  NOW,
  nodeServices,
  OPERATOR,
  OTHER,
  PROVIDER,
  request,
  seedMembers,
  seedResource,
} from "./events-bulk-fixtures.js";
import { DRIVERS, must, sharedStore } from "./store-drivers.js";

const RESIDENT = "11010519491231002X";

/** The record schema a provider's describe gave (services.record_schema). */
const RECORD_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["residentId"],
  properties: {
    residentId: { type: "string", format: "cn-resident-id" },
    name: { type: "string", maxLength: 50, "x-govex-mask": { kind: "name", grade: 2 } },
    heightCm: { type: "integer" },
    birthDate: { type: "string", format: "date" },
  },
};

const ndjson = (...lines: (string | Buffer)[]): Buffer =>
  Buffer.concat(lines.map((l) => (typeof l === "string" ? Buffer.from(l, "utf8") : l)));

const pathOf = (resourceCode: string) => {
  const [prefix, suffix] = resourceCode.split("/");
  return { prefix: must(prefix), suffix: must(suffix) };
};

describe.each(DRIVERS)("pushed batches on %s", (driver) => {
  const store = sharedStore(driver);
  let db: Db;
  let services = 0;
  beforeAll(async () => {
    db = store();
    await seedMembers(db);
    await db.query(
      `insert into systems (member_code, code, name, provider_base_url)
       values ($1, 'hukou', '户籍管理系统', 'https://hukou.example.gov.cn/govex/v1')`,
      [PROVIDER],
    );
  });

  /** A published resource of PROVIDER, with a described record schema unless `schema: null`. */
  async function resource(schema: object | null = RECORD_SCHEMA): Promise<string> {
    const code = await seedResource(db, { shareType: "有条件共享" });
    if (schema !== null)
      await db.query(
        `insert into services (member_code, system_code, code, resource_code, status, record_schema)
         values ($1, 'hukou', $2, $3, 'active', $4::jsonb)`,
        [PROVIDER, `svc-${++services}`, code, JSON.stringify(schema)],
      );
    return code;
  }

  const push = (
    who: string,
    resourceCode: string,
    body: Buffer | undefined,
    signal?: AbortSignal,
  ) =>
    call(
      bulkHandlers,
      request("pushBatch", who, {
        path: pathOf(resourceCode),
        rawBody: body,
        ...(signal === undefined ? {} : { signal }),
      }),
      nodeServices(db),
    );

  const written = async () => ({
    // What readers see: complete batches and their records (a batch still arriving is invisible).
    batches: await count(db, "batches where state = 'complete'"),
    records: await count(db, "accepted_batch_records"),
  });

  test("good and bad lines: the good stored, the bad listed with their reasons", async () => {
    const code = await resource();
    const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
    const body = ndjson(
      "\uFEFF", // a BOM, ignored
      `{"residentId":"${RESIDENT}","name":"张三","heightCm":170}\n`, // 1 good
      `{"residentId":"${RESIDENT}","name":"李四","heightCm":"一米七"}\n`, // 2 wrong type
      `{"residentId": "1101\n`, // 3 bad JSON
      Buffer.from([
        0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a,
      ]), // 4 invalid UTF-8
      `{"__proto__":{"admin":true},"residentId":"${RESIDENT}"}\n`, // 5 __proto__
      "   \t\n", // 6 blank: counted as a line, not a record
      "[1,2]\n", // 7 not an object
      `{"name":"王五"}\n`, // 8 key missing
      `{"residentId":"${RESIDENT}","extra":1}\n`, // 9 not in the schema
      `{"residentId":"${RESIDENT}","name":"a\\u0000b"}\n`, // 10 U+0000
      `{"residentId":"${RESIDENT}","name":"\\ud800"}\n`, // 11 lone surrogate
      `{"residentId":"${RESIDENT}","name":${deep}}\n`, // 12 too deep
      `{"residentId":"${RESIDENT}","name":"赵六","birthDate":"1949-12-31"}\r\n`, // 13 good, CRLF
      `{"residentId":"${RESIDENT}","heightCm":1e400}\n`, // 14 beyond a double
      `{"residentId":"${RESIDENT}","constructor":{"prototype":{}}}\n`, // 15 constructor.prototype
      `{"residentId":"110105194912310021"}\n`, // 16 wrong check character
      `{"residentId":"${RESIDENT}","name":"x'); drop table batch_records; --"}`, // 17 good, no final LF
    );
    const before = await written();
    const { result, facts } = await push(PROVIDER, code, body);
    expect(result.status).toBe(201);
    await expectSchema("BatchReceipt", result.body);
    const receipt = result.body as BatchReceipt;
    expect(facts).toEqual({ resourceCode: code, provider: PROVIDER });
    expect(receipt).toMatchObject({
      resourceCode: code,
      received: 16,
      accepted: 3,
      rejected: 13,
      digest: contentDigest(body, ["sha-256", "sm3"]),
      receivedAt: new Date(NOW).toISOString(),
    });
    expect(receipt.digest).toMatch(/^sha-256=:[A-Za-z0-9+/]{43}=:, sm3=:[A-Za-z0-9+/]{43}=:$/);
    expect(receipt.batchId).toMatch(/^b-[A-Za-z0-9_-]+$/);
    expect(receipt.rejections.map((r) => [r.line, r.path ?? "", r.code])).toEqual([
      [2, "/heightCm", "type"],
      [3, "", "invalid_json"],
      [4, "", "invalid_encoding"],
      [5, "/__proto__", "forbidden_key"],
      [7, "", "not_an_object"],
      [8, "/residentId", "required"],
      [9, "/extra", "additional_properties"],
      [10, "/name", "unsupported_character"],
      [11, "/name", "unsupported_character"],
      [12, "", "nesting_too_deep"],
      [14, "/heightCm", "number_out_of_range"],
      [15, "/constructor", "forbidden_key"],
      [16, "/residentId", "invalid_check_character"],
    ]);
    for (const r of receipt.rejections) expect(r.message.length).toBeGreaterThan(0);

    // Exactly the accepted rows were stored, with their line numbers, as parsed.
    const after = await written();
    expect(after).toEqual({ batches: before.batches + 1, records: before.records + 3 });
    const { rows } = await db.query<{ line: number; record_key: string | null; record: unknown }>(
      "select line, record_key, record from accepted_batch_records where batch_id = $1 order by line",
      [receipt.batchId],
    );
    expect(rows.map((r) => r.line)).toEqual([1, 13, 17]);
    expect(rows.map((r) => r.record)).toEqual([
      { residentId: RESIDENT, name: "张三", heightCm: 170 },
      { residentId: RESIDENT, name: "赵六", birthDate: "1949-12-31" },
      { residentId: RESIDENT, name: "x'); drop table batch_records; --" },
    ]);
    // The provider's describe names no key column in the registry yet: stored without one.
    expect(rows.every((r) => r.record_key === null)).toBe(true);

    // The receipt again, by id: the provider and the operator; anyone else is told nothing.
    const get = (who: string, resourceCode: string, batchId: string) =>
      call(
        bulkHandlers,
        request("getBatchReceipt", who, { path: { ...pathOf(resourceCode), batchId } }),
        nodeServices(db),
      );
    for (const who of [PROVIDER, OPERATOR]) {
      const again = await get(who, code, receipt.batchId);
      expect(again.result.status).toBe(200);
      await expectSchema("BatchReceipt", again.result.body);
      expect(again.result.body).toEqual(receipt);
      expect(again.facts).toEqual({ resourceCode: code, provider: PROVIDER });
    }
    const otherResource = await resource();
    for (const [who, resourceCode, batchId] of [
      [CONSUMER, code, receipt.batchId],
      [OTHER, code, receipt.batchId],
      [PROVIDER, otherResource, receipt.batchId],
      [PROVIDER, code, "b-unknown"],
      [PROVIDER, code, "b' or '1'='1"],
    ] as const)
      await expectProblem(get(who, resourceCode, batchId), 404, "not_found");
  });

  test("English rejections in an English request", async () => {
    const code = await resource();
    const { result } = await call(
      bulkHandlers,
      request("pushBatch", PROVIDER, {
        path: pathOf(code),
        rawBody: ndjson("{\n", '{"residentId":"x","__proto__":1}\n'),
        lang: "en",
      }),
      nodeServices(db),
    );
    const receipt = result.body as BatchReceipt;
    expect(receipt.rejections.map((r) => r.message)).toEqual([
      expect.stringMatching(/^The line is not valid JSON/),
      'The record has the forbidden member name "__proto__": remove it.',
    ]);
  });

  test("without a described record schema the catalog's items decide", async () => {
    const code = await resource(null);
    const body = ndjson(
      `{"residentId":"${RESIDENT}","name":"张三","heightCm":170,"birthDate":"1949-12-31"}\n`,
      `{"name":"only a name"}\n`, // the key is not known: nothing is required
      `{"residentId":"${RESIDENT}","mobile":"13900000000"}\n`, // not an item of the entry
      `{"heightCm":170.5}\n`, // I: integer
      `{"birthDate":"1949-02-30"}\n`, // D: date
      `{"name":"${"长".repeat(51)}"}\n`, // C(50)
    );
    const { result } = await push(PROVIDER, code, body);
    await expectSchema("BatchReceipt", result.body);
    const receipt = result.body as BatchReceipt;
    expect(receipt).toMatchObject({ received: 6, accepted: 2, rejected: 4 });
    expect(receipt.rejections.map((r) => [r.line, r.path, r.code])).toEqual([
      [3, "/mobile", "additional_properties"],
      [4, "/heightCm", "type"],
      [5, "/birthDate", expect.any(String)],
      [6, "/name", expect.any(String)],
    ]);
  });

  test("a described schema that does not compile falls back to the catalog; unknown data elements are left out", async () => {
    // The described schema uses a keyword the validator refuses; the entry names a data element
    // that does not exist next to one that does.
    const code = await seedResource(db, {
      shareType: "无条件共享",
      items: [
        {
          name: "公民身份号码",
          code: "residentId",
          dataType: "C",
          length: 18,
          dataElement: "https://govex.dev/specs/data/v1/elements.schema.json#/$defs/residentId",
        },
        {
          name: "姓名",
          code: "name",
          dataType: "C",
          length: 4,
          dataElement: "https://example.com/x.json",
        },
      ],
    });
    await db.query(
      `insert into services (member_code, system_code, code, resource_code, status, record_schema)
       values ($1, 'hukou', $2, $3, 'active', $4::jsonb)`,
      [PROVIDER, `svc-${++services}`, code, JSON.stringify({ type: "object", notAKeyword: true })],
    );
    const { result } = await push(
      PROVIDER,
      code,
      ndjson(
        `{"residentId":"110105194912310021","name":"张三"}\n`,
        `{"name":"五个字名字"}\n`,
        `{"city":"济南"}\n`,
      ),
    );
    const receipt = result.body as BatchReceipt;
    expect(receipt).toMatchObject({ received: 3, accepted: 0, rejected: 3 });
    expect(receipt.rejections.map((r) => [r.line, r.path, r.code])).toEqual([
      // The known data element still applies, the unknown one is left out.
      [1, "/residentId", "invalid_check_character"],
      [2, "/name", expect.any(String)],
      [3, "/city", "additional_properties"],
    ]);
  });

  test("refusals write nothing", async () => {
    const code = await resource();
    const withdrawn = await seedResource(db, { shareType: "无条件共享", status: "withdrawn" });
    const good = ndjson(`{"residentId":"${RESIDENT}"}\n`);
    const before = await written();
    // [case, caller, resource, body, status, code]
    const cases: [string, string, string, Buffer | undefined, number, string][] = [
      ["a consumer", CONSUMER, code, good, 403, "provider_only"],
      ["the operator", OPERATOR, code, good, 403, "provider_only"],
      ["unknown resource", PROVIDER, "101001/NOSUCH", good, 404, "not_found"],
      ["withdrawn", PROVIDER, withdrawn, good, 409, "resource_withdrawn"],
      // No Buffer and no stream with its Content-Digest: nothing to check the batch against.
      ["no body", PROVIDER, code, undefined, 400, "content_digest_missing"],
      ["empty body", PROVIDER, code, Buffer.alloc(0), 400, "batch_empty"],
      ["blank lines only", PROVIDER, code, ndjson("\n\r\n  \n\t"), 400, "batch_empty"],
      ["a BOM only", PROVIDER, code, ndjson("\uFEFF\n"), 400, "batch_empty"],
    ];
    for (const [name, who, resourceCode, body, status, problemCode] of cases) {
      const problem = await expectProblem(push(who, resourceCode, body), status, problemCode);
      expect(problem.toProblem("zh-CN").detail, name).toBeTruthy();
    }
    expect(await written()).toEqual(before);
  });

  test("a batch is all or nothing: a failure half-way leaves no visible row", async () => {
    const code = await resource();
    const lines = Array.from(
      { length: 2500 },
      (_, i) => `{"residentId":"${RESIDENT}","heightCm":${i}}\n`,
    );
    const before = await written();
    const controller = new AbortController();
    controller.abort(new Error("the caller went away"));
    const failed = await push(PROVIDER, code, ndjson(...lines), controller.signal).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toBe("the caller went away");
    expect(await written()).toEqual(before);
    // Kept for a resume, invisible, its lease given up.
    expect(
      await count(
        db,
        "batches where state = 'receiving' and resource_code = $1 and lease_until is null",
        [code],
      ),
    ).toBe(1);
  });

  test("10 000 lines, 1 % bad: exact counts, every good line stored, 1000 rejections listed at most", async () => {
    const code = await resource();
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      i % 100 === 99
        ? `{"residentId":"${RESIDENT}","heightCm":"tall"}\n`
        : `{"residentId":"${RESIDENT}","name":"居民${i}","heightCm":${150 + (i % 50)}}\n`,
    );
    const { result } = await push(PROVIDER, code, ndjson(...lines));
    await expectSchema("BatchReceipt", result.body);
    const receipt = result.body as BatchReceipt;
    expect(receipt).toMatchObject({ received: 10_000, accepted: 9_900, rejected: 100 });
    expect(receipt.rejections.map((r) => r.line)).toEqual(
      Array.from({ length: 100 }, (_, i) => i * 100 + 100),
    );
    expect(await count(db, "accepted_batch_records where batch_id = $1", [receipt.batchId])).toBe(
      9_900,
    );
    const { rows } = await db.query<{ name: string }>(
      "select record ->> 'name' as name from accepted_batch_records where batch_id = $1 and line = 10000 - 1",
      [receipt.batchId],
    );
    expect(rows[0]?.name).toBe("居民9998");

    // More rejected lines than a receipt lists: the count stays exact.
    const bad = Array.from({ length: 1500 }, () => "not json\n");
    const many = await push(PROVIDER, code, ndjson(...bad));
    await expectSchema("BatchReceipt", many.result.body);
    const manyReceipt = many.result.body as BatchReceipt;
    expect(manyReceipt).toMatchObject({ received: 1500, accepted: 0, rejected: 1500 });
    expect(manyReceipt.rejections).toHaveLength(1000);
    expect(manyReceipt.rejections.at(-1)?.line).toBe(1000);
  });
  // Last: it adds a column to this test database's services table.
  test("with the describe's key item registered, accepted rows carry their key", async () => {
    await db.query("alter table services add column if not exists key_field text");
    const code = await resource();
    await db.query("update services set key_field = 'residentId' where resource_code = $1", [code]);
    const { result } = await push(
      PROVIDER,
      code,
      ndjson(
        `{"residentId":"${RESIDENT}","heightCm":1}\n`,
        `{"residentId":"11010519491231002X","heightCm":2}\n`,
      ),
    );
    const receipt = result.body as BatchReceipt;
    const { rows } = await db.query<{ record_key: string | null }>(
      "select record_key from accepted_batch_records where batch_id = $1 order by line",
      [receipt.batchId],
    );
    expect(rows.map((r) => r.record_key)).toEqual([RESIDENT, RESIDENT]);
    // Without a described schema, the catalog-derived one then requires the key.
    const plain = await resource(null);
    await db.query(
      `insert into services (member_code, system_code, code, resource_code, status, key_field)
       values ($1, 'hukou', $2, $3, 'pending', 'residentId')`,
      [PROVIDER, `svc-${++services}`, plain],
    );
    const derived = await push(PROVIDER, plain, ndjson(`{"name":"张三"}\n`));
    expect((derived.result.body as BatchReceipt).rejections).toEqual([
      expect.objectContaining({ line: 1, path: "/residentId", code: "required" }),
    ]);
  });
});
