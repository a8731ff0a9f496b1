import type { CatalogEntry } from "@govex/schemas";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testDatabaseUrl, uniqueDatabaseName } from "../../../test/databases.js";
import { fixedClock } from "../src/calendar/index.js";
import { containsPattern, publishEntry, withdrawEntry } from "../src/catalog/index.js";
import { validateAgainst } from "../src/server/spec.js";
import { type Db, openStore, type Store } from "../src/store/index.js";
import {
  addMember,
  as,
  type Call,
  call,
  entryOf,
  memberCode,
  refused,
  services,
} from "./catalog-fixtures.js";
import { DRIVERS, sharedStore } from "./store-drivers.js";

type Page = { items: { entry: CatalogEntry; status: string }[]; nextCursor?: string };

interface Catalog {
  /** Members by role. */
  members: { police: string; civil: string; market: string; hr: string };
  /** Resource codes by short name. */
  codes: Record<string, string>;
}

const item = (name: string, code: string) => ({ name, code, dataType: "C" as const });

/**
 * A small catalog like the example departments': household registration, marriage,
 * enterprises, social insurance, real estate (not shared), a withdrawn population entry, an
 * English one, and one whose name holds LIKE's own characters.
 */
async function seed(db: Db): Promise<Catalog> {
  const clock = fixedClock("2026-03-01T10:00:00+08:00");
  const members = {
    police: await addMember(db, "山东省示例公安厅"),
    civil: await addMember(db, "山东省示例民政厅"),
    market: await addMember(db, "山东省示例市场监管局"),
    hr: await addMember(db, "山东省示例人社厅"),
  };
  const entries: [string, CatalogEntry][] = [
    [
      "hukou",
      entryOf("101001/3700GA0001", members.police, {
        classification: { category: "1", item: "01", subject: "户籍人口" },
        name: "户籍人口基本信息",
        abstract: "全省户籍人口的登记信息。",
        keywords: ["户籍", "人口"],
        items: [
          item("公民身份号码", "residentId"),
          item("姓名", "name"),
          item("户籍地址", "address"),
        ],
        sharing: {
          type: "有条件共享",
          condition: "依法履职",
          method: { class: "共享平台方式", type: "接口" },
        },
        updateCycle: "实时",
      } as Partial<CatalogEntry>),
    ],
    [
      "marriage",
      entryOf("307001/3701MZ0001", members.civil, {
        classification: { category: "3", item: "07", subject: "某市民政局" },
        name: "婚姻登记信息",
        abstract: "结婚、离婚登记的记录。",
        keywords: ["婚姻登记", "结婚登记"],
        items: [item("男方公民身份号码", "maleResidentId"), item("登记日期", "registrationDate")],
        sharing: {
          type: "有条件共享",
          condition: "依法履职",
          method: { class: "共享平台方式", type: "接口" },
        },
        updateCycle: "实时",
      } as Partial<CatalogEntry>),
    ],
    [
      "enterprise",
      entryOf("102001/000001", members.market, {
        classification: { category: "1", item: "02", subject: "法人单位" },
        name: "市场主体登记信息",
        abstract: "企业和个体工商户的登记信息。",
        keywords: ["企业登记", "市场主体"],
        items: [item("统一社会信用代码", "uscc"), item("名称", "name")],
        sharing: { type: "无条件共享", method: { class: "共享平台方式", type: "接口" } },
        updateCycle: "每日",
      } as Partial<CatalogEntry>),
    ],
    [
      "insurance",
      entryOf("203001/000001", members.hr, {
        classification: { category: "2", item: "03", subject: "社会保险" },
        name: "社会保险参保人员信息",
        abstract: "参保人员的险种和缴费状态，按人口统计。",
        keywords: ["社会保险", "参保登记"],
        items: [item("公民身份号码", "residentId"), item("缴费状态", "paymentStatus")],
        sharing: {
          type: "有条件共享",
          condition: "依法履职",
          method: { class: "共享平台方式", type: "接口" },
        },
        updateCycle: "每月",
      } as Partial<CatalogEntry>),
    ],
    [
      "estate",
      entryOf("307001/000001", members.hr, {
        classification: { category: "3", item: "07" },
        name: "不动产登记簿",
        abstract: "不动产权利人和权利状况。",
        items: [item("不动产单元号", "unitNo")],
        sharing: {
          type: "不予共享",
          condition: "依据《不动产登记暂行条例》不予共享。",
          method: { class: "共享平台方式", type: "接口" },
        },
        updateCycle: "每年",
      } as Partial<CatalogEntry>),
    ],
    [
      "english",
      entryOf("101001/EN0001", members.police, {
        name: "Population Register",
        abstract: "Residents by household, in English.",
        items: [item("Resident ID", "residentId")],
        updateCycle: "每周",
      }),
    ],
    [
      "wildcards",
      entryOf("209001/PCT001", members.market, {
        classification: { category: "2", item: "09" },
        name: "100%_覆盖率统计",
        abstract: "反斜杠 \\ 和引号 ' 也照原样保存。",
        items: [item("覆盖率", "rate")],
        updateCycle: "每季度",
      }),
    ],
    [
      "withdrawn",
      entryOf("101001/OLD001", members.police, {
        name: "人口基本信息(旧)",
        keywords: ["户籍", "婚姻"],
      }),
    ],
  ];
  const codes: Record<string, string> = {};
  for (const [name, entry] of entries) {
    expect(await validateAgainst("publishCatalogEntryRequest", entry, "en"), name).toEqual([]);
    await publishEntry(db, clock, { member: entry.providerCode, operator: false }, entry);
    codes[name] = entry.resourceCode;
  }
  await withdrawEntry(
    db,
    clock,
    { member: members.police, operator: false },
    codes.withdrawn as string,
    "并入 101001/3700GA0001",
  );
  return { members, codes };
}

/** The same database as another driver would see it without pg_trgm: plain ILIKE. */
const withoutTrigrams = (db: Store): Db =>
  Object.create(db, {
    features: { value: { ...db.features, pgTrgm: false, pgTrgmCjk: false } },
  }) as Db;

/**
 * A PostgreSQL database in UTF8 under LC_CTYPE "C", where pg_trgm takes every non-ASCII
 * character for a separator: the node must notice and fall back to plain ILIKE.
 */
function cLocaleStore(): () => Store {
  let db: Store | undefined;
  const admin = testDatabaseUrl("postgres");
  const name = uniqueDatabaseName("govex_catalog_c");
  const onAdmin = async (sql: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    await onAdmin(
      `create database ${name} template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`,
    );
    const url = new URL(admin);
    url.pathname = `/${name}`;
    db = await openStore({ url: url.toString() });
  });
  afterAll(async () => {
    await db?.close();
    await onAdmin(`drop database if exists ${name} with (force)`);
  });
  return () => {
    if (!db) throw new Error("opened in beforeAll");
    return db;
  };
}

const configurations: [string, () => () => Store, ((db: Store) => Db) | undefined][] = [
  ...DRIVERS.map((d): [string, () => () => Store, undefined] => [
    `${d} with pg_trgm`,
    () => sharedStore(d),
    undefined,
  ]),
  ["pglite without pg_trgm (plain ILIKE)", () => sharedStore("pglite"), withoutTrigrams],
  ["postgres under LC_CTYPE C (no Chinese trigrams)", cLocaleStore, undefined],
];

describe.each(configurations)("catalog search on %s", (_, open, view) => {
  const store = open();
  let catalog: Catalog;
  let db: Db;
  beforeAll(async () => {
    catalog = await seed(store());
    db = view ? view(store()) : store();
  });

  const search = async (query: Record<string, unknown>, extra: Partial<Call> = {}) => {
    const answer = await call("searchCatalog", services(db), {
      caller: as(catalog.members.civil),
      query,
      ...extra,
    });
    expect(answer.status).toBe(200);
    expect(answer.facts).toEqual({});
    return answer.body as Page;
  };
  const codesOf = async (query: Record<string, unknown>) =>
    (await search(query)).items.map((r) => r.entry.resourceCode);
  const names = (list: string[]) => list.map((n) => catalog.codes[n]);
  const sorted = (list: string[]) => [...list].sort();

  test("the trigram features are what the configuration says", () => {
    const trigrams = db.features.pgTrgm && db.features.pgTrgmCjk;
    expect(trigrams).toBe(!view && !_.includes("LC_CTYPE C"));
  });

  test("without filters: every published entry, by resource code, never a withdrawn one", async () => {
    const all = await codesOf({});
    expect(all).toEqual(
      sorted(
        names([
          "hukou",
          "marriage",
          "enterprise",
          "insurance",
          "estate",
          "english",
          "wildcards",
        ]) as string[],
      ),
    );
  });

  test("each filter, and filters together", async () => {
    const { members } = catalog;
    const cases: [string, Record<string, unknown>, string[]][] = [
      ["category 1", { category: "1" }, ["hukou", "enterprise", "english"]],
      ["category 3", { category: "3" }, ["marriage", "estate"]],
      ["category 2", { category: "2" }, ["insurance", "wildcards"]],
      ["item 02", { item: "02" }, ["enterprise"]],
      ["item 01", { item: "01" }, ["hukou", "english"]],
      ["category 2, item 09", { category: "2", item: "09" }, ["wildcards"]],
      ["category 3, item 09", { category: "3", item: "09" }, []],
      ["provider", { provider: members.police }, ["hukou", "english"]],
      ["a provider with nothing published", { provider: memberCode(999_999) }, []],
      ["无条件共享", { shareType: "无条件共享" }, ["enterprise"]],
      ["不予共享", { shareType: "不予共享" }, ["estate"]],
      [
        "有条件共享",
        { shareType: "有条件共享" },
        ["hukou", "marriage", "insurance", "english", "wildcards"],
      ],
      ["实时", { updateCycle: "实时" }, ["hukou", "marriage"]],
      ["每年", { updateCycle: "每年" }, ["estate"]],
      ["不定期", { updateCycle: "不定期" }, []],
      [
        "有条件共享 and 实时 from one provider",
        { shareType: "有条件共享", updateCycle: "实时", provider: members.civil },
        ["marriage"],
      ],
      ["a keyword and a filter", { q: "公民身份号码", category: "2" }, ["insurance"]],
    ];
    for (const [name, query, want] of cases) {
      expect(sorted(await codesOf(query)), name).toEqual(sorted(names(want) as string[]));
    }
  });

  test("Chinese keywords of one to five characters, in name, abstract, keywords and items", async () => {
    const cases: [string, string, string[]][] = [
      ["two characters in name and keywords", "户籍", ["hukou"]],
      ["four characters of the name", "人口基本", ["hukou"]],
      ["two characters", "婚姻", ["marriage"]],
      ["one character", "婚", ["marriage"]],
      ["a keyword only", "结婚登记", ["marriage"]],
      ["an item name only", "缴费状态", ["insurance"]],
      ["an item name in several entries", "公民身份号码", ["hukou", "marriage", "insurance"]],
      ["the abstract only", "个体工商户", ["enterprise"]],
      ["two words, both required", "户籍 公民身份号码", ["hukou"]],
      ["full-width space between words", "户籍\u3000人口", ["hukou"]],
      ["words found in different entries only", "户籍 婚姻", []],
      ["text that is nowhere", "不动产权证", []],
      ["English, any case", "POPULATION register", ["english"]],
      ["padded with spaces", "  婚姻  ", ["marriage"]],
    ];
    for (const [name, q, want] of cases) {
      expect(sorted(await codesOf({ q })), name).toEqual(sorted(names(want) as string[]));
    }
  });

  test("hits whose name holds every word come first", async () => {
    // 人口: in the name of hukou, in the abstract of insurance only.
    expect(await codesOf({ q: "人口" })).toEqual(names(["hukou", "insurance"]));
    // 登记: in the names of marriage, enterprise and estate; in items or keywords elsewhere.
    const hits = await codesOf({ q: "登记" });
    expect(new Set(hits.slice(0, 3))).toEqual(new Set(names(["marriage", "enterprise", "estate"])));
    expect(sorted(hits.slice(3))).toEqual(sorted(names(["hukou", "insurance"]) as string[]));
  });

  test("hostile keywords are text, never patterns or SQL, and never crash", async () => {
    const count = async () =>
      (await db.query<{ n: number }>("select count(*) as n from catalog_resources")).rows[0]?.n;
    const before = await count();
    const cases: [string, string, string[]][] = [
      ["a percent sign", "%", ["wildcards"]],
      ["an underscore", "_", ["wildcards"]],
      ["both", "%_", ["wildcards"]],
      ["a backslash", "\\", ["wildcards"]],
      ["an escaped percent", "\\%", []],
      ["a quote", "'", ["wildcards"]],
      ["SQL", "'; drop table catalog_resources; --", []],
      ["U+0000", "\u0000", []],
      ["U+0000 in a word", "户\u0000籍", []],
      ["a lone surrogate", "\uD800", []],
      ["100 characters", "界".repeat(100), []],
      ["10 000 characters (the server refuses them first)", "户".repeat(10_000), []],
      ["many words", Array.from({ length: 60 }, (_, i) => `w${i}`).join(" "), []],
      ["__proto__", "__proto__", []],
      [
        "only white space: no keyword",
        " \t ",
        names([
          "hukou",
          "marriage",
          "enterprise",
          "insurance",
          "estate",
          "english",
          "wildcards",
        ]) as string[],
      ],
    ];
    for (const [name, q, want] of cases) {
      expect(sorted(await codesOf({ q })), name).toEqual(
        sorted(want.map((w) => catalog.codes[w] ?? w)),
      );
    }
    expect(await count()).toBe(before);
    // The spec caps q at 100 characters: the server answers 400 before the handler runs.
    const issues = await validateAgainst(
      "params.searchCatalog",
      { path: {}, query: { q: "户".repeat(10_000) }, header: {} },
      "en",
    );
    expect(issues.map((i) => i.path)).toEqual(["/query/q"]);
  });

  test("the LIKE pattern of any word matches exactly the texts that contain it", async () => {
    const unit = fc.constantFrom("a", "A", "%", "_", "\\", "'", "户", "籍", " ");
    const pairs = fc.sample(
      fc.tuple(fc.string({ unit, maxLength: 4 }), fc.string({ unit, maxLength: 12 })),
      { numRuns: 400, seed: 20260301 },
    );
    const { rows } = await db.query<{ hit: boolean }>(
      `select t ilike p as hit from unnest($1::text[], $2::text[]) with ordinality as x (p, t, n)
        order by n`,
      [pairs.map(([word]) => containsPattern(word)), pairs.map(([, text]) => text)],
    );
    expect(rows.map((r) => r.hit)).toEqual(
      pairs.map(([word, text]) => text.toLowerCase().includes(word.toLowerCase())),
    );
  });

  test("pages follow one another without gaps or repeats, with and without keywords", async () => {
    for (const query of [{}, { q: "登记" }, { q: "信息" }, { shareType: "有条件共享" }]) {
      const whole = await codesOf(query);
      const walked: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search({ ...query, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        walked.push(...page.items.map((r) => r.entry.resourceCode));
        cursor = page.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 20);
      expect(walked, JSON.stringify(query)).toEqual(whole);
    }
  });

  test("a cursor is stable while entries are published between pages", async () => {
    const first = await search({ limit: 3 });
    const provider = await addMember(db, "山东省示例新厅");
    // Sorts before every seeded code: it must not shift the next page.
    const early = entryOf("101001/0000A0", provider, { name: "早先的条目" });
    await publishEntry(
      db,
      fixedClock("2026-03-02T10:00:00+08:00"),
      { member: provider, operator: false },
      early,
    );
    try {
      const second = await search({ limit: 3, cursor: first.nextCursor });
      const before = (await codesOf({})).filter((c) => c !== early.resourceCode);
      expect([...first.items, ...second.items].map((r) => r.entry.resourceCode)).toEqual(
        before.slice(0, 6),
      );
    } finally {
      await withdrawEntry(
        db,
        fixedClock("2026-03-02T10:00:00+08:00"),
        { member: provider, operator: false },
        early.resourceCode,
        "测试完毕",
      );
    }
  });

  test("a cursor that is not one, or of another kind of search, is a 400", async () => {
    const keywordCursor = (await search({ q: "登记", limit: 1 })).nextCursor;
    const plainCursor = (await search({ limit: 1 })).nextCursor;
    expect(keywordCursor).toBeDefined();
    expect(plainCursor).toBeDefined();
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    for (const [query, cursor] of [
      [{}, keywordCursor],
      [{ q: "登记" }, plainCursor],
      [{}, "not a cursor"],
      [{}, forged({ k: 1 })],
      [{ q: "登记" }, forged({ r: 1e20, k: "101001/000001" })],
      [{}, Buffer.from('{"k":"x","__proto__":1}').toString("base64url")],
      [{}, forged(["101001/000001"])],
    ] as [Record<string, unknown>, string][]) {
      await refused(
        "searchCatalog",
        call("searchCatalog", services(db), {
          caller: as(catalog.members.civil),
          query: { ...query, cursor },
        }),
        { slug: "bad-request", status: 400, code: "cursor_invalid" },
      );
    }
  });
});
