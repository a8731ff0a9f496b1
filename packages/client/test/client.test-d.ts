import { describe, expectTypeOf, it } from "vitest";
import {
  createExchangeClient,
  createProviderClient,
  type ExchangeComponents,
} from "../src/index.js";

const client = createExchangeClient({ baseUrl: "https://exchange.example.gov.cn/v1" });
const provider = createProviderClient({ baseUrl: "https://hukou.example.gov.cn/govex/v1" });
type CatalogEntry = ExchangeComponents["schemas"]["catalog-entry.schema"];
declare const entry: CatalogEntry;

describe("typed operations", () => {
  it("types responses from the spec", async () => {
    const health = await client.request("get", "/health");
    expectTypeOf(health.data.status).toEqualTypeOf<"ok" | "degraded" | "down">();
    const record = await client.request("get", "/catalog/entries/{prefix}/{suffix}", {
      params: { path: { prefix: "101001", suffix: "000001" } },
    });
    expectTypeOf(record.data.entry).toEqualTypeOf<CatalogEntry>();
    expectTypeOf(record.data.version).toEqualTypeOf<number>();
    const verify = await provider.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: { path: { prefix: "101001", suffix: "000001" }, query: { purpose: "核验" } },
      body: { key: "k", values: { name: "张三" } },
    });
    expectTypeOf(verify.data.found).toEqualTypeOf<boolean>();
  });

  it("lets the client supply Idempotency-Key but accepts the caller's", () => {
    void client.request("post", "/catalog/entries", { body: entry });
    void client.request("post", "/catalog/entries", {
      body: entry,
      params: { header: { "Idempotency-Key": "my-own-key-123" } },
    });
  });

  it("types pagination items", async () => {
    for await (const item of client.paginate("get", "/catalog/entries", {
      params: { query: { shareType: "有条件共享" } },
    })) {
      expectTypeOf(item.status).toEqualTypeOf<"published" | "withdrawn">();
    }
  });

  it("rejects wrong paths, methods, parameters and bodies at compile time", () => {
    // @ts-expect-error: no such path
    void client.request("get", "/catalog/entry");
    // @ts-expect-error: /health has no POST
    void client.request("post", "/health");
    // @ts-expect-error: path parameters are required
    void client.request("get", "/catalog/entries/{prefix}/{suffix}");
    void client.request("get", "/catalog/entries/{prefix}/{suffix}", {
      // @ts-expect-error: a path parameter is missing
      params: { path: { prefix: "101001" } },
    });
    // @ts-expect-error: an unknown query parameter
    void client.request("get", "/catalog/entries", { params: { query: { color: "red" } } });
    void client.request("get", "/catalog/entries", {
      // @ts-expect-error: a wrong enum value in the query
      params: { query: { shareType: "随便共享" } },
    });
    // @ts-expect-error: the body is required
    void client.request("post", "/catalog/entries", {});
    // @ts-expect-error: the body has the wrong shape
    void client.request("post", "/catalog/entries", { body: { name: "x" } });
    void provider.request("post", "/resources/{prefix}/{suffix}/verify", {
      // @ts-expect-error: purpose is a required query parameter of verify
      params: { path: { prefix: "1", suffix: "2" } },
      body: { key: "k", values: {} },
    });
    // @ts-expect-error: a GET takes no body
    void client.request("get", "/health", { body: { status: "ok" } });
  });
});
