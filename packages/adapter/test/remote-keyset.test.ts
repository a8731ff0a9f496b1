/**
 * The keyset reader against in-process services that page in each style a legacy API uses;
 * property-based: whatever the data, page size and scan size, paging through returns every
 * row once, in key order.
 */
import type { SourceRow } from "@govex/adapter";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type FetchList,
  KeysetReader,
  type ListPlan,
  type PagingStyle,
} from "../src/remote/keyset.js";
import { compileSelector, type TemplateVars } from "../src/remote/select.js";

interface Row {
  id: string;
  g: string;
}

/** A service over `rows` (read at call time, so tests can change them between calls). */
function service(
  data: { rows: Row[] },
  style: PagingStyle,
  ordered: boolean,
  calls: { n: number },
): FetchList {
  return async (vars: TemplateVars, filter) => {
    calls.n++;
    let rows = [...data.rows].filter((r) => filter.group === undefined || r.g === filter.group);
    rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    if (!ordered)
      rows = rows
        .map((r, i) => ({ r, k: (i * 7919) % 101 }))
        .sort((a, b) => a.k - b.k)
        .map((x) => x.r);
    const limit = Number(vars.limit);
    switch (style) {
      case "page":
        return { items: rows.slice((Number(vars.page) - 1) * limit, Number(vars.page) * limit) };
      case "offset":
        return { items: rows.slice(Number(vars.offset), Number(vars.offset) + limit) };
      case "after":
        return {
          items: rows
            .filter((r) => vars.after === undefined || r.id > String(vars.after))
            .slice(0, limit),
        };
      case "cursor": {
        const start = vars.cursor === undefined ? 0 : Number(vars.cursor);
        return {
          items: rows.slice(start, start + limit),
          next: start + limit < rows.length ? start + limit : null,
        };
      }
      default:
        return { items: rows };
    }
  };
}

function plan(style: PagingStyle, order: "key" | "none", pageSize: number): ListPlan {
  return {
    style,
    order,
    items: compileSelector("items", "/items"),
    next: style === "cursor" ? compileSelector("/next", "/next") : undefined,
    pageSize,
    firstPage: 1,
    keyOrder: "text",
    maxRows: 100_000,
    snapshotTtl: 0,
    maxDepth: 16,
    filterParams: { group: "g" },
  };
}

async function traverse(
  reader: () => KeysetReader,
  limit: number,
  filter: Record<string, string>,
  between: () => void = () => {},
): Promise<SourceRow[]> {
  const out: SourceRow[] = [];
  let after: string | undefined;
  for (;;) {
    const rows = await reader().scan({
      keyField: "id",
      filter,
      fields: [],
      limit,
      ...(after ? { after } : {}),
    });
    out.push(...rows);
    if (rows.length < limit) return out;
    after = String(rows[rows.length - 1]?.id);
    between();
  }
}

const STYLES: [PagingStyle, "key" | "none"][] = [
  ["page", "key"],
  ["page", "none"],
  ["offset", "key"],
  ["after", "key"],
  ["cursor", "key"],
  ["cursor", "none"],
  ["single", "none"],
];

const rowsArb = fc.uniqueArray(
  fc.record({
    id: fc.string({
      unit: fc.constantFrom("0", "5", "a", "z", "中", "-"),
      minLength: 1,
      maxLength: 5,
    }),
    g: fc.constantFrom("x", "y"),
  }),
  {
    selector: (r) => r.id,
    maxLength: 60,
  },
);

describe("KeysetReader", () => {
  it.each(STYLES)("%s paging, order %s: every row once, in key order", async (style, order) => {
    await fc.assert(
      fc.asyncProperty(
        rowsArb,
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 9 }),
        fc.constantFrom(undefined, "x"),
        fc.boolean(),
        async (rows, pageSize, limit, group, fresh) => {
          const data = { rows };
          const calls = { n: 0 };
          const fetch = service(data, style, order === "key", calls);
          const shared = new KeysetReader(plan(style, order, pageSize), fetch);
          // A fresh reader per scan is a new process: no remembered pages.
          const reader = () =>
            fresh ? new KeysetReader(plan(style, order, pageSize), fetch) : shared;
          const filter: Record<string, string> = group === undefined ? {} : { g: group };
          const got = await traverse(reader, limit, filter);
          const want = rows
            .filter((r) => group === undefined || r.g === group)
            .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(STYLES.filter(([, order]) => order === "key"))(
    "%s paging, order key: rows inserted and deleted between scans never make it repeat or miss a lasting row",
    async (style) => {
      await fc.assert(
        fc.asyncProperty(
          rowsArb,
          fc.array(
            fc.array(
              fc.tuple(
                fc.boolean(),
                fc.string({
                  unit: fc.constantFrom("0", "5", "a", "z"),
                  minLength: 1,
                  maxLength: 4,
                }),
              ),
              {
                maxLength: 4,
              },
            ),
            { maxLength: 12 },
          ),
          fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 6 }),
          async (rows, edits, pageSize, limit) => {
            const data = { rows: [...rows] };
            const lasting = new Set(rows.map((r) => r.id));
            const pending = [...edits];
            const between = () => {
              for (const [insert, id] of pending.shift() ?? []) {
                if (insert && !data.rows.some((r) => r.id === id)) data.rows.push({ id, g: "x" });
                if (!insert) {
                  data.rows = data.rows.filter((r) => r.id !== id);
                  lasting.delete(id);
                }
              }
            };
            const reader = new KeysetReader(
              plan(style, "key", pageSize),
              service(data, style, true, { n: 0 }),
            );
            const got = (await traverse(() => reader, limit, {}, between)).map((r) => String(r.id));
            for (let i = 1; i < got.length; i++)
              expect((got[i - 1] as string) < (got[i] as string)).toBe(true);
            for (const id of lasting) expect(got).toContain(id);
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it.each([
    ["page", "two rows deleted before the remembered page"],
    ["offset", "two rows deleted before the remembered page"],
    ["cursor", "two rows deleted before the remembered cursor"],
  ] as const)(
    "%s paging: %s moves the cursor key back a page; nothing is missed",
    async (style, _what) => {
      const data = { rows: ["a", "b", "c", "d", "e", "f", "g"].map((id) => ({ id, g: "x" })) };
      const reader = new KeysetReader(plan(style, "key", 3), service(data, style, true, { n: 0 }));
      const first = await reader.scan({ keyField: "id", filter: {}, fields: [], limit: 4 });
      expect(first.map((r) => r.id)).toEqual(["a", "b", "c", "d"]);
      // "d" was the first row of page 2; with a and b gone, "e" is now on page 1.
      data.rows = data.rows.filter((r) => r.id !== "a" && r.id !== "b");
      const next = await reader.scan({
        keyField: "id",
        filter: {},
        fields: [],
        limit: 4,
        after: "d",
      });
      expect(next.map((r) => r.id)).toEqual(["e", "f", "g"]);
    },
  );

  it("locates a deep key in O(log n) calls without memory", async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      id: String(i).padStart(5, "0"),
      g: "x",
    }));
    const calls = { n: 0 };
    const fetch = service({ rows }, "page", true, calls);
    const reader = new KeysetReader(plan("page", "key", 10), fetch);
    const got = await reader.scan({
      keyField: "id",
      filter: {},
      fields: [],
      limit: 3,
      after: "07654",
    });
    expect(got.map((r) => r.id)).toEqual(["07655", "07656", "07657"]);
    // 1 000 pages: about 2·log2(1000) ≈ 20 probes, not a walk from the start.
    expect(calls.n).toBeLessThanOrEqual(25);
  });
});
