import type { CatalogEntry } from "@govex/schemas";
import { isInnerList, parseList, Token } from "@govex/security";
import { describe, expect, test } from "vitest";
import { AUTHORITY_CONFLICT_HEADER } from "../src/catalog/index.js";
import { validateAgainst } from "../src/server/spec.js";
import {
  addMember,
  as,
  asOperator,
  call,
  catalogCounts,
  claiming,
  element,
  entryOf,
  memberCode,
  next,
  pathOf,
  refused,
  resourceCode,
  services,
} from "./catalog-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

/** The `Govex-Authority-Conflict` header as element → first claimant. */
function conflictsIn(headers: Record<string, string>): Record<string, string> {
  const value = headers[AUTHORITY_CONFLICT_HEADER];
  if (value === undefined) return {};
  const out: Record<string, string> = {};
  for (const member of parseList(value)) {
    if (isInnerList(member) || typeof member.value !== "string") throw new Error(value);
    out[member.value] = String(member.params.get("first"));
  }
  return out;
}

describe.each(DRIVERS)("the catalog's life cycle on %s", (driver) => {
  // One database for the file; every test uses members and resource codes of its own.
  const shared = sharedStore(driver);

  test("publish, update, withdraw: every version kept and listed oldest first", async () => {
    const db = shared();
    const node = services(db);
    const provider = await addMember(db);
    const reader = await addMember(db, "山东省示例局");
    const code = resourceCode();
    const entry = entryOf(code, provider, { keywords: ["户籍", "人口"] });
    expect(await validateAgainst("publishCatalogEntryRequest", entry, "en")).toEqual([]);

    const published = await call("publishCatalogEntry", node, {
      caller: as(provider),
      body: entry,
    });
    expect(published.status).toBe(201);
    expect(published.body).toEqual({
      entry,
      status: "published",
      version: 1,
      publishedAt: "2026-03-01T02:00:00.000Z",
      updatedAt: "2026-03-01T02:00:00.000Z",
    });
    expect(published.headers).toEqual({ etag: '"1"' });
    expect(published.facts).toEqual({ resourceCode: code, provider });

    // Any member reads it.
    const read = await call("getCatalogEntry", node, { caller: as(reader), path: pathOf(code) });
    expect(read.body).toEqual(published.body);
    expect(read.headers.etag).toBe('"1"');
    expect(read.facts).toEqual({ resourceCode: code, provider });

    // Update under If-Match, quoted then bare; items replaced.
    node.clock.advance(60_000);
    const renamed = entryOf(code, provider, {
      name: "居民户籍登记信息(第二版)",
      items: entry.items.slice(0, 2),
    });
    const second = await call("updateCatalogEntry", node, {
      caller: as(provider),
      path: pathOf(code),
      header: { "if-match": '"1"' },
      body: renamed,
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      entry: renamed,
      status: "published",
      version: 2,
      publishedAt: "2026-03-01T02:00:00.000Z",
      updatedAt: "2026-03-01T02:01:00.000Z",
    });
    expect(second.headers.etag).toBe('"2"');
    expect(second.facts).toEqual({ resourceCode: code, provider });
    const items = await db.query<{ item_code: string }>(
      "select item_code from catalog_items where resource_code = $1 order by position",
      [code],
    );
    expect(items.rows.map((r) => r.item_code)).toEqual(["name", "residentId"]);

    node.clock.advance(60_000);
    const third = await call("updateCatalogEntry", node, {
      caller: as(provider),
      path: pathOf(code),
      header: { "if-match": "2" },
      body: entry,
    });
    expect(third.body).toMatchObject({ version: 3 });

    node.clock.advance(60_000);
    const withdrawn = await call("withdrawCatalogEntry", node, {
      caller: as(provider),
      path: pathOf(code),
      body: { reason: "该资源已并入 101001/000002。" },
    });
    expect(withdrawn.body).toEqual({
      entry,
      status: "withdrawn",
      version: 4,
      publishedAt: "2026-03-01T02:00:00.000Z",
      updatedAt: "2026-03-01T02:03:00.000Z",
      withdrawReason: "该资源已并入 101001/000002。",
    });
    expect(withdrawn.facts).toEqual({ resourceCode: code, provider });

    // A withdrawn entry stays readable.
    const after = await call("getCatalogEntry", node, { caller: as(reader), path: pathOf(code) });
    expect(after.body).toEqual(withdrawn.body);

    // Versions, two per page, oldest first.
    const first = await call("listCatalogEntryVersions", node, {
      caller: as(reader),
      path: pathOf(code),
      query: { limit: 2 },
    });
    const firstPage = first.body as { items: { version: number }[]; nextCursor?: string };
    expect(firstPage.items.map((r) => r.version)).toEqual([1, 2]);
    expect(first.facts).toEqual({ resourceCode: code, provider });
    const rest = await call("listCatalogEntryVersions", node, {
      caller: as(reader),
      path: pathOf(code),
      query: { limit: 2, cursor: firstPage.nextCursor },
    });
    const restPage = rest.body as { items: Record<string, unknown>[]; nextCursor?: string };
    expect(restPage.nextCursor).toBeUndefined();
    expect(restPage.items).toEqual([
      {
        entry,
        status: "published",
        version: 3,
        publishedAt: "2026-03-01T02:00:00.000Z",
        updatedAt: "2026-03-01T02:02:00.000Z",
      },
      withdrawn.body,
    ]);
    expect(firstPage.items[1]).toMatchObject({ entry: renamed, status: "published" });
    const all = await call("listCatalogEntryVersions", node, {
      caller: as(reader),
      path: pathOf(code),
    });
    expect((all.body as { items: unknown[] }).items).toHaveLength(4);

    const who = await db.query<{ changed_by: string }>(
      "select changed_by from catalog_versions where resource_code = $1 order by version",
      [code],
    );
    expect(who.rows.map((r) => r.changed_by)).toEqual([provider, provider, provider, provider]);
  });

  test("一数一源: a second claim on a data element is published and flagged, naming the first", async () => {
    const db = shared();
    const node = services(db);
    const [a, b, c] = [await addMember(db), await addMember(db), await addMember(db)];
    const residentId = element("residentId");
    const personName = element("personName");
    const [r1, r2, r3] = [resourceCode(), resourceCode(), resourceCode()];

    const first = await call("publishCatalogEntry", node, {
      caller: as(a),
      body: claiming(entryOf(r1, a), { residentId }),
    });
    expect(first.status).toBe(201);
    expect(first.headers[AUTHORITY_CONFLICT_HEADER]).toBeUndefined();

    // The same element without a claim: no conflict.
    const plain = entryOf(resourceCode(), c);
    plain.items[1] = {
      ...plain.items[1],
      dataElement: residentId,
    } as CatalogEntry["items"][number];
    const unclaimed = await call("publishCatalogEntry", node, { caller: as(c), body: plain });
    expect(unclaimed.headers[AUTHORITY_CONFLICT_HEADER]).toBeUndefined();

    const second = await call("publishCatalogEntry", node, {
      caller: as(b),
      body: claiming(entryOf(r2, b), { residentId, name: personName }),
    });
    expect(second.status).toBe(201);
    expect((second.body as { version: number }).version).toBe(1);
    expect(conflictsIn(second.headers)).toEqual({ [residentId]: r1 });
    expect(second.headers[AUTHORITY_CONFLICT_HEADER]).toBe(`"${residentId}";first="${r1}"`);

    // A third claimant is told about the first one, not the second.
    const third = await call("publishCatalogEntry", node, {
      caller: as(c),
      body: claiming(entryOf(r3, c), { residentId, name: personName }),
    });
    expect(conflictsIn(third.headers)).toEqual({ [residentId]: r1, [personName]: r2 });

    // Recorded: on the version and on the items.
    const versions = await db.query<{ resource_code: string; authority_conflicts: unknown }>(
      `select resource_code, authority_conflicts from catalog_versions
        where resource_code = any($1::text[]) order by resource_code`,
      [[r1, r2, r3]],
    );
    expect(versions.rows).toEqual([
      { resource_code: r1, authority_conflicts: null },
      { resource_code: r2, authority_conflicts: [{ element: residentId, first: r1 }] },
      {
        resource_code: r3,
        authority_conflicts: [
          { element: residentId, first: r1 },
          { element: personName, first: r2 },
        ].sort((x, y) => (x.element < y.element ? -1 : 1)),
      },
    ]);
    const items = await db.query<{ item_code: string; conflicts_with: string | null }>(
      `select item_code, conflicts_with from catalog_items
        where resource_code = $1 and authoritative order by item_code`,
      [r2],
    );
    expect(items.rows).toEqual([
      { item_code: "name", conflicts_with: null },
      { item_code: "residentId", conflicts_with: r1 },
    ]);

    // The first claimant keeps its place across updates; the second is still flagged.
    const again = await call("updateCatalogEntry", node, {
      caller: as(a),
      path: pathOf(r1),
      body: claiming(entryOf(r1, a, { name: "户籍人口基本信息" }), { residentId }),
    });
    expect(again.headers[AUTHORITY_CONFLICT_HEADER]).toBeUndefined();
    const stillSecond = await call("updateCatalogEntry", node, {
      caller: as(b),
      path: pathOf(r2),
      body: claiming(entryOf(r2, b), { residentId, name: personName }),
    });
    expect(conflictsIn(stillSecond.headers)).toEqual({ [residentId]: r1 });

    // Once the first withdraws, its claim no longer counts: the next one is named.
    await call("withdrawCatalogEntry", node, {
      caller: as(a),
      path: pathOf(r1),
      body: { reason: "停止提供" },
    });
    const afterWithdrawal = await call("updateCatalogEntry", node, {
      caller: as(c),
      path: pathOf(r3),
      body: claiming(entryOf(r3, c), { residentId }),
    });
    expect(conflictsIn(afterWithdrawal.headers)).toEqual({ [residentId]: r2 });

    // Dropping the claim drops the flag.
    const dropped = await call("updateCatalogEntry", node, {
      caller: as(c),
      path: pathOf(r3),
      body: entryOf(r3, c),
    });
    expect(dropped.headers[AUTHORITY_CONFLICT_HEADER]).toBeUndefined();
    const left = await db.query<{ n: number }>(
      "select count(*) as n from catalog_items where resource_code = $1 and authoritative",
      [r3],
    );
    expect(left.rows[0]?.n).toBe(0);
  });

  test("at the same time: one code published once, one element's second claimant flagged", async () => {
    const db = shared();
    const node = services(db);
    const [a, b] = [await addMember(db), await addMember(db)];
    const code = resourceCode();
    const outcomes = await Promise.allSettled([
      call("publishCatalogEntry", node, { caller: as(a), body: entryOf(code, a) }),
      call("publishCatalogEntry", node, { caller: as(a), body: entryOf(code, a) }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const lost = outcomes.find((o) => o.status === "rejected");
    await refused("publishCatalogEntry", Promise.reject(lost?.reason), {
      slug: "conflict",
      status: 409,
      code: "resource_exists",
    });

    const residentId = element("residentId");
    const [r1, r2] = [resourceCode(), resourceCode()];
    const both = await Promise.all([
      call("publishCatalogEntry", node, {
        caller: as(a),
        body: claiming(entryOf(r1, a), { residentId }),
      }),
      call("publishCatalogEntry", node, {
        caller: as(b),
        body: claiming(entryOf(r2, b), { residentId }),
      }),
    ]);
    const flags = both.map((answer) => conflictsIn(answer.headers));
    const flagged = flags.filter((f) => Object.keys(f).length > 0);
    expect(flagged).toHaveLength(1);
    expect(Object.values(flagged[0] ?? {})).toEqual([flags[0] === flagged[0] ? r2 : r1]);
  });

  test("the conflict header lists at most 32 elements, then how many were left out", async () => {
    const db = shared();
    const node = services(db);
    const [a, b] = [await addMember(db), await addMember(db)];
    const items = Array.from({ length: 40 }, (_, i) => ({
      name: `信息项${i}`,
      code: `item${i}`,
      dataType: "C" as const,
      dataElement: element(`e${String(i).padStart(2, "0")}`),
    }));
    const claims = Object.fromEntries(items.map((i) => [i.code, i.dataElement]));
    const publish = (member: string) =>
      call("publishCatalogEntry", node, {
        caller: as(member),
        body: claiming(entryOf(resourceCode(), member, { items }), claims),
      });
    await publish(a);
    const flagged = await publish(b);
    const list = parseList(flagged.headers[AUTHORITY_CONFLICT_HEADER] ?? "");
    expect(list).toHaveLength(33);
    const last = list[32];
    expect(last && !isInnerList(last) && last.value).toEqual(new Token("more"));
    expect(last && !isInnerList(last) && last.params.get("omitted")).toBe(8);
  });

  test("only the provider, or the operator, publishes, updates and withdraws", async () => {
    const db = shared();
    const node = services(db);
    const [provider, other, operator] = [
      await addMember(db),
      await addMember(db),
      await addMember(db, "山东省大数据局"),
    ];
    const code = resourceCode();
    const before = await catalogCounts(db);
    await refused(
      "publishCatalogEntry",
      call("publishCatalogEntry", node, { caller: as(other), body: entryOf(code, provider) }),
      { slug: "forbidden", status: 403, code: "not_provider" },
    );
    expect(await catalogCounts(db)).toEqual(before);

    // The operator publishes for a member; a provider that is not a member is refused.
    const byOperator = await call("publishCatalogEntry", node, {
      caller: asOperator(operator),
      body: entryOf(code, provider),
    });
    expect(byOperator.status).toBe(201);
    const stranger = memberCode(900_000 + next());
    const mid = await catalogCounts(db);
    const unknown = await refused(
      "publishCatalogEntry",
      call("publishCatalogEntry", node, {
        caller: asOperator(operator),
        body: entryOf(resourceCode(), stranger),
      }),
      { slug: "validation-failed", status: 422, code: "validation_failed" },
    );
    expect(unknown.errors).toEqual([
      expect.objectContaining({ path: "/providerCode", code: "provider_unknown" }),
    ]);

    await refused(
      "updateCatalogEntry",
      call("updateCatalogEntry", node, {
        caller: as(other),
        path: pathOf(code),
        body: entryOf(code, provider),
      }),
      { slug: "forbidden", status: 403, code: "not_provider" },
    );
    await refused(
      "withdrawCatalogEntry",
      call("withdrawCatalogEntry", node, {
        caller: as(other),
        path: pathOf(code),
        body: { reason: "不是我的" },
      }),
      { slug: "forbidden", status: 403, code: "not_provider" },
    );
    expect(await catalogCounts(db)).toEqual(mid);

    const updated = await call("updateCatalogEntry", node, {
      caller: asOperator(operator),
      path: pathOf(code),
      body: entryOf(code, provider, { name: "运营方代为更新" }),
    });
    expect(updated.body).toMatchObject({ version: 2 });
    const withdrawn = await call("withdrawCatalogEntry", node, {
      caller: asOperator(operator),
      path: pathOf(code),
      body: { reason: "运营方代为撤销" },
    });
    expect(withdrawn.body).toMatchObject({ version: 3, status: "withdrawn" });
    const who = await db.query<{ changed_by: string }>(
      "select changed_by from catalog_versions where resource_code = $1 order by version",
      [code],
    );
    expect(who.rows.map((r) => r.changed_by)).toEqual([operator, operator, operator]);
  });

  test("409, 412, 422 and 404, each writing nothing", async () => {
    const db = shared();
    const node = services(db);
    const provider = await addMember(db);
    const code = resourceCode();
    await call("publishCatalogEntry", node, {
      caller: as(provider),
      body: entryOf(code, provider),
    });
    const gone = resourceCode();
    await call("publishCatalogEntry", node, {
      caller: as(provider),
      body: entryOf(gone, provider),
    });
    await call("withdrawCatalogEntry", node, {
      caller: as(provider),
      path: pathOf(gone),
      body: { reason: "撤销" },
    });
    const missing = resourceCode("301");
    const put = (path: string, body: CatalogEntry, header: Record<string, string> = {}) =>
      call("updateCatalogEntry", node, { caller: as(provider), path: pathOf(path), body, header });

    const cases: [
      string,
      (
        | "publishCatalogEntry"
        | "updateCatalogEntry"
        | "withdrawCatalogEntry"
        | "getCatalogEntry"
        | "listCatalogEntryVersions"
      ),
      () => Promise<unknown>,
      { slug: string; status: number; code: string },
    ][] = [
      [
        "a resource code already published",
        "publishCatalogEntry",
        () =>
          call("publishCatalogEntry", node, {
            caller: as(provider),
            body: entryOf(code, provider),
          }),
        { slug: "conflict", status: 409, code: "resource_exists" },
      ],
      [
        "a resource code withdrawn before",
        "publishCatalogEntry",
        () =>
          call("publishCatalogEntry", node, {
            caller: as(provider),
            body: entryOf(gone, provider),
          }),
        { slug: "conflict", status: 409, code: "resource_exists" },
      ],
      [
        "a stale If-Match",
        "updateCatalogEntry",
        () => put(code, entryOf(code, provider), { "if-match": '"7"' }),
        { slug: "precondition-failed", status: 412, code: "precondition_failed" },
      ],
      [
        "a weak If-Match (strong comparison)",
        "updateCatalogEntry",
        () => put(code, entryOf(code, provider), { "if-match": 'W/"1"' }),
        { slug: "precondition-failed", status: 412, code: "precondition_failed" },
      ],
      [
        "an If-Match that is no entity tag",
        "updateCatalogEntry",
        () =>
          put(code, entryOf(code, provider), { "if-match": "'; drop table catalog_versions; --" }),
        { slug: "bad-request", status: 400, code: "if_match_invalid" },
      ],
      [
        "a body for another resource",
        "updateCatalogEntry",
        () => put(code, entryOf(resourceCode(), provider)),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "another provider",
        "updateCatalogEntry",
        () => put(code, entryOf(code, memberCode(800_000 + next()))),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "an update of a withdrawn entry",
        "updateCatalogEntry",
        () => put(gone, entryOf(gone, provider)),
        { slug: "conflict", status: 409, code: "entry_withdrawn" },
      ],
      [
        "a second withdrawal",
        "withdrawCatalogEntry",
        () =>
          call("withdrawCatalogEntry", node, {
            caller: as(provider),
            path: pathOf(gone),
            body: { reason: "再撤销一次" },
          }),
        { slug: "conflict", status: 409, code: "entry_withdrawn" },
      ],
      [
        "a reason with U+0000",
        "withdrawCatalogEntry",
        () =>
          call("withdrawCatalogEntry", node, {
            caller: as(provider),
            path: pathOf(code),
            body: { reason: "原因\u0000" },
          }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      ],
      [
        "reading an unknown entry",
        "getCatalogEntry",
        () => call("getCatalogEntry", node, { caller: as(provider), path: pathOf(missing) }),
        { slug: "not-found", status: 404, code: "not_found" },
      ],
      [
        "updating an unknown entry",
        "updateCatalogEntry",
        () => put(missing, entryOf(missing, provider)),
        { slug: "not-found", status: 404, code: "not_found" },
      ],
      [
        "withdrawing an unknown entry",
        "withdrawCatalogEntry",
        () =>
          call("withdrawCatalogEntry", node, {
            caller: as(provider),
            path: pathOf(missing),
            body: { reason: "不存在" },
          }),
        { slug: "not-found", status: 404, code: "not_found" },
      ],
      [
        "the versions of an unknown entry",
        "listCatalogEntryVersions",
        () =>
          call("listCatalogEntryVersions", node, { caller: as(provider), path: pathOf(missing) }),
        { slug: "not-found", status: 404, code: "not_found" },
      ],
      [
        "a forged versions cursor",
        "listCatalogEntryVersions",
        () =>
          call("listCatalogEntryVersions", node, {
            caller: as(provider),
            path: pathOf(code),
            query: { cursor: Buffer.from('{"__proto__":1}').toString("base64url") },
          }),
        { slug: "bad-request", status: 400, code: "cursor_invalid" },
      ],
    ];
    for (const [name, operationId, run, want] of cases) {
      const before = await catalogCounts(db);
      const problem = await refused(operationId, run(), want);
      expect(await catalogCounts(db), name).toEqual(before);
      if (want.code === "validation_failed")
        expect(problem.errors?.length, name).toBeGreaterThan(0);
    }

    // `*` matches any current version, and a list matches when one member does.
    expect((await put(code, entryOf(code, provider), { "if-match": "*" })).body).toMatchObject({
      version: 2,
    });
    expect(
      (await put(code, entryOf(code, provider), { "if-match": '"1", "2"' })).body,
    ).toMatchObject({ version: 3 });
  });

  test("entries that break the catalog's rules are refused with located issues", async () => {
    const db = shared();
    const node = services(db);
    const provider = await addMember(db);
    const base = (overrides: Partial<CatalogEntry> = {}) =>
      entryOf(resourceCode(), provider, overrides);
    const withItems = (items: CatalogEntry["items"]) => base({ items });
    const govex = (value: Record<string, unknown>) => base({ extensions: { GOVEX: value } });
    const cases: [string, CatalogEntry, { path: string; code: string }][] = [
      [
        "two items with one code",
        withItems([
          { name: "姓名", code: "name", dataType: "C" },
          { name: "曾用名", code: "name", dataType: "C" },
        ]),
        { path: "/items/1/code", code: "duplicate_item_code" },
      ],
      [
        "a claim on an item that is not there",
        govex({ authoritativeItems: ["nosuch"] }),
        { path: "/extensions/GOVEX/authoritativeItems/0", code: "unknown_item" },
      ],
      [
        "a claim on an item without a data element",
        govex({ authoritativeItems: ["birthDate"] }),
        { path: "/extensions/GOVEX/authoritativeItems/0", code: "data_element_missing" },
      ],
      [
        "authoritativeItems that is not a list",
        govex({ authoritativeItems: "residentId" }),
        { path: "/extensions/GOVEX/authoritativeItems", code: "type" },
      ],
      [
        "a claim given as a number",
        govex({ authoritativeItems: [1] }),
        { path: "/extensions/GOVEX/authoritativeItems/0", code: "unknown_item" },
      ],
      [
        "an unknown GOVEX field",
        govex({ authoritative: ["residentId"] }),
        { path: "/extensions/GOVEX/authoritative", code: "unknown_property" },
      ],
      [
        "a __proto__ GOVEX field",
        govex(JSON.parse('{"__proto__": {"authoritativeItems": ["residentId"]}}')),
        { path: "/extensions/GOVEX/__proto__", code: "unknown_property" },
      ],
      [
        "U+0000 in the name",
        base({ name: "户籍\u0000信息" }),
        { path: "/name", code: "invalid_character" },
      ],
      [
        "a lone surrogate in a keyword",
        base({ keywords: ["户籍", "\uD800"] }),
        { path: "/keywords/1", code: "invalid_character" },
      ],
      [
        "U+0000 in an extension key",
        base({ extensions: { DB37: { "a\u0000b": 1 } } }),
        { path: "/extensions/DB37/a?b", code: "invalid_character" },
      ],
    ];
    for (const [name, entry, want] of cases) {
      const before = await catalogCounts(db);
      const problem = await refused(
        "publishCatalogEntry",
        call("publishCatalogEntry", node, { caller: as(provider), body: entry }),
        { slug: "validation-failed", status: 422, code: "validation_failed" },
      );
      expect(problem.errors?.[0], name).toMatchObject(want);
      expect(await catalogCounts(db), name).toEqual(before);
    }
  });

  test("hostile entries: __proto__ keys kept as data, 2000 long items, injection strings", async () => {
    const db = shared();
    const node = services(db);
    const provider = await addMember(db);
    const code = resourceCode();
    const extensions = JSON.parse(
      '{"DB37": {"__proto__": {"polluted": true}, "constructor": "x", "note": "\'; drop table catalog_items; --"}}',
    );
    const items = Array.from({ length: 2000 }, (_, i) => ({
      name: `${"很长的信息项名称".repeat(12)}${i}`,
      code: `f${i}`,
      dataType: "C" as const,
    }));
    const entry = entryOf(code, provider, {
      name: "'; drop table catalog_resources; --",
      abstract: "界".repeat(2000),
      items,
      extensions,
    });
    expect(await validateAgainst("publishCatalogEntryRequest", entry, "en")).toEqual([]);
    const published = await call("publishCatalogEntry", node, {
      caller: as(provider),
      body: entry,
    });
    expect(published.status).toBe(201);
    const read = await call("getCatalogEntry", node, { caller: as(provider), path: pathOf(code) });
    const stored = (read.body as { entry: CatalogEntry }).entry;
    expect(stored).toEqual(entry);
    const db37 = stored.extensions?.DB37 as Record<string, unknown>;
    expect(Object.hasOwn(db37, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const counted = await db.query<{ n: number }>(
      "select count(*) as n from catalog_items where resource_code = $1",
      [code],
    );
    expect(counted.rows[0]?.n).toBe(2000);
  });
});
