/**
 * The provider runtime in-process (fastify `inject`) over the memory adapter: each operation of
 * specs/provider v1, parameter validation, adapter error mapping, the adapter deadline, request
 * ids and the metrics. Every response is checked by the harness: signed, bound to the request,
 * and as the spec declares it.
 */
import { Writable } from "node:stream";
import fc from "fast-check";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdapterError } from "../src/errors.js";
import { type Harness, startHarness } from "./helpers/harness.js";
import { ADDRESSES, createMemoryAdapter, DESCRIPTION, PEOPLE } from "./helpers/memory-adapter.js";

const RECORDS = `/v1/resources/${PEOPLE}/records`;
const VERIFY = `/v1/resources/${PEOPLE}/verify`;
const CHANGES = `/v1/resources/${PEOPLE}/changes`;
const JSON_HEADERS = { "content-type": "application/json", "idempotency-key": "verify-0001" };

interface Problem {
  type: string;
  code: string;
  detail?: string;
  instance?: string;
  errors?: { path: string; code: string; message: string }[];
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe("operations", () => {
  it("describe answers the adapter's description, and the adapter sees the verified key id", async () => {
    const response = await h.send({
      url: "/v1/describe",
      headers: { "x-request-id": "req-describe-1" },
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(DESCRIPTION);
    expect(h.adapter.calls.at(-1)).toMatchObject({
      operation: "describe",
      keyId: "exchange-1",
      requestId: "req-describe-1",
    });
  });

  it("check answers the adapter's status", async () => {
    const response = await h.send({ url: "/v1/health" });
    expect(response).toMatchObject({ status: 200, json: { status: "ok" } });
  });

  it("query pages through every record once, in order, with the cursor", async () => {
    const keys: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const query = `purpose=${encodeURIComponent("核对身份")}&limit=10${cursor ? `&cursor=${cursor}` : ""}`;
      const response = await h.send({ url: `${RECORDS}?${query}` });
      expect(response.status).toBe(200);
      const page = response.json as { items: { residentId: string }[]; nextCursor?: string };
      keys.push(...page.items.map((item) => item.residentId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(keys).toEqual(
      Array.from({ length: 25 }, (_, i) => `R${String(i + 1).padStart(4, "0")}`),
    );
  });

  it("query applies deepObject filters, form-style fields and the default limit of 100", async () => {
    const response = await h.send({
      url: `${RECORDS}?purpose=ab&filter[city]=${encodeURIComponent("青岛")}&filter[sex]=2&fields=name,city`,
      headers: { "govex-share-request": "sr-2026_0001" },
    });
    expect(response.json).toEqual({
      items: [
        { name: "居民2", city: "青岛" },
        { name: "居民8", city: "青岛" },
        { name: "居民14", city: "青岛" },
        { name: "居民20", city: "青岛" },
      ],
    });
    expect(h.adapter.calls.at(-1)).toMatchObject({
      operation: "query",
      purpose: "ab",
      shareRequest: "sr-2026_0001",
    });
  });

  it("query passes purpose text as data, injection strings included", async () => {
    const purpose = "'; DROP TABLE people; -- <script>alert(1)</script> $" + "{jndi:x}";
    const response = await h.send({
      url: `${RECORDS}?purpose=${encodeURIComponent(purpose)}&limit=1`,
    });
    expect(response.status).toBe(200);
    expect(h.adapter.calls.at(-1)?.purpose).toBe(purpose);
  });

  it("getByKey answers the record, and 404 without echoing the key when there is none", async () => {
    const found = await h.send({ url: `${RECORDS}/R0003?purpose=ab` });
    expect(found.json).toEqual({ residentId: "R0003", name: "居民3", sex: "1", city: "烟台" });
    const missing = await h.send({ url: `${RECORDS}/11010519491231002X?purpose=ab` });
    expect(missing.status).toBe(404);
    expect((missing.json as Problem).code).toBe("not_found");
    expect(missing.text).not.toContain("11010519491231002X");
    // An encoded slash stays inside the key.
    const slash = await h.send({ url: `${RECORDS}/R00%2F03?purpose=ab` });
    expect(slash.status).toBe(404);
  });

  it("verify answers match / no_match / not_available, never values", async () => {
    const response = await h.send({
      method: "POST",
      url: `${VERIFY}?purpose=ab`,
      headers: JSON_HEADERS,
      body: JSON.stringify({ key: "R0001", values: { name: "居民1", sex: "2", mobile: "1" } }),
    });
    expect(response.json).toEqual({
      found: true,
      fields: { name: "match", sex: "no_match", mobile: "not_available" },
    });
    const none = await h.send({
      method: "POST",
      url: `${VERIFY}?purpose=ab`,
      headers: JSON_HEADERS,
      body: JSON.stringify({ key: "R9999", values: { name: "居民1" } }),
    });
    expect(none.json).toEqual({ found: false, fields: { name: "not_available" } });
    expect(none.text).not.toContain("居民");
  });

  it("changesSince pages forward with the cursor", async () => {
    const first = await h.send({ url: `${CHANGES}?limit=3` });
    const page = first.json as { items: { key: string; op: string }[]; nextCursor: string };
    expect(page.items.map((c) => c.key)).toEqual(["R0001", "R0002", "R0003"]);
    const second = await h.send({ url: `${CHANGES}?cursor=${page.nextCursor}` });
    expect(second.json).toMatchObject({
      items: [{ key: "R0004" }, { key: "R0005", op: "delete" }],
      nextCursor: "c=5",
    });
  });

  it("an unknown resource is 404 not_found; an operation a resource does not list is 404 not_supported", async () => {
    const before = h.adapter.calls.length;
    const unknown = await h.send({ url: "/v1/resources/101001/999999/records?purpose=ab" });
    expect(unknown.status).toBe(404);
    expect((unknown.json as Problem).code).toBe("not_found");
    const changes = await h.send({ url: `/v1/resources/${ADDRESSES}/changes` });
    expect(changes.status).toBe(404);
    expect((changes.json as Problem).code).toBe("not_supported");
    const verify = await h.send({
      method: "POST",
      url: `/v1/resources/${ADDRESSES}/verify?purpose=ab`,
      headers: JSON_HEADERS,
      body: JSON.stringify({ key: "R0001", values: { name: "x" } }),
    });
    expect((verify.json as Problem).code).toBe("not_supported");
    // The description is cached: none of these reached the adapter.
    expect(h.adapter.calls.slice(before)).toEqual([]);
  });
});

describe("parameters are checked against the spec before the adapter is called", () => {
  const long = (n: number, c = "a") => c.repeat(n);
  const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
  const cases: [
    string,
    { url: string; method?: "POST"; headers?: Record<string, string>; body?: string },
    [string, string][],
  ][] = [
    ["purpose missing", { url: `${RECORDS}` }, [["/query/purpose", "required"]]],
    ["purpose too short", { url: `${RECORDS}?purpose=a` }, [["/query/purpose", "min_length"]]],
    [
      "purpose too long (201 characters)",
      { url: `${RECORDS}?purpose=${encodeURIComponent(long(201, "用"))}` },
      [["/query/purpose", "max_length"]],
    ],
    ["limit 0", { url: `${RECORDS}?purpose=ab&limit=0` }, [["/query/limit", "minimum"]]],
    ["limit 1001", { url: `${RECORDS}?purpose=ab&limit=1001` }, [["/query/limit", "maximum"]]],
    ["limit -1", { url: `${CHANGES}?limit=-1` }, [["/query/limit", "minimum"]]],
    ["limit 1.5", { url: `${CHANGES}?limit=1.5` }, [["/query/limit", "type"]]],
    ["limit abc", { url: `${CHANGES}?limit=abc` }, [["/query/limit", "type"]]],
    [
      "limit of 30 digits",
      { url: `${CHANGES}?limit=${long(30, "9")}` },
      [["/query/limit", "type"]],
    ],
    [
      "limit repeated",
      { url: `${CHANGES}?limit=1&limit=2` },
      [["/query/limit", "repeated_parameter"]],
    ],
    [
      "cursor of 513 characters",
      { url: `${CHANGES}?cursor=${long(513)}` },
      [["/query/cursor", "max_length"]],
    ],
    [
      "prefix breaking its pattern",
      { url: "/v1/resources/401001/000001/records?purpose=ab" },
      [["/path/prefix", "pattern"]],
    ],
    [
      "suffix in lower case",
      { url: "/v1/resources/101001/abc/records?purpose=ab" },
      [["/path/suffix", "pattern"]],
    ],
    [
      "suffix of 33 characters",
      { url: `/v1/resources/101001/${long(33, "1")}/changes` },
      [["/path/suffix", "pattern"]],
    ],
    [
      "key of 129 characters",
      { url: `${RECORDS}/${long(129)}?purpose=ab` },
      [["/path/key", "max_length"]],
    ],
    [
      "11 filters",
      { url: `${RECORDS}?purpose=ab&${many(11, (i) => `filter[f${i}]=x`).join("&")}` },
      [["/query/filter", "max_properties"]],
    ],
    [
      "a filter value of 201 characters",
      { url: `${RECORDS}?purpose=ab&filter[name]=${long(201)}` },
      [["/query/filter/name", "max_length"]],
    ],
    [
      "a __proto__ filter",
      { url: `${RECORDS}?purpose=ab&filter[__proto__]=x` },
      [["/query/filter", "property_names"]],
    ],
    [
      "a nested filter",
      { url: `${RECORDS}?purpose=ab&filter[a][b]=x` },
      [["/query/filter[a][b]", "additional_properties"]],
    ],
    ["filter as a scalar", { url: `${RECORDS}?purpose=ab&filter=x` }, [["/query/filter", "type"]]],
    [
      "filter as a scalar and an object",
      { url: `${RECORDS}?purpose=ab&filter=x&filter[a]=b` },
      [["/query/filter", "repeated_parameter"]],
    ],
    [
      "a filter repeated",
      { url: `${RECORDS}?purpose=ab&filter[a]=1&filter[a]=2` },
      [["/query/filter/a", "repeated_parameter"]],
    ],
    [
      "101 fields",
      { url: `${RECORDS}?purpose=ab&fields=${many(101, (i) => `f${i}`).join(",")}` },
      [["/query/fields", "max_items"]],
    ],
    [
      "an empty field",
      { url: `${RECORDS}?purpose=ab&fields=name,,city` },
      [["/query/fields/1", "pattern"]],
    ],
    [
      "a field starting with a digit",
      { url: `${RECORDS}?purpose=ab&fields=1name` },
      [["/query/fields/0", "pattern"]],
    ],
    [
      "fields exploded",
      { url: `${RECORDS}?purpose=ab&fields=name&fields=city` },
      [["/query/fields", "repeated_parameter"]],
    ],
    [
      "an unknown parameter",
      { url: `${RECORDS}?purpose=ab&limt=5` },
      [["/query/limt", "additional_properties"]],
    ],
    [
      "a parameter on describe",
      { url: "/v1/describe?verbose=1" },
      [["/query/verbose", "additional_properties"]],
    ],
    [
      "a broken percent-encoding",
      { url: `${RECORDS}?purpose=a%ZZb` },
      [["/query/purpose", "invalid_encoding"]],
    ],
    [
      "percent-encoded bytes that are not UTF-8",
      { url: `${RECORDS}?purpose=%FF%FE` },
      [["/query/purpose", "invalid_encoding"]],
    ],
    [
      "a share request id breaking its pattern",
      { url: `${RECORDS}?purpose=ab`, headers: { "govex-share-request": "sr 1;DROP" } },
      [["/headers/Govex-Share-Request", "pattern"]],
    ],
    [
      "an Idempotency-Key of 7 characters",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: { ...JSON_HEADERS, "idempotency-key": "1234567" },
        body: '{"key":"R0001","values":{"name":"x"}}',
      },
      [["/headers/Idempotency-Key", "min_length"]],
    ],
    [
      "an Idempotency-Key of 129 characters",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: { ...JSON_HEADERS, "idempotency-key": long(129) },
        body: '{"key":"R0001","values":{"name":"x"}}',
      },
      [["/headers/Idempotency-Key", "max_length"]],
    ],
    [
      "verify without values",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"key":"R0001","values":{}}',
      },
      [["/body/values", "min_properties"]],
    ],
    [
      "verify with 51 values",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({
          key: "R0001",
          values: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, "x"])),
        }),
      },
      [["/body/values", "max_properties"]],
    ],
    [
      "verify with an unknown member",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"key":"R0001","values":{"name":"x"},"fields":["a"]}',
      },
      [["/body/fields", "additional_properties"]],
    ],
    [
      "verify with an object value",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"key":"R0001","values":{"name":{"$ne":null}}}',
      },
      [["/body/values/name", "type"]],
    ],
    [
      "verify with an empty key",
      {
        url: `${VERIFY}?purpose=ab`,
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"key":"","values":{"name":"x"}}',
      },
      [["/body/key", "min_length"]],
    ],
    [
      "verify with an array body",
      { url: `${VERIFY}?purpose=ab`, method: "POST", headers: JSON_HEADERS, body: "[1,2]" },
      [["/body", "type"]],
    ],
    [
      "verify without purpose",
      {
        url: VERIFY,
        method: "POST",
        headers: JSON_HEADERS,
        body: '{"key":"R0001","values":{"name":"x"}}',
      },
      [["/query/purpose", "required"]],
    ],
  ];

  it.each(cases)("%s → 400 bad-request", async (_name, request, want) => {
    const before = h.adapter.calls.length;
    const response = await h.send(request);
    expect(response.status).toBe(400);
    const problem = response.json as Problem;
    expect(problem.type).toBe("https://govex.dev/problems/bad-request");
    expect(problem.errors?.map((e) => [e.path, e.code])).toEqual(expect.arrayContaining(want));
    for (const issue of problem.errors ?? []) expect(issue.message).toMatch(/[\u4e00-\u9fff]/);
    expect(h.adapter.calls.slice(before)).toEqual([]);
  });

  it("the bounds themselves are accepted (limit 1 and 1000, purpose of 2 and 200, a 128-character key)", async () => {
    for (const url of [
      `${CHANGES}?limit=1`,
      `${CHANGES}?limit=1000`,
      `${RECORDS}?purpose=ab&limit=1`,
      `${RECORDS}?purpose=${encodeURIComponent(long(200, "用"))}&limit=1`,
      `${RECORDS}?purpose=ab&${many(10, (i) => `filter[f${i}]=x`).join("&")}&fields=${many(100, (i) => `f${i}`).join(",")}`,
    ]) {
      const response = await h.send({ url });
      // The memory adapter rejects unknown items itself (400 from the adapter, with its path).
      expect([200, 400]).toContain(response.status);
      if (response.status === 400)
        expect((response.json as Problem).errors?.[0]?.path).toBe("/query/f0");
    }
    const key = await h.send({ url: `${RECORDS}/${long(128)}?purpose=ab` });
    expect(key.status).toBe(404);
  });

  it("a missing Idempotency-Key is idempotency-key-missing", async () => {
    const response = await h.send({
      method: "POST",
      url: `${VERIFY}?purpose=ab`,
      headers: { "content-type": "application/json" },
      body: '{"key":"R0001","values":{"name":"x"}}',
    });
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      type: "https://govex.dev/problems/idempotency-key-missing",
      errors: [{ path: "/headers/Idempotency-Key", code: "required" }],
    });
  });

  it("messages follow the server's lang; the title stays zh-CN", async () => {
    const en = await startHarness({ server: { lang: "en" } });
    try {
      const response = await en.send({ url: `${RECORDS}?purpose=ab&limit=0` });
      const problem = response.json as Problem & { title: string };
      expect(problem.title).toBe("请求不合规范");
      expect(problem.errors?.[0]?.message).toMatch(/limit.*>= 1/);
      expect(problem.detail).not.toMatch(/[\u4e00-\u9fff]/);
    } finally {
      await en.close();
    }
  });

  it("any query string or path is answered 2xx or 4xx, signed and as the spec says (property)", async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        "%",
        "%ZZ",
        "%FF",
        "__proto__",
        "filter[",
        "filter[]",
        "[]",
        "&&",
        "=",
        "+",
        "%00",
        "a,b,,",
        "limit",
        "cursor",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          RECORDS,
          `${RECORDS}/R0001`,
          CHANGES,
          "/v1/describe",
          "/v1/resources/1/2/records",
        ),
        fc.array(fc.tuple(text, text), { maxLength: 6 }),
        async (path, pairs) => {
          const query = pairs.map(([k, v]) => `${encodeURI(k)}=${encodeURI(v)}`).join("&");
          const url = `${path}?purpose=ab&${query}`;
          let response: Awaited<ReturnType<Harness["send"]>>;
          try {
            response = await h.send({ url });
          } catch (error) {
            // encodeURI may leave characters a URL cannot carry: then nothing was sent.
            if (error instanceof URIError) return;
            throw error;
          }
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("adapter errors map to problems", () => {
  const cases: [
    string,
    Error,
    { status: number; type: string; code: string; retryAfter?: string },
  ][] = [
    [
      "bad_request",
      new AdapterError("bad_request", {
        zh: "游标无效。",
        en: "invalid cursor",
        path: "/query/cursor",
      }),
      { status: 400, type: "bad-request", code: "bad_request" },
    ],
    [
      "not_found",
      new AdapterError("not_found", { zh: "没有。", en: "none" }),
      { status: 404, type: "not-found", code: "not_found" },
    ],
    [
      "not_supported",
      new AdapterError("not_supported", { zh: "不支持。", en: "not supported" }),
      { status: 404, type: "not-found", code: "not_supported" },
    ],
    [
      "unavailable",
      new AdapterError("unavailable", { zh: "数据库不可达。", en: "database unreachable" }),
      { status: 503, type: "unavailable", code: "unavailable", retryAfter: "5" },
    ],
    [
      "unavailable with its own Retry-After",
      new AdapterError("unavailable", {
        zh: "维护中。",
        en: "maintenance",
        params: { retryAfter: 120 },
      }),
      { status: 503, type: "unavailable", code: "unavailable", retryAfter: "120" },
    ],
    [
      "record_invalid",
      new AdapterError("record_invalid", { zh: "记录不符合规范，已扣留。", en: "record withheld" }),
      { status: 503, type: "unavailable", code: "record_invalid", retryAfter: "5" },
    ],
    [
      "config_invalid",
      new AdapterError("config_invalid", {
        zh: "配置错误：password=secret-1",
        en: "bad config password=secret-1",
      }),
      { status: 500, type: "internal", code: "internal" },
    ],
    [
      "a TypeError",
      new TypeError("cannot read secret-1 of undefined"),
      { status: 500, type: "internal", code: "internal" },
    ],
  ];

  it.each(cases)("%s", async (_name, error, want) => {
    const logged: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        logged.push(String(chunk));
        done();
      },
    });
    const adapter = createMemoryAdapter();
    const local = await startHarness({ adapter, server: { logger: { level: "error", stream } } });
    try {
      adapter.faults.set("query", error);
      const response = await local.send({ url: `${RECORDS}?purpose=ab` });
      expect(response.status).toBe(want.status);
      expect(response.json).toMatchObject({
        type: `https://govex.dev/problems/${want.type}`,
        code: want.code,
      });
      expect(response.headers["retry-after"]).toBe(want.retryAfter);
      if (want.status === 500) {
        expect(response.text).not.toContain("secret-1");
        expect(logged.join("")).toContain("secret-1");
      }
      if (want.code === "bad_request")
        expect((response.json as Problem).errors).toEqual([
          { path: "/query/cursor", code: "bad_request", message: "游标无效。" },
        ]);
      // Adapter failures (5xx) are counted by code; 4xx only by status.
      const failures = await local.provider.registry.metrics();
      const line = `govex_provider_adapter_errors_total{operation="query",code="${want.code}"} 1`;
      if (want.status >= 500) expect(failures).toContain(line);
      else expect(failures).not.toContain(line);
    } finally {
      await local.close();
    }
  });

  it("check answers 503 when the system is unavailable", async () => {
    const adapter = createMemoryAdapter();
    const local = await startHarness({ adapter });
    try {
      adapter.faults.set(
        "check",
        new AdapterError("unavailable", { zh: "数据库不可达。", en: "down" }),
      );
      const response = await local.send({ url: "/v1/health" });
      expect(response).toMatchObject({ status: 503, json: { code: "unavailable" } });
    } finally {
      await local.close();
    }
  });

  it("an adapter call past the deadline is 503 unavailable, and its signal is aborted", async () => {
    const adapter = createMemoryAdapter();
    const local = await startHarness({ adapter, server: { timeouts: { adapter: 50 } } });
    try {
      await local.send({ url: "/v1/describe" }); // cache the description first
      adapter.faults.set("query", "hang");
      const response = await local.send({ url: `${RECORDS}?purpose=ab` });
      expect(response.status).toBe(503);
      expect(response.json).toMatchObject({ code: "unavailable" });
      expect(response.headers["retry-after"]).toBe("5");
      const reason = await adapter.aborted;
      expect(reason).toBeInstanceOf(AdapterError);
      expect((reason as AdapterError).code).toBe("unavailable");
    } finally {
      await local.close();
    }
  });

  it("a description that fails is not cached", async () => {
    const adapter = createMemoryAdapter();
    const local = await startHarness({ adapter });
    try {
      adapter.faults.set(
        "describe",
        new AdapterError("unavailable", { zh: "暂不可用。", en: "down" }),
      );
      expect((await local.send({ url: `${RECORDS}?purpose=ab` })).status).toBe(503);
      adapter.faults.delete("describe");
      expect((await local.send({ url: `${RECORDS}?purpose=ab` })).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

describe("request ids", () => {
  it("a valid X-Request-Id is echoed and is the problem's instance", async () => {
    const response = await h.send({
      url: `${RECORDS}?purpose=a`,
      headers: { "x-request-id": "7c9e6679-7425-40de-944b-e07fc1f90ae7" },
    });
    expect(response.headers["x-request-id"]).toBe("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    expect((response.json as Problem).instance).toBe("7c9e6679-7425-40de-944b-e07fc1f90ae7");
  });

  it.each([
    ["absent", undefined],
    ["with spaces and quotes", 'x" onload="1'],
    ["129 characters", "a".repeat(129)],
    ["a CRLF injection", "abc%0d%0aSet-Cookie:x"],
  ])("an X-Request-Id %s is replaced by a fresh UUID", async (_name, given) => {
    const response = await h.send({
      url: "/v1/health",
      ...(given === undefined ? {} : { headers: { "x-request-id": given } }),
    });
    expect(response.headers["x-request-id"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe("metrics", () => {
  it("exposes request counts and durations by operation and status, unsigned callers welcome", async () => {
    await h.send({ url: "/v1/health" });
    await h.send({ url: `${RECORDS}?purpose=a` });
    await h.send({ url: "/v1/nowhere" });
    const response = await h.send({ url: "/metrics", sign: false });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toMatch(
      /^govex_provider_requests_total\{operation="check",status="200"\} \d+$/m,
    );
    expect(response.text).toMatch(
      /^govex_provider_requests_total\{operation="query",status="400"\} \d+$/m,
    );
    expect(response.text).toMatch(
      /^govex_provider_requests_total\{operation="unknown",status="404"\} \d+$/m,
    );
    expect(response.text).toMatch(
      /^govex_provider_request_duration_seconds_bucket\{le="0\.005",operation="check",status="200"\} \d+$/m,
    );
    expect(response.text).toMatch(
      /^govex_provider_request_duration_seconds_count\{operation="check",status="200"\} \d+$/m,
    );
  });

  it("two servers share one registry; metricsPath false turns the route off", async () => {
    const registry = new Registry();
    const a = await startHarness({ server: { registry } });
    const b = await startHarness({ server: { registry, metricsPath: false } });
    try {
      await a.send({ url: "/v1/health" });
      await b.send({ url: "/v1/health" });
      expect(await registry.metrics()).toMatch(/operation="check",status="200"\} 2$/m);
      expect((await b.send({ url: "/metrics", sign: false })).status).toBe(404);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("lifecycle", () => {
  it("closing the server closes the adapter", async () => {
    const adapter = createMemoryAdapter();
    const local = await startHarness({ adapter });
    await local.close();
    expect(adapter.closed).toBe(true);
  });
});
