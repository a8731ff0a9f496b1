import { createServer } from "node:net";
import { AdapterError } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseUrl } from "../../../test/databases.js";
import { createSource, type SqlSource } from "../src/index.js";

const PASSWORD = "S3cr3t-Pa55w0rd";

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

function expectNoSecret(error: AdapterError, url: string) {
  const texts = [
    error.message,
    error.zh,
    error.localized("en"),
    JSON.stringify(error.params),
    String((error.cause as Error | undefined)?.message),
    String(error.stack),
  ];
  for (const text of texts) {
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(url);
  }
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

describe.each([
  ["postgres", (port: number) => `postgres://govex:${PASSWORD}@127.0.0.1:${port}/hukou`],
  ["mysql", (port: number) => `mysql://govex:${PASSWORD}@127.0.0.1:${port}/hukou`],
] as const)("%s on a closed port", (dialect, urlFor) => {
  let source: SqlSource;
  let url: string;

  beforeAll(async () => {
    url = urlFor(await closedPort());
    source = await createSource(
      {
        kind: "sql",
        dialect,
        connection: { env: "HUKOU_DATABASE_URL" },
        table: "residents",
        changes: { mode: "column", column: "updated_at" },
        pool: { connectTimeoutMs: 5000 },
      },
      { baseDir: process.cwd(), env: { HUKOU_DATABASE_URL: url } },
    );
  });
  afterAll(() => source?.close());

  it("answers every call with `unavailable`, naming the variable but never the URL or password", async () => {
    const calls = [
      source.check(),
      source.scan({ keyField: "sfzh", fields: ["xm"], filter: { xm: "张三" }, limit: 10 }),
      source.get({ keyField: "sfzh", key: "k1", fields: [] }),
      source.changes?.({ keyField: "sfzh", fields: [], limit: 10 }),
    ];
    for (const call of calls) {
      const error = await failure(call as Promise<unknown>);
      expect(error.code).toBe("unavailable");
      expect(error.message).toContain("ECONNREFUSED");
      expect(error.message).toContain("HUKOU_DATABASE_URL");
      expect(error.zh).toContain("数据库不可用");
      expectNoSecret(error, url);
    }
  });
});

describe("MariaDB refusing the login", () => {
  it("is `unavailable` without the password", async () => {
    const root = new URL(testDatabaseUrl("mysql"));
    const url = `mysql://nobody:${PASSWORD}@${root.host}/mysql`;
    const source = await createSource(
      { kind: "sql", dialect: "mysql", connection: { env: "DB" }, table: "user" },
      { baseDir: process.cwd(), env: { DB: url } },
    );
    try {
      const error = await failure(source.check());
      expect(error.code).toBe("unavailable");
      expect(error.params.driverCode).toBe("ER_ACCESS_DENIED_ERROR");
      expectNoSecret(error, url);
    } finally {
      await source.close();
    }
  });
});

describe("PostgreSQL without the database", () => {
  it("is `unavailable` (3D000), naming no secret", async () => {
    const server = new URL(testDatabaseUrl("postgres"));
    const url = `postgres://postgres:${PASSWORD}@${server.host}/no_such_database`;
    const source = await createSource(
      { kind: "sql", dialect: "postgres", connection: { env: "DB" }, table: "t" },
      { baseDir: process.cwd(), env: { DB: url } },
    );
    try {
      const error = await failure(
        source.scan({ keyField: "id", fields: [], filter: {}, limit: 1 }),
      );
      expect(error.code).toBe("unavailable");
      expect(error.params.driverCode).toBe("3D000");
      expectNoSecret(error, url);
    } finally {
      await source.close();
    }
  });
});
