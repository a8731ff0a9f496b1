import { createSigner } from "@govex/security";
import {
  CONDITIONAL,
  joinDepartments,
  startTestExchange,
  startTestProvider,
} from "../test/helpers/exchange.ts";
import { load, presign } from "./load.ts";
import { PURPOSE } from "./messages.ts";
import { freshPglite } from "./pglite-template.ts";

const e = await startTestExchange({ pglite: await freshPglite() });
const p = await startTestProvider(e.provider.signer, e.nodeVerifier);
await joinDepartments(e, p);
const consumer = e.client(e.consumer);
const created = await consumer.request("post", "/share-requests", {
  body: {
    resourceCode: CONDITIONAL,
    fields: ["residentId", "name", "mobile"],
    purpose: PURPOSE,
    legalBasis: "《社会保险法》第五十八条",
    period: { from: "2026-01-01", to: "2099-12-31" },
  },
});
await e
  .client(e.provider)
  .request("post", "/share-requests/{shareRequestId}/decision", {
    params: { path: { shareRequestId: created.data.id } },
    body: {
      outcome: "approved",
      grantedFields: ["residentId", "name"],
      grantedPeriod: { from: "2026-01-01", to: "2099-12-31" },
      clearText: false,
    },
  });
const t0 = performance.now();
const seen = new Map<string, number[]>();
e.node.app.server.prependListener("request", (req, res) => {
  const v = [performance.now() - t0];
  seen.set(String(req.headers["x-request-id"]), v);
  res.on("finish", () => {
    v.push(performance.now() - t0, performance.now() - t0);
  });
});
const url = new URL(`${e.url}/resources/101001/000001/records`);
url.searchParams.append("purpose", PURPOSE);
url.searchParams.append("limit", "10");
const h = { "govex-share-request": created.data.id };
const signer = e.consumer.signer;
await load(url.origin, await presign(url, 300, signer, h), 100);
seen.clear();
const r = await load(url.origin, await presign(url, 600, signer, h), 100);
console.log(r.rps.toFixed(0), "req/s p50", r.p50.toFixed(0), "p99", r.p99.toFixed(0));
const rows = [...seen.values()]
  .filter((v) => v.length === 3)
  .sort((a, b) => b[2] - b[0] - (a[2] - a[0]));
for (const v of rows.slice(0, 10))
  console.log("received", v[0].toFixed(0), "handler", v[1].toFixed(0), "answered", v[2].toFixed(0));
const firstMin = Math.min(...rows.map((v) => v[0]));
console.log("first received", firstMin.toFixed(0), "n", rows.length);
await p.close();
await e.close();
