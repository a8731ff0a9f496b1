/**
 * The access rules end to end, as a property over real HTTP: random callers × resources ×
 * share-request states × requested fields, each read sent through the node to the provider.
 * A read without a valid grant never succeeds; a granted read never shows a field outside the
 * grant, and shows the masked fields masked unless the grant allows clear text.
 */
import { ProblemError } from "@govex/client";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  CONDITIONAL,
  NOT_SHARED,
  type Party,
  type TestExchange,
  type TestProvider,
  UNCONDITIONAL,
} from "./helpers/exchange.js";
import { useTestExchange } from "./helpers/use-exchange.js";
import { DRIVERS } from "./store-drivers.js";

const PURPOSE = "办理社会保险登记时核对参保人身份";
const FIELDS = ["residentId", "name", "mobile", "city"] as const;
const MASKED = new Set(["residentId", "name", "mobile"]);

type State = "none" | "pending" | "approved" | "refused" | "revoked" | "expired";

interface Case {
  caller: "consumer" | "other";
  resource: string;
  state: State;
  /** Whose request the header names: the caller's own, someone else's, or none. */
  header: "own" | "foreign" | "none";
  granted: string[];
  clearText: boolean;
  asked: string[] | undefined;
}

const arbitraryCase: fc.Arbitrary<Case> = fc.record({
  caller: fc.constantFrom("consumer" as const, "other" as const),
  resource: fc.constantFrom(CONDITIONAL, UNCONDITIONAL, NOT_SHARED),
  state: fc.constantFrom<State>(
    "none",
    "pending",
    "approved",
    "approved",
    "refused",
    "revoked",
    "expired",
  ),
  header: fc.constantFrom("own" as const, "own" as const, "foreign" as const, "none" as const),
  granted: fc.subarray([...FIELDS], { minLength: 1 }),
  clearText: fc.boolean(),
  asked: fc.option(fc.subarray([...FIELDS], { minLength: 1 }), { nil: undefined }),
});

describe.each(DRIVERS)("access rules over HTTP on %s (property)", (driver) => {
  const running = useTestExchange(driver);
  let exchange: TestExchange;
  let provider: TestProvider;
  beforeAll(() => {
    exchange = running.exchange;
    provider = running.provider;
  });

  /** A share request of `party` for `resource`, brought into `state`; its id. */
  async function request(party: Party, resource: string, c: Case): Promise<string> {
    const created = await exchange.client(party).request("post", "/share-requests", {
      body: {
        resourceCode: resource,
        fields: [...FIELDS],
        purpose: PURPOSE,
        legalBasis: "《社会保险法》第五十八条",
        period: { from: "2026-01-01", to: "2099-12-31" },
      },
    });
    const id = created.data.id;
    const dept = exchange.client(exchange.provider);
    const path = { params: { path: { shareRequestId: id } } };
    if (c.state === "refused")
      await dept.request("post", "/share-requests/{shareRequestId}/decision", {
        ...path,
        body: { outcome: "refused", reason: "不符合共享条件" },
      });
    if (c.state === "approved" || c.state === "revoked" || c.state === "expired")
      await dept.request("post", "/share-requests/{shareRequestId}/decision", {
        ...path,
        body: {
          outcome: "approved",
          grantedFields: c.granted,
          grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
          clearText: c.clearText,
        },
      });
    if (c.state === "revoked")
      await dept.request("post", "/share-requests/{shareRequestId}/revoke", {
        ...path,
        body: { reason: "授权终止" } as never,
      });
    if (c.state === "expired")
      await exchange.node.store.query(
        "update share_requests set granted_from = '2020-01-01', granted_to = '2021-01-01' where id = $1",
        [id],
      );
    return id;
  }

  it("never serves without a valid grant, never more than the grant, masked unless clear text", async () => {
    let served = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(arbitraryCase, async (c) => {
        const caller = c.caller === "consumer" ? exchange.consumer : exchange.other;
        const stranger = c.caller === "consumer" ? exchange.other : exchange.consumer;
        const shareable = c.resource !== NOT_SHARED;
        let id: string | undefined;
        if (c.state !== "none" && shareable)
          id = await request(c.header === "foreign" ? stranger : caller, c.resource, c);
        const [prefix, suffix] = c.resource.split("/") as [string, string];
        const answer = await exchange
          .client(caller)
          .request("get", "/resources/{prefix}/{suffix}/records", {
            params: {
              path: { prefix, suffix },
              query: { purpose: PURPOSE, limit: 5, ...(c.asked ? { fields: c.asked } : {}) },
            },
            ...(id !== undefined && c.header !== "none"
              ? { headers: { "govex-share-request": id } }
              : {}),
          })
          .then(
            (r) => r.data,
            (e: unknown) => {
              if (e instanceof ProblemError && e.status === 403) return undefined;
              throw e;
            },
          );
        const validGrant = id !== undefined && c.header === "own" && c.state === "approved";
        if (c.resource === NOT_SHARED || (c.resource === CONDITIONAL && !validGrant)) {
          expect(answer).toBeUndefined();
        }
        if (answer === undefined) {
          refused++;
          return;
        }
        served++;
        // A conditional read sees the grant's fields; an unconditional one every field, in clear
        // text only where a valid grant of the caller allows it.
        const allowed = new Set<string>(c.resource === CONDITIONAL ? c.granted : FIELDS);
        const clear = (field: string) => validGrant && c.clearText && c.granted.includes(field);
        for (const [i, record] of answer.items.entries()) {
          const original = provider.records[i] as Record<string, string>;
          for (const [field, value] of Object.entries(record)) {
            expect(allowed.has(field)).toBe(true);
            if (c.asked) expect(c.asked).toContain(field);
            if (MASKED.has(field) && !clear(field)) expect(value).not.toBe(original[field]);
            else expect(value).toBe(original[field]);
          }
        }
      }),
      { numRuns: 24, seed: 20261206 },
    );
    // Both sides of the property were reached.
    expect(served).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  }, 240_000);
});
