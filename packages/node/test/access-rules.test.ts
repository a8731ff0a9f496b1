import { MaskingError, maskValue } from "@govex/security";
import { describe, expect, it } from "vitest";
import {
  ACCESS_PROBLEM_TYPES,
  type AccessAllowed,
  type AccessDecision,
  type AccessDenialCode,
  type AccessQuery,
  applyAccess,
  decideAccess,
  type GrantState,
  type ResourceAccess,
} from "../src/access/index.js";

const PROVIDER = "11370000MB1234562A";
const CONSUMER = "11370100MB0000001X";
const OTHER = "11370200MB0000002Y";
const CODE = "101001/000001";
const TODAY = "2026-03-01";

const RESOURCE: ResourceAccess = {
  resourceCode: CODE,
  providerCode: PROVIDER,
  shareType: "有条件共享",
  status: "published",
  fields: ["residentId", "name", "sex", "birthDate", "mobile", "address"],
  masks: {
    residentId: { kind: "resident-id" },
    name: { kind: "name" },
    mobile: { kind: "mobile", grade: 2 },
    address: { kind: "address" },
  },
};

const GRANT: GrantState = {
  id: "sr-1",
  requesterCode: CONSUMER,
  resourceCode: CODE,
  status: "approved",
  // Not in catalog order on purpose: decisions list fields in catalog order.
  grantedFields: ["sex", "name", "residentId"],
  grantedFrom: "2026-01-01",
  grantedTo: "2026-12-31",
  clearText: false,
};

const RECORD = {
  residentId: "11010519491231002X",
  name: "张三",
  sex: "1",
  birthDate: "1949-12-31",
  mobile: "18012341999",
  address: "北京市海淀区中关村大街27号",
};

interface Given {
  resource?: Partial<ResourceAccess>;
  grant?: Partial<GrantState> | null;
  query?: Partial<Omit<AccessQuery, "resource" | "grant">>;
}

/** A conditional read by CONSUMER under GRANT, with the given changes. */
function query(given: Given = {}): AccessQuery {
  const q: AccessQuery = {
    resource: { ...RESOURCE, ...given.resource },
    caller: CONSUMER,
    shareRequestId: GRANT.id,
    today: TODAY,
    kind: "read",
    ...given.query,
  };
  if (given.grant !== null) q.grant = { ...GRANT, ...given.grant };
  return q;
}

type Want =
  | { fields: string[]; masked: string[]; basis: AccessAllowed["basis"]; shareRequestId?: string }
  | { code: AccessDenialCode; zh: string; en: string };

function check(decision: AccessDecision, want: Want): void {
  if ("code" in want) {
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.status).toBe(403);
    expect(decision.code).toBe(want.code);
    expect(decision.zh).toContain(want.zh);
    expect(decision.en).toContain(want.en);
    return;
  }
  expect(decision.allowed).toBe(true);
  if (!decision.allowed) return;
  expect(decision.fields).toEqual(want.fields);
  expect(decision.masked).toEqual(want.masked);
  expect(decision.basis).toBe(want.basis);
  expect(decision.shareRequestId).toBe(want.shareRequestId);
  expect(Object.keys(decision.policy.fields)).toEqual(want.masked.map((f) => `/${f}`));
}

const ALL = [...RESOURCE.fields];
const ALL_MASKED = ["residentId", "name", "mobile", "address"];

describe("decideAccess", () => {
  const cases: Array<[string, Given, Want]> = [
    // The owner.
    [
      "the provider reads its own 不予共享, withdrawn resource: every field in clear",
      {
        resource: { shareType: "不予共享", status: "withdrawn" },
        grant: null,
        query: { caller: PROVIDER, shareRequestId: undefined },
      },
      { fields: ALL, masked: [], basis: "owner" },
    ],
    [
      "the provider reads its own conditional resource without a share request",
      { grant: null, query: { caller: PROVIDER, shareRequestId: undefined } },
      { fields: ALL, masked: [], basis: "owner" },
    ],
    [
      "the provider asks for some fields: those, in catalog order",
      { query: { caller: PROVIDER, requestedFields: ["mobile", "name", "nope"] } },
      { fields: ["name", "mobile"], masked: [], basis: "owner" },
    ],
    [
      "the provider verifies",
      { query: { caller: PROVIDER, kind: "verify", requestedFields: ["name"] } },
      { fields: ["name"], masked: [], basis: "owner" },
    ],
    [
      "an empty caller is no owner of a resource with an empty provider code",
      {
        resource: { providerCode: "", shareType: "不予共享" },
        query: { caller: "" },
      },
      { code: "not_shared", zh: "不予共享", en: "not shared" },
    ],

    // 不予共享 and unknown share types.
    [
      "不予共享 is refused to another member",
      { resource: { shareType: "不予共享" }, grant: null, query: { shareRequestId: undefined } },
      { code: "not_shared", zh: "国发〔2016〕51号", en: "never served" },
    ],
    [
      "不予共享 is refused even with an approved share request",
      { resource: { shareType: "不予共享" } },
      { code: "not_shared", zh: "不予共享", en: "not shared" },
    ],
    [
      "an unknown share type is treated as 不予共享",
      { resource: { shareType: "随便共享" as never } },
      { code: "not_shared", zh: "无法识别", en: "unknown share type" },
    ],

    // Withdrawn.
    [
      "a withdrawn unconditional resource is refused to another member",
      {
        resource: { shareType: "无条件共享", status: "withdrawn" },
        query: { shareRequestId: undefined },
      },
      { code: "resource_withdrawn", zh: "已撤销发布", en: "withdrawn" },
    ],
    [
      "a withdrawn conditional resource is refused even under a valid grant",
      { resource: { status: "withdrawn" } },
      { code: "resource_withdrawn", zh: "已撤销发布", en: "withdrawn" },
    ],
    [
      "an unknown resource status counts as withdrawn",
      { resource: { shareType: "无条件共享", status: "draft" as never } },
      { code: "resource_withdrawn", zh: "已撤销发布", en: "withdrawn" },
    ],

    // 无条件共享.
    [
      "无条件共享: every field, masked per rule",
      { resource: { shareType: "无条件共享" }, grant: null, query: { shareRequestId: undefined } },
      { fields: ALL, masked: ALL_MASKED, basis: "unconditional" },
    ],
    [
      "无条件共享: the requested fields that exist, in catalog order; unknown ones dropped",
      {
        resource: { shareType: "无条件共享" },
        query: { shareRequestId: undefined, requestedFields: ["sex", "mobile", "salary", "sex"] },
      },
      { fields: ["sex", "mobile"], masked: ["mobile"], basis: "unconditional" },
    ],
    [
      "无条件共享: an empty fields list asks for nothing",
      { resource: { shareType: "无条件共享" }, query: { shareRequestId: "", requestedFields: [] } },
      { fields: [], masked: [], basis: "unconditional" },
    ],
    [
      "无条件共享: verify compares every named field, masking does not apply",
      {
        resource: { shareType: "无条件共享" },
        query: { shareRequestId: undefined, kind: "verify", requestedFields: ["name", "mobile"] },
      },
      { fields: ["name", "mobile"], masked: [], basis: "unconditional" },
    ],
    [
      "无条件共享 with a valid grant without clear text: still masked, rests on the grant",
      { resource: { shareType: "无条件共享" } },
      { fields: ALL, masked: ALL_MASKED, basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "无条件共享 with a valid clear-text grant: its granted fields come in clear",
      { resource: { shareType: "无条件共享" }, grant: { clearText: true } },
      { fields: ALL, masked: ["mobile", "address"], basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "无条件共享 with another member's share request: refused, not silently downgraded",
      { resource: { shareType: "无条件共享" }, grant: { requesterCode: OTHER } },
      { code: "share_request_invalid", zh: "不是贵单位提交的", en: "not made by your" },
    ],
    [
      "无条件共享 with an expired share request: refused",
      { resource: { shareType: "无条件共享" }, grant: { grantedTo: "2026-02-28" } },
      { code: "share_request_invalid", zh: "2026-02-28 届满", en: "ran out on 2026-02-28" },
    ],

    // 有条件共享: the share request.
    [
      "有条件共享 without a share request id",
      { grant: null, query: { shareRequestId: undefined } },
      { code: "share_request_required", zh: "Govex-Share-Request", en: "Submit a share request" },
    ],
    [
      "有条件共享 with an empty share request id",
      { query: { shareRequestId: "" } },
      { code: "share_request_required", zh: "有条件共享", en: "no Govex-Share-Request header" },
    ],
    [
      "有条件共享: share request not found",
      { grant: null, query: { shareRequestId: "sr-404" } },
      { code: "share_request_invalid", zh: '共享申请 "sr-404" 不存在', en: "does not exist" },
    ],
    [
      "有条件共享: the grant looked up is not the one named",
      { query: { shareRequestId: "sr-2" } },
      { code: "share_request_invalid", zh: '"sr-2" 不存在', en: "Check the id" },
    ],
    [
      "有条件共享: another member's share request",
      { grant: { requesterCode: OTHER } },
      {
        code: "share_request_invalid",
        zh: "不是贵单位提交的",
        en: "not made by your organization",
      },
    ],
    [
      "有条件共享: a share request for another resource",
      { grant: { resourceCode: "101001/000002" } },
      {
        code: "share_request_invalid",
        zh: '申请的是资源 "101001/000002"，不是资源 "101001/000001"',
        en: 'is for resource "101001/000002", not "101001/000001"',
      },
    ],
    [
      "有条件共享: pending",
      { grant: { status: "pending" } },
      { code: "share_request_invalid", zh: "尚在审核中", en: "still pending" },
    ],
    [
      "有条件共享: refused",
      { grant: { status: "refused" } },
      { code: "share_request_invalid", zh: "已被拒绝", en: "was refused" },
    ],
    [
      "有条件共享: revoked",
      { grant: { status: "revoked" } },
      { code: "share_request_invalid", zh: "已被撤销", en: "revoked" },
    ],
    [
      "有条件共享: expired",
      { grant: { status: "expired" } },
      { code: "share_request_invalid", zh: "已过期", en: "has expired" },
    ],
    [
      "有条件共享: an unknown status",
      { grant: { status: "approved " as never } },
      { code: "share_request_invalid", zh: '状态为 "approved "', en: "not approved" },
    ],
    [
      "有条件共享: before its period",
      { grant: { grantedFrom: "2026-03-02" } },
      { code: "share_request_invalid", zh: "尚未生效", en: "takes effect on 2026-03-02" },
    ],
    [
      "有条件共享: after its period",
      { grant: { grantedTo: "2026-02-28" } },
      { code: "share_request_invalid", zh: "届满", en: "ran out on 2026-02-28" },
    ],
    [
      "有条件共享: a period without a start",
      { grant: { grantedFrom: undefined } },
      { code: "share_request_invalid", zh: "没有有效的授权期限", en: "no valid granted period" },
    ],
    [
      "有条件共享: a period that is not a date",
      { grant: { grantedTo: "2026-02-30" } },
      { code: "share_request_invalid", zh: "没有有效的授权期限", en: "no valid granted period" },
    ],
    [
      "有条件共享: a period that ends before it starts",
      { grant: { grantedFrom: "2026-12-31", grantedTo: "2026-01-01" } },
      { code: "share_request_invalid", zh: "没有有效的授权期限", en: "no valid granted period" },
    ],
    [
      "有条件共享: the node does not know today",
      { query: { today: "2026-3-1" } },
      { code: "share_request_invalid", zh: "无法确定当前日期", en: "today's date" },
    ],
    [
      "有条件共享: no granted field is an item of the resource any more",
      { grant: { grantedFields: ["oldField"] } },
      { code: "share_request_invalid", zh: "都不在资源", en: "None of the fields granted" },
    ],
    [
      "有条件共享: an approved grant without granted fields",
      { grant: { grantedFields: undefined } },
      { code: "share_request_invalid", zh: "都不在资源", en: "None of the fields granted" },
    ],

    // 有条件共享: allowed.
    [
      "有条件共享: the granted fields, in catalog order, masked per rule",
      {},
      {
        fields: ["residentId", "name", "sex"],
        masked: ["residentId", "name"],
        basis: "grant",
        shareRequestId: "sr-1",
      },
    ],
    [
      "有条件共享: the first day of the period",
      { grant: { grantedFrom: TODAY } },
      {
        fields: ["residentId", "name", "sex"],
        masked: ["residentId", "name"],
        basis: "grant",
        shareRequestId: "sr-1",
      },
    ],
    [
      "有条件共享: the last day of the period",
      { grant: { grantedTo: TODAY } },
      {
        fields: ["residentId", "name", "sex"],
        masked: ["residentId", "name"],
        basis: "grant",
        shareRequestId: "sr-1",
      },
    ],
    [
      "有条件共享: clear text granted",
      { grant: { clearText: true } },
      { fields: ["residentId", "name", "sex"], masked: [], basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "有条件共享: granted fields the resource no longer has are ignored",
      { grant: { grantedFields: ["sex", "oldField"] } },
      { fields: ["sex"], masked: [], basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "有条件共享: some of the granted fields",
      { query: { requestedFields: ["sex", "name"] } },
      { fields: ["name", "sex"], masked: ["name"], basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "有条件共享: a field that is not granted is named",
      { query: { requestedFields: ["name", "mobile", "salary"] } },
      {
        code: "field_not_granted",
        zh: '请求的字段 "mobile", "salary" 不在共享申请 "sr-1" 授予的范围内',
        en: '"residentId", "name", "sex"',
      },
    ],
    [
      "有条件共享: verify of granted fields, no masking",
      { query: { kind: "verify", requestedFields: ["residentId", "name"] } },
      { fields: ["residentId", "name"], masked: [], basis: "grant", shareRequestId: "sr-1" },
    ],
    [
      "有条件共享: verify of a field that is not granted",
      { query: { kind: "verify", requestedFields: ["birthDate"] } },
      { code: "field_not_granted", zh: '核验的字段 "birthDate"', en: "asked to verify" },
    ],
    [
      "有条件共享: verify without a share request",
      { grant: null, query: { kind: "verify", shareRequestId: undefined } },
      { code: "share_request_required", zh: "Govex-Share-Request", en: "approved share request" },
    ],
  ];

  it.each(cases)("%s", (_name, given, want) => {
    const q = query(given);
    const before = structuredClone(q);
    check(decideAccess(q), want);
    expect(q).toEqual(before); // never mutates its query
  });

  it("says what is wrong, then what to do, in zh-CN and English, for every refusal", () => {
    const refusals = cases.filter(([, , want]) => "code" in want);
    expect(refusals.length).toBeGreaterThan(20);
    for (const [, given] of refusals) {
      const d = decideAccess(query(given));
      if (d.allowed) throw new Error("expected a refusal");
      expect(d.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(d.zh).toMatch(/请/);
      expect(d.en).toMatch(/\. (Submit|Check|Use|Wait|Read|Ask|Access|Look|Contact|If you need)\b/);
      expect(d.zh.length).toBeLessThan(2000);
      expect(d.en.length).toBeLessThan(2000);
      expect(ACCESS_PROBLEM_TYPES[d.code]).toMatch(/^https:\/\/govex\.dev\/problems\//);
    }
  });

  it("never names another member's code in a refusal", () => {
    for (const grant of [
      { requesterCode: OTHER },
      { requesterCode: OTHER, resourceCode: "101001/000002" },
      { requesterCode: OTHER, status: "refused" as const },
    ]) {
      const d = decideAccess(query({ grant }));
      expect(d.allowed).toBe(false);
      if (d.allowed) continue;
      expect(`${d.zh} ${d.en}`).not.toContain(OTHER);
      expect(`${d.zh} ${d.en}`).not.toContain("101001/000002");
    }
  });

  it("maps the refusals to the spec's problem types", () => {
    expect(ACCESS_PROBLEM_TYPES).toEqual({
      not_shared: "https://govex.dev/problems/not-shared",
      share_request_required: "https://govex.dev/problems/share-request-required",
      share_request_invalid: "https://govex.dev/problems/forbidden",
      field_not_granted: "https://govex.dev/problems/forbidden",
      resource_withdrawn: "https://govex.dev/problems/forbidden",
    });
  });
});

describe("applyAccess", () => {
  const allowed = (given: Given): AccessAllowed => {
    const d = decideAccess(query(given));
    if (!d.allowed) throw new Error(d.en);
    return d;
  };

  const cases: Array<[string, Given, Record<string, unknown>]> = [
    [
      "conditional: the granted fields, masked",
      {},
      { residentId: maskValue(RECORD.residentId, { kind: "resident-id" }), name: "张*", sex: "1" },
    ],
    [
      "conditional with clear text",
      { grant: { clearText: true } },
      { residentId: RECORD.residentId, name: "张三", sex: "1" },
    ],
    [
      "unconditional: every field, masked",
      { resource: { shareType: "无条件共享" }, query: { shareRequestId: undefined } },
      {
        residentId: maskValue(RECORD.residentId, { kind: "resident-id" }),
        name: "张*",
        sex: "1",
        birthDate: "1949-12-31",
        mobile: "180****1999",
        address: maskValue(RECORD.address, { kind: "address" }),
      },
    ],
    ["the owner: clear text", { query: { caller: PROVIDER } }, RECORD],
  ];

  it.each(cases)("%s", (_name, given, want) => {
    const input = structuredClone(RECORD);
    expect(applyAccess(input, allowed(given))).toEqual(want);
    expect(input).toEqual(RECORD);
  });

  it("leaves out fields the record does not have (no undefined keys)", () => {
    const out = applyAccess({ name: "李四" }, allowed({}));
    expect(out).toEqual({ name: "李*" });
    expect(Object.keys(out)).toEqual(["name"]);
  });

  it("returns a deep copy that shares nothing with the input", () => {
    const input = { name: "王五", sex: { code: "1", label: ["男"] } };
    const out = applyAccess(input, allowed({ grant: { clearText: true } }));
    expect(out).toEqual({ name: "王五", sex: { code: "1", label: ["男"] } });
    expect(out.sex).not.toBe(input.sex);
    (out.sex as { label: string[] }).label.push("x");
    expect(input.sex.label).toEqual(["男"]);
  });

  it("masks non-string values under a rule and keeps null", () => {
    const out = applyAccess({ residentId: null, name: 12345 }, allowed({}));
    expect(out).toEqual({ residentId: null, name: maskValue("12345", { kind: "name" }) });
  });

  it("hashes under a hash rule with a key, refuses without one", () => {
    const d = allowed({ resource: { masks: { name: { kind: "name", strategy: "hash" } } } });
    expect(d.masked).toEqual(["name"]);
    const hmacKey = new Uint8Array(32).fill(7);
    const out = applyAccess({ name: "张三" }, d, { hmacKey });
    expect(out.name).toBe(maskValue("张三", { kind: "name", strategy: "hash" }, { hmacKey }));
    expect(() => applyAccess({ name: "张三" }, d)).toThrow(MaskingError);
  });
});

describe("hostile input", () => {
  it("drops __proto__ / constructor keys of a record and pollutes nothing", () => {
    const record = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "name": "张三", "sex": "1"}',
    ) as Record<string, unknown>;
    const out = applyAccess(record, decideOk({}));
    expect(out).toEqual({ name: "张*", sex: "1" });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("serves a catalog item named __proto__ or constructor as data, masked by its own rule only", () => {
    const masks = JSON.parse('{"__proto__": {"kind": "name"}}') as ResourceAccess["masks"];
    const d = decideOk({
      resource: {
        shareType: "无条件共享",
        fields: ["__proto__", "constructor", "toString"],
        masks,
      },
      query: { shareRequestId: undefined },
    });
    // "constructor" and "toString" have no own rule: Object.prototype's members are no rules.
    expect(d.masked).toEqual(["__proto__"]);
    const record = JSON.parse(
      '{"__proto__": "张三", "constructor": "x", "toString": "y", "other": 1}',
    ) as Record<string, unknown>;
    const out = applyAccess(record, d);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__", "constructor", "toString"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toBe("张*");
    expect(out.constructor).toBe("x");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("a conditional read asking for __proto__ / constructor is refused as not granted", () => {
    const d = decideAccess(query({ query: { requestedFields: ["__proto__", "constructor"] } }));
    expect(d).toMatchObject({ allowed: false, code: "field_not_granted" });
  });

  it("an unconditional read asking for __proto__ / constructor gets nothing of them", () => {
    const d = decideOk({
      resource: { shareType: "无条件共享" },
      query: { shareRequestId: undefined, requestedFields: ["__proto__", "constructor", "name"] },
    });
    expect(d.fields).toEqual(["name"]);
    expect(applyAccess(RECORD, d)).toEqual({ name: "张*" });
  });

  it("an unusable mask rule redacts the value instead of showing it", () => {
    for (const rule of [
      { kind: "bogus" },
      { kind: "name", grade: 9 },
      { kind: "name", keepStart: -1 },
      "name",
      null,
    ]) {
      const d = decideOk({ resource: { masks: { name: rule as never } } });
      expect(d.masked).toEqual(["name"]);
      expect(applyAccess({ name: "张三" }, d)).toEqual({ name: "******" });
    }
  });

  it("a huge requested field list is refused quickly with a short message", () => {
    const requested = Array.from({ length: 200_000 }, (_, i) => `f${i}`);
    const d = decideAccess(query({ query: { requestedFields: requested } }));
    expect(d).toMatchObject({ allowed: false, code: "field_not_granted" });
    if (d.allowed) return;
    expect(d.zh).toContain("等 200000 个");
    expect(d.en).toContain("and 199990 more");
    expect(d.zh.length).toBeLessThan(1000);
  });

  it("a huge catalog and a huge unconditional request are served", () => {
    const fields = Array.from({ length: 100_000 }, (_, i) => `f${i}`);
    const d = decideOk({
      resource: { shareType: "无条件共享", fields, masks: { f7: { kind: "generic" } } },
      query: { shareRequestId: undefined, requestedFields: [...fields].reverse() },
    });
    expect(d.fields).toHaveLength(100_000);
    expect(d.fields[0]).toBe("f0");
    expect(d.masked).toEqual(["f7"]);
  });

  it("a huge or control-laden share request id is cut short in messages", () => {
    const huge = `sr-${"x".repeat(1_000_000)}`;
    const d = decideAccess(query({ grant: null, query: { shareRequestId: huge } }));
    expect(d).toMatchObject({ allowed: false, code: "share_request_invalid" });
    if (d.allowed) return;
    expect(d.en.length).toBeLessThan(300);
    expect(d.en).toContain("…");
    const evil = decideAccess(
      query({ grant: null, query: { shareRequestId: "a\r\nSet-Cookie: x\u0000" } }),
    );
    if (evil.allowed) throw new Error("expected a refusal");
    expect(evil.en).not.toMatch(/\p{Cc}/u);
    expect(evil.zh).not.toMatch(/\p{Cc}/u);
  });

  it("ignores non-string and duplicate entries of field lists", () => {
    const d = decideOk({
      resource: { fields: ["name", "name", 7, null, "sex"] as never },
      grant: { grantedFields: ["sex", {}, "name", "sex"] as never },
      query: { requestedFields: ["name", "name", 42] as never },
    });
    expect(d.fields).toEqual(["name"]);
  });

  it("fails closed on a resource without field or mask lists", () => {
    const d = decideAccess(
      query({ resource: { fields: undefined as never, masks: null as never } }),
    );
    expect(d).toMatchObject({ allowed: false, code: "share_request_invalid" });
    const u = decideOk({
      resource: { shareType: "无条件共享", masks: undefined as never },
      query: { shareRequestId: undefined },
    });
    expect(u.masked).toEqual([]);
  });
});

function decideOk(given: Given): AccessAllowed {
  const d = decideAccess(query(given));
  if (!d.allowed) throw new Error(d.en);
  return d;
}
