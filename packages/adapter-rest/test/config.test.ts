import { isAdapterError } from "@govex/adapter";
import { describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";

const list = {
  path: "/marriages",
  query: { page: "{page}", size: "{limit}" },
  items: "data.records",
};
const base = { kind: "rest", baseUrl: "http://127.0.0.1:9/api", list };
const env = { API_URL: "http://127.0.0.1:9", TOKEN: "abc" };

const cases: [string, Record<string, unknown>, string, RegExp][] = [
  [
    "a literal Authorization header",
    { headers: { Authorization: "Bearer abc" } },
    "/source/headers/Authorization",
    /credential/,
  ],
  [
    "a literal token under an innocent name",
    { headers: { "X-Auth": "eyJhbGciOiJIUzI1NiJ9x1y2" } },
    "/source/headers/X-Auth",
    /credential/,
  ],
  [
    "a literal API key header",
    { headers: { "X-Api-Key": "short" } },
    "/source/headers/X-Api-Key",
    /credential/,
  ],
  [
    "a literal token in the query",
    { list: { ...list, query: { ...list.query, access_token: "abc" } } },
    "/source/list/query/access_token",
    /credential/,
  ],
  [
    "a literal password in a POST body",
    { list: { ...list, method: "POST", body: { user: { password: "x" } } } },
    "/source/list/body/user/password",
    /credential/,
  ],
  [
    "credentials in baseUrl",
    { baseUrl: "http://user:pw@127.0.0.1/" },
    "/source/baseUrl",
    /user name or password/,
  ],
  [
    "a baseUrl that is not http",
    { baseUrl: "file:///etc/passwd" },
    "/source/baseUrl",
    /http or https/,
  ],
  [
    "a baseUrl with a query",
    { baseUrl: "http://127.0.0.1/?appid=1" },
    "/source/baseUrl",
    /query or fragment/,
  ],
  [
    "an unset environment variable",
    { baseUrl: { env: "NOT_SET" } },
    "/source/baseUrl",
    /NOT_SET is not set/,
  ],
  ["an unknown member", { lsit: list }, "/source", /Unrecognized key/],
  ["a missing list", { list: undefined }, "/source/list", /expected object/],
  [
    "a bad JSONata expression",
    { list: { ...list, items: "data.[" } },
    "/source/list/items",
    /JSONata/,
  ],
  [
    "a bad JSON Pointer",
    { list: { ...list, items: "/data/~2" } },
    "/source/list/items",
    /RFC 6901/,
  ],
  [
    "an unknown template variable",
    { list: { ...list, query: { page: "{pg}" } } },
    "/source/list/query/page",
    /\{pg\}/,
  ],
  ["an unmatched brace", { list: { ...list, path: "/m}" } }, "/source/list/path", /unmatched/],
  [
    "{key} in the list call",
    { list: { ...list, path: "/m/{key}" } },
    "/source/list/path",
    /\{key\}/,
  ],
  [
    "two ways of paging",
    { list: { ...list, query: { page: "{page}", offset: "{offset}" } } },
    "/source/list",
    /pick one/,
  ],
  [
    "{cursor} without next",
    { list: { ...list, query: { c: "{cursor}" } } },
    "/source/list/next",
    /next/,
  ],
  [
    "next without {cursor}",
    { list: { ...list, next: "next" } },
    "/source/list/next",
    /only for paging/,
  ],
  [
    "{after} with order: none",
    { list: { ...list, query: { a: "{after}" }, order: "none" } },
    "/source/list/order",
    /contradicts/,
  ],
  ["a body on a GET", { list: { ...list, body: { a: 1 } } }, "/source/list/body", /POST/],
  [
    "a path to another host",
    { list: { ...list, path: "//evil.example/x" } },
    "/source/list/path",
    /another host/,
  ],
  ["a get call without {key}", { get: { path: "/m", item: "data" } }, "/source/get", /\{key\}/],
  [
    "a body filter on a GET list",
    { list: { ...list, filterParams: { "body.q": "xm" } } },
    "/source/list/filterParams/body.q",
    /POST/,
  ],
  ["a timeout of zero", { timeout: 0 }, "/source/timeout", /Too small/],
  [
    "a header value with a line break",
    { headers: { "X-Trace": { env: "BAD" } } },
    "/source/headers/X-Trace",
    /line break/,
  ],
];

describe("config", () => {
  it.each(cases)("%s is config_invalid at its path", async (_name, patch, path, message) => {
    const error = await createSource(
      { ...base, ...patch },
      { baseDir: ".", env: { ...env, BAD: "a\r\nInjected: 1" } },
    ).catch((e) => e);
    expect(isAdapterError(error)).toBe(true);
    expect(error).toMatchObject({ code: "config_invalid", path });
    expect(error.message).toMatch(message);
    expect(error.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it("accepts literal headers that are no secret, and secrets from the environment", async () => {
    const source = await createSource(
      {
        ...base,
        baseUrl: { env: "API_URL" },
        headers: {
          Accept: "application/json",
          "X-Dept": "370102-MZ",
          Authorization: { env: "TOKEN", prefix: "Bearer " },
        },
        list: { ...list, query: { ...list.query, access_token: { env: "TOKEN" } } },
      },
      { baseDir: ".", env },
    );
    expect(source.kind).toBe("rest");
    expect(source.changes).toBeUndefined();
    await source.close();
  });

  it("offers changes only with a changes block", async () => {
    const source = await createSource(
      {
        ...base,
        changes: {
          path: "/changes",
          query: { since: "{position}" },
          items: "data",
          position: "seq",
          time: "time",
        },
      },
      { baseDir: ".", env },
    );
    expect(typeof source.changes).toBe("function");
    await source.close();
  });
});
