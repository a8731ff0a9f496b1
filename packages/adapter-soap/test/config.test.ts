import { isAdapterError } from "@govex/adapter";
import { describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import { WSDL_PATH } from "./soap-server.js";

const list = {
  operation: "QueryInsured",
  input: { pageNo: "{page}", pageSize: "{limit}" },
  items: "Result.Item",
};
const base = { kind: "soap", wsdl: WSDL_PATH, endpoint: "http://127.0.0.1:1/ws/insured", list };
const env = { U: "user", P: "pass" };

const cases: [string, Record<string, unknown>, string, RegExp][] = [
  [
    "a missing WSDL file",
    { wsdl: "./no-such.wsdl" },
    "/source/wsdl",
    /cannot read or parse the WSDL/,
  ],
  [
    "a WSDL that is not XML",
    { wsdl: new URL("./config.test.ts", import.meta.url).pathname },
    "/source/wsdl",
    /WSDL/,
  ],
  [
    "an operation the WSDL does not have",
    { list: { ...list, operation: "QueryPeople" } },
    "/source/list/operation",
    /no operation QueryPeople.*QueryInsured/,
  ],
  [
    "an unknown get operation",
    { get: { operation: "Get", input: { sfzh: "{key}" }, item: "Result" } },
    "/source/get/operation",
    /no operation Get/,
  ],
  [
    "a literal password in auth",
    { auth: { basic: { username: { env: "U" }, password: "secret" } } },
    "/source/auth/basic/password",
    /environment only/,
  ],
  [
    "a literal user name in WS-Security",
    { auth: { wsSecurity: { username: "admin", password: { env: "P" } } } },
    "/source/auth/wsSecurity/username",
    /environment only/,
  ],
  [
    "a literal password in the input",
    { list: { ...list, input: { ...list.input, password: "123456" } } },
    "/source/list/input/password",
    /credential/,
  ],
  [
    "a literal token header",
    { headers: { Authorization: "Basic dXNlcjpwYXNz" } },
    "/source/headers/Authorization",
    /credential/,
  ],
  ["an unset variable", { endpoint: { env: "NOT_SET" } }, "/source/endpoint", /NOT_SET is not set/],
  [
    "an endpoint with credentials",
    { endpoint: "http://u:p@127.0.0.1/ws" },
    "/source/endpoint",
    /user name or password/,
  ],
  [
    "a WSDL URL that is not http",
    { wsdl: "ftp://127.0.0.1/x.wsdl" },
    "/source/wsdl",
    /http or https/,
  ],
  [
    "a get input without {key}",
    { get: { operation: "GetInsured", input: { sfzh: "x" }, item: "Result" } },
    "/source/get/input",
    /\{key\}/,
  ],
  [
    "{key} in the list input",
    { list: { ...list, input: { sfzh: "{key}" } } },
    "/source/list/input/sfzh",
    /\{key\}/,
  ],
  [
    "a bad JSONata item",
    { list: { ...list, items: "Result.Item[" } },
    "/source/list/items",
    /JSONata/,
  ],
  ["an unknown member", { wsdll: "x" }, "/source", /Unrecognized key/],
  ["an unknown SOAP version", { soapVersion: "2.0" }, "/source/soapVersion", /Invalid option/],
];

describe("config", () => {
  it.each(cases)("%s is config_invalid at its path", async (_name, patch, path, message) => {
    const error = await createSource({ ...base, ...patch }, { baseDir: ".", env }).catch((e) => e);
    expect(isAdapterError(error)).toBe(true);
    expect(error).toMatchObject({ code: "config_invalid", path });
    expect(error.message).toMatch(message);
    expect(error.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a WSDL URL that does not answer is unavailable within the timeout", async () => {
    const error = await createSource(
      { ...base, wsdl: "http://127.0.0.1:1/ws/insured?wsdl", timeout: 2000 },
      { baseDir: ".", env },
    ).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
  });
});
