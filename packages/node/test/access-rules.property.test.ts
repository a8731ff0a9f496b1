/**
 * Property tests of the access rules (issue 9 §4): over random members × resources × share-request
 * states × requested fields, a read without a grant never succeeds, granted reads never see an
 * ungranted field, masked fields are always masked unless clear text was granted, and
 * decideAccess never throws.
 */
import { MASK_GRADES, MASK_KINDS, type MaskRule, maskValue } from "@govex/security";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AccessQuery,
  applyAccess,
  decideAccess,
  type GrantState,
  type ResourceAccess,
  SHARE_TYPES,
} from "../src/access/index.js";

const MEMBERS = ["11370000MB1234562A", "11370100MB0000001X", "11370200MB0000002Y"] as const;
const RESOURCES = ["101001/000001", "101001/000002"] as const;
const IDS = ["sr-1", "sr-2"] as const;
const ITEMS = ["residentId", "name", "mobile", "sex", "address", "__proto__", "constructor"];
const HMAC_KEY = new Uint8Array(32).fill(9);
const RUNS = 3000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const ruleArb: fc.Arbitrary<MaskRule> = fc.record(
  {
    kind: fc.constantFrom(...MASK_KINDS),
    grade: fc.constantFrom(...MASK_GRADES),
    strategy: fc.constantFrom("mask" as const, "redact" as const, "hash" as const),
  },
  { requiredKeys: ["kind"] },
);

/** Own properties only, "__proto__" included (as JSON.parse would make them). */
function ownRecord<T>(entries: readonly (readonly [string, T])[]): Record<string, T> {
  return Object.fromEntries(entries) as Record<string, T>;
}

const resourceArb: fc.Arbitrary<ResourceAccess> = fc
  .record({
    resourceCode: fc.constantFrom(...RESOURCES),
    providerCode: fc.constantFrom(...MEMBERS),
    // Weighted toward 有条件共享 and published, where the rules have the most to check.
    shareType: fc.constantFrom(
      ...SHARE_TYPES,
      "无条件共享",
      "有条件共享",
      "有条件共享",
      "其他" as never,
    ),
    status: fc.constantFrom("published" as const, "published" as const, "withdrawn" as const),
    fields: fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1 }),
    rules: fc.array(fc.tuple(fc.constantFrom(...ITEMS), ruleArb), { maxLength: 7 }),
  })
  .map(({ rules, ...resource }) => ({ ...resource, masks: ownRecord(rules) }));

const dateArb = (today: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -40, max: 40 }).map((d) => addDays(today, d)) },
    { weight: 1, arbitrary: fc.constantFrom(undefined, "", "2026-02-30", "tomorrow") },
  );

const grantArb = (base: {
  resource: ResourceAccess;
  caller: string;
  shareRequestId: string | undefined;
  today: string;
}) => {
  const random = fc.record({
    id: fc.constantFrom<string>(...IDS),
    requesterCode: fc.constantFrom<string>(...MEMBERS),
    resourceCode: fc.constantFrom<string>(...RESOURCES),
    status: fc.constantFrom<GrantState["status"]>(
      "pending",
      "approved",
      "refused",
      "revoked",
      "expired",
    ),
    grantedFields: fc.option(fc.uniqueArray(fc.constantFrom(...ITEMS, "oldItem")), {
      nil: undefined,
    }),
    grantedFrom: dateArb(base.today),
    grantedTo: dateArb(base.today),
    clearText: fc.option(fc.boolean(), { nil: undefined }),
  });
  // Most random grants fail some check; a grant made for this very query and then changed in
  // at most one place reaches the allowed paths (and each refusal next to them) often.
  const near = fc
    .record({
      grantedFields: fc.uniqueArray(fc.constantFrom(...ITEMS), { minLength: 1 }),
      grantedFrom: fc.integer({ min: -30, max: 0 }).map((d) => addDays(base.today, d)),
      grantedTo: fc.integer({ min: 0, max: 30 }).map((d) => addDays(base.today, d)),
      clearText: fc.boolean(),
      change: random,
      which: fc.constantFrom(
        "none",
        "none",
        "none",
        "id",
        "requesterCode",
        "resourceCode",
        "status",
        "grantedFrom",
        "grantedTo",
      ),
    })
    .map(({ change, which, ...granted }) => {
      const grant: Record<string, unknown> = {
        id: base.shareRequestId ?? "sr-1",
        requesterCode: base.caller,
        resourceCode: base.resource.resourceCode,
        status: "approved",
        ...granted,
      };
      if (which !== "none") grant[which] = (change as Record<string, unknown>)[which];
      return grant as unknown as typeof change;
    });
  return fc.option(fc.oneof(random, near, near), { nil: undefined });
};

const queryArb: fc.Arbitrary<AccessQuery> = fc
  .record({
    today: fc.integer({ min: -400, max: 400 }).map((d) => addDays("2026-01-01", d)),
    resource: resourceArb,
    // 0: the provider itself; otherwise one of the other members.
    caller: fc.nat({ max: 5 }),
    shareRequestId: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom<string | undefined>(...IDS) },
      { weight: 2, arbitrary: fc.constantFrom<string | undefined>(undefined, "") },
    ),
    kind: fc.constantFrom("read" as const, "read" as const, "verify" as const),
  })
  .map(({ caller, ...base }) => {
    const others = MEMBERS.filter((m) => m !== base.resource.providerCode);
    return {
      ...base,
      caller: caller === 0 ? base.resource.providerCode : (others[caller % 2] ?? ""),
    };
  })
  .chain((base) => fc.record({ base: fc.constant(base), grant: grantArb(base) }))
  .chain(({ base, grant }) =>
    fc.record({
      base: fc.constant(base),
      grant: fc.constant(grant),
      // Nothing asked, some of the granted fields, or anything (unknown and hostile names too).
      requestedFields: fc.oneof(
        fc.constant(undefined),
        fc.subarray([...new Set(grant?.grantedFields ?? [])]),
        fc.uniqueArray(fc.constantFrom(...ITEMS, "toString", "x")),
      ),
    }),
  )
  .map(({ base, grant, requestedFields }) => {
    // exactOptionalPropertyTypes-friendly: leave out what fast-check set to undefined.
    const out: AccessQuery = {
      resource: base.resource,
      caller: base.caller,
      today: base.today,
      kind: base.kind,
    };
    if (base.shareRequestId !== undefined) out.shareRequestId = base.shareRequestId;
    if (requestedFields !== undefined) out.requestedFields = requestedFields;
    if (grant !== undefined) {
      const { grantedFields, grantedFrom, grantedTo, clearText, ...rest } = grant;
      const g: GrantState = rest;
      if (grantedFields !== undefined) g.grantedFields = grantedFields;
      if (grantedFrom !== undefined) g.grantedFrom = grantedFrom;
      if (grantedTo !== undefined) g.grantedTo = grantedTo;
      if (clearText !== undefined) g.clearText = clearText;
      out.grant = g;
    }
    return out;
  });

/** The oracle: an approved share request of the caller, for this resource, in effect today. */
function validGrant(q: AccessQuery): GrantState | undefined {
  const g = q.grant;
  if (g === undefined || !q.shareRequestId || g.id !== q.shareRequestId) return; // "" is no id
  if (g.requesterCode !== q.caller || g.resourceCode !== q.resource.resourceCode) return;
  if (g.status !== "approved") return;
  const date = /^\d{4}-\d{2}-\d{2}$/;
  const { grantedFrom: from, grantedTo: to } = g;
  if (from === undefined || to === undefined || !date.test(from) || !date.test(to)) return;
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return;
  if (addDays(from, 0) !== from || addDays(to, 0) !== to) return; // 2026-02-30 is no date
  return q.today >= from && q.today <= to ? g : undefined;
}

const valueArb = fc.oneof(
  fc.string({ minLength: 0, maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.stringMatching(/^[0-9]{17}[0-9X]$/),
  fc.stringMatching(/^1[3-9][0-9]{9}$/),
);

/** A record holding every item, plus keys no resource has. */
const recordArb = fc
  .array(valueArb, { minLength: ITEMS.length + 2, maxLength: ITEMS.length + 2 })
  .map((values) =>
    ownRecord<unknown>([...ITEMS, "oldItem", "extra"].map((item, i) => [item, values[i]] as const)),
  );

describe("access rules: properties", () => {
  it("a read without a valid grant never succeeds; 不予共享 and withdrawn never serve others", () => {
    const seen = { conditionalAllowed: 0, conditionalRefused: 0, otherRefused: 0 };
    fc.assert(
      fc.property(queryArb, (q) => {
        const d = decideAccess(q); // (3) never throws
        if (q.caller !== q.resource.providerCode) {
          if (q.resource.shareType !== "有条件共享") seen.otherRefused += d.allowed ? 0 : 1;
          else if (d.allowed) seen.conditionalAllowed++;
          else seen.conditionalRefused++;
        }
        if (q.caller === q.resource.providerCode) {
          expect(d).toMatchObject({ allowed: true, basis: "owner" });
          return;
        }
        if (q.resource.status === "withdrawn") expect(d.allowed).toBe(false);
        if (q.resource.shareType !== "无条件共享" && q.resource.shareType !== "有条件共享")
          expect(d.allowed).toBe(false);
        if (q.resource.shareType === "有条件共享" && validGrant(q) === undefined)
          expect(d.allowed).toBe(false);
        if (!d.allowed) {
          expect(d.status).toBe(403);
          expect(d.zh.length).toBeGreaterThan(0);
          expect(d.en.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS },
    );
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(10);
  });

  it("a served record holds only granted fields, and every masked field is masked", () => {
    // Counted so the property cannot pass vacuously (every case refused, nothing masked).
    const seen = {
      conditional: 0,
      unconditional: 0,
      owner: 0,
      masked: 0,
      clearByGrant: 0,
      maskedDespiteClearText: 0,
    };
    fc.assert(
      fc.property(queryArb, recordArb, (q, record) => {
        const d = decideAccess(q);
        if (!d.allowed) return;
        const out = applyAccess(record, d, { hmacKey: HMAC_KEY });
        const keys = Object.keys(out);
        const owner = q.caller === q.resource.providerCode;
        const grant = owner ? undefined : validGrant(q);
        if (owner) seen.owner++;
        else if (q.resource.shareType === "有条件共享") seen.conditional++;
        else seen.unconditional++;

        expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
        for (const key of keys) {
          expect(d.fields).toContain(key);
          expect(q.resource.fields).toContain(key);
          if (q.requestedFields !== undefined) expect(q.requestedFields).toContain(key);
          if (!owner && q.resource.shareType === "有条件共享")
            expect(grant?.grantedFields ?? []).toContain(key);
        }
        // A conditional read asking for one ungranted field is refused whole, not trimmed.
        if (!owner && q.resource.shareType === "有条件共享")
          for (const field of q.requestedFields ?? [])
            expect(grant?.grantedFields).toContain(field);
        if (q.kind === "verify" || owner) expect(d.masked).toEqual([]);

        for (const key of keys) {
          const value = Object.getOwnPropertyDescriptor(out, key)?.value;
          const clear = Object.getOwnPropertyDescriptor(record, key)?.value;
          const rule = Object.hasOwn(q.resource.masks, key) ? q.resource.masks[key] : undefined;
          const clearGranted =
            owner ||
            (grant?.clearText === true &&
              (q.resource.shareType === "有条件共享" || (grant.grantedFields ?? []).includes(key)));
          if (q.kind === "read" && rule !== undefined && !clearGranted) {
            expect(d.masked).toContain(key);
            expect(value).toBe(maskValue(String(clear), rule, { hmacKey: HMAC_KEY }));
            seen.masked++;
            if (grant?.clearText === true) seen.maskedDespiteClearText++;
          } else {
            if (q.kind === "read" && rule !== undefined && !owner) seen.clearByGrant++;
            expect(d.masked).not.toContain(key);
            expect(value).toBe(clear);
          }
        }
        expect(({} as Record<string, unknown>).residentId).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
    // Means over 3000 runs: ~100 or more each, ~18 for the rarest; the bounds never flake.
    const { maskedDespiteClearText, ...common } = seen;
    for (const count of Object.values(common)) expect(count).toBeGreaterThan(10);
    expect(maskedDespiteClearText).toBeGreaterThan(0);
  });

  it("decideAccess never throws, whatever shape its input has", () => {
    const junk = fc.oneof(fc.anything(), fc.string());
    fc.assert(
      fc.property(
        resourceArb,
        fc.record({
          fields: fc.oneof(junk, fc.array(junk)),
          masks: fc.oneof(junk, fc.dictionary(fc.string(), junk)),
          shareType: junk,
          status: junk,
        }),
        fc.record({ grant: junk, requestedFields: fc.oneof(junk, fc.array(junk)), id: junk }),
        fc.constantFrom(...MEMBERS),
        (resource, broken, { grant, requestedFields, id }, caller) => {
          const q = {
            resource: { ...resource, ...broken },
            caller,
            shareRequestId: id,
            grant,
            requestedFields,
            today: "2026-03-01",
            kind: "read",
          } as unknown as AccessQuery;
          const d = decideAccess(q);
          expect(typeof d.allowed).toBe("boolean");
          if (d.allowed) applyAccess({ a: 1 }, d, { hmacKey: HMAC_KEY });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
