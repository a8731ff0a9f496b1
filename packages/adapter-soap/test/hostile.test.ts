import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import type { Source } from "@govex/adapter";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource } from "../src/index.js";
import {
  type InsuredServer,
  queryEnvelope,
  type RawAnswer,
  type RawServer,
  startInsuredServer,
  startRawServer,
  WSDL_PATH,
} from "./soap-server.js";

const USER = "renshe-adapter";
const PASSWORD = "pA55-w0rd-9c1e7b3f5a";
let raw: RawServer;
let secured: InsuredServer;
let wss: InsuredServer;
const sources: Source[] = [];

beforeAll(async () => {
  [raw, secured, wss] = await Promise.all([
    startRawServer(),
    startInsuredServer({ count: 6, basic: { username: USER, password: PASSWORD } }),
    startInsuredServer({ count: 6, wsSecurity: { username: USER, password: PASSWORD } }),
  ]);
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await Promise.all([raw.close(), secured.close(), wss.close()]);
});

const list = {
  operation: "QueryInsured",
  input: { pageNo: "{page}", pageSize: "{limit}" },
  items: "Result.Item",
  pageSize: 10,
};

async function source(
  block: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Source> {
  const s = await createSource(
    {
      kind: "soap",
      wsdl: WSDL_PATH,
      endpoint: raw.url,
      timeout: 5000,
      maxBytes: 1024 * 1024,
      list,
      ...block,
    },
    { baseDir: ".", env },
  );
  sources.push(s);
  return s;
}

const scanOf = (s: Source) => s.scan({ keyField: "sfzh", filter: {}, fields: [], limit: 10 });
const item = (inner: string) =>
  `<tns:Item><tns:sfzh>370102196001011000</tns:sfzh>${inner}</tns:Item>`;

function everything(error: unknown): string {
  return `${JSON.stringify(error)} ${inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true })} ${String(error)}`;
}

const LAUGHS = [
  '<!DOCTYPE lolz [<!ENTITY lol "lol">',
  ...Array.from(
    { length: 9 },
    (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
  ),
  "]>",
].join("");

/** Item elements that all point at one multiRef, which points ten times at the next, eight deep. */
function multiRefBomb(): string {
  const refs = Array.from({ length: 10 }, () => '<tns:Item href="#r0"/>').join("");
  const bodies = Array.from(
    { length: 8 },
    (_, i) =>
      `<multiRef id="r${i}">${Array.from({ length: 10 }, () => `<x href="#r${i + 1}"/>`).join("")}</multiRef>`,
  ).join("");
  return queryEnvelope(refs).replace(
    "</soap:Body>",
    `${bodies}<multiRef id="r8"><y>1</y></multiRef></soap:Body>`,
  );
}

describe("hostile answers from the service", () => {
  const cases: [string, RawAnswer, RegExp, Record<string, unknown>?][] = [
    [
      "an entity-expansion (billion laughs) payload",
      { body: queryEnvelope(item("<tns:xm>&lol9;</tns:xm>"), `<?xml version="1.0"?>${LAUGHS}`) },
      /Document Type Declaration/,
    ],
    [
      "a 3 MiB string",
      { body: queryEnvelope(item(`<tns:xm>${"参".repeat(1024 * 1024)}</tns:xm>`)) },
      /more than 1048576 bytes/,
      { maxBytes: 1024 * 1024 },
    ],
    [
      "5 000 nested elements",
      { body: queryEnvelope(item(`${"<a>".repeat(5000)}x${"</a>".repeat(5000)}`)) },
      /nested deeper than 64/,
    ],
    [
      "shared references that expand to 10^9 values (multiRef)",
      { body: multiRefBomb() },
      /expands to more than/,
    ],
    [
      "an HTML error page",
      { contentType: "text/html", body: "<html><body>502 Bad Gateway</body></html>" },
      /not a SOAP envelope|not valid XML/,
    ],
    [
      "broken XML",
      { body: "<soap:Envelope><soap:Body><unclosed>" },
      /not a SOAP envelope|not valid XML/,
    ],
    [
      "HTTP 500 without a fault",
      { status: 500, contentType: "text/plain", body: "Internal Server Error" },
      /HTTP 500|not valid XML|not a SOAP envelope/,
    ],
    [
      "GBK bytes declared as UTF-8",
      {
        contentType: "text/xml; charset=utf-8",
        body: Buffer.from([0x3c, 0x61, 0x3e, 0xd5, 0xc5, 0x3c, 0x2f, 0x61, 0x3e]),
      },
      /not valid utf-8/,
    ],
  ];
  it.each(cases)("%s: unavailable with a clear message", async (_name, answer, message, params) => {
    raw.answer = answer;
    const s = await source();
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", ...(params ? { params } : {}) });
    expect(error.message).toMatch(message);
    expect(error.zh).toMatch(/[\u4e00-\u9fff]/);
  });

  it("a million '<' without a colon is refused at once (the soap package's own regex would backtrack for hours)", async () => {
    raw.answer = { body: "<".repeat(1_000_000) };
    const error = await scanOf(await source()).catch((e) => e);
    expect(error).toMatchObject({
      code: "unavailable",
      message: expect.stringContaining("not a SOAP envelope"),
    });
  });

  it("junk around the envelope (as some stacks send) is cut away", async () => {
    raw.answer = {
      body: `--uuid:1\r\nContent-Type: text/xml\r\n\r\n${queryEnvelope(item("<tns:xm>丁</tns:xm>"))}\r\n--uuid:1--`,
    };
    expect(await scanOf(await source())).toEqual([{ sfzh: "370102196001011000", xm: "丁" }]);
  });

  it("a 200 KB Chinese value within the limits passes through intact", async () => {
    raw.answer = { body: queryEnvelope(item(`<tns:xm>${"参".repeat(100_000)}</tns:xm>`)) };
    const [row] = await scanOf(await source());
    expect(row?.xm).toBe("参".repeat(100_000));
  });

  it.each([["__proto__"], ["constructor"], ["hasOwnProperty"], ["toString"]])(
    "an element named %s pollutes nothing (the soap parser refuses it: unavailable)",
    async (name) => {
      raw.answer = {
        body: queryEnvelope(
          item(`<tns:${name}><tns:polluted>yes</tns:polluted></tns:${name}><tns:xm>甲</tns:xm>`),
        ),
      };
      const error = await scanOf(await source()).catch((e) => e);
      expect(error).toMatchObject({
        code: "unavailable",
        message: expect.stringContaining("could not be read"),
      });
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("polluted");
    },
  );

  it("__proto__ members that reach a row are dropped", async () => {
    raw.answer = { body: queryEnvelope(item("<tns:xm>甲</tns:xm>")) };
    const s = await source({
      list: {
        ...list,
        items: '[Result.Item.{"sfzh": sfzh, "xm": xm, "__proto__": {"polluted": "yes"}}]',
      },
    });
    const [row] = await scanOf(s);
    expect(row).toEqual({ sfzh: "370102196001011000", xm: "甲" });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.hasOwn(row as object, "__proto__")).toBe(false);
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("reads an answer in the charset its XML declaration names (GBK)", async () => {
    const envelope = queryEnvelope(
      item("<tns:xm>@@</tns:xm>"),
      '<?xml version="1.0" encoding="GBK"?>',
    );
    const [before, after] = envelope.split("@@") as [string, string];
    // 张三 in GBK; the ASCII parts and 成功 are re-encoded below.
    const gbk = (text: string) => Buffer.from(new TextEncoder().encode(text));
    const body = Buffer.concat([
      gbk(before.replace("成功", "OK")),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
      gbk(after),
    ]);
    raw.answer = { contentType: "text/xml", body };
    const [row] = await scanOf(await source());
    expect(row?.xm).toBe("张三");
  });

  it("xsi:nil is null", async () => {
    raw.answer = {
      body: queryEnvelope(
        item(
          '<tns:dwmc xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/><tns:xm>乙</tns:xm>',
        ),
      ),
    };
    const [row] = await scanOf(await source());
    expect(row).toEqual({ sfzh: "370102196001011000", dwmc: null, xm: "乙" });
  });

  it("sends a hostile key escaped, as one text value", async () => {
    raw.answer = { body: queryEnvelope("") };
    const s = await source({
      get: { operation: "GetInsured", input: { sfzh: "{key}" }, item: "Result" },
    });
    raw.requests.length = 0;
    await s
      .get({ keyField: "sfzh", key: "</tns:sfzh><x>&</x>", fields: [] })
      .catch(() => undefined);
    expect(raw.requests[0]).toContain("&lt;/tns:sfzh&gt;&lt;x&gt;&amp;&lt;/x&gt;");
    expect(raw.requests[0]).not.toContain("<x>");
  });
});

describe("SOAP 1.2 and WSDLs over HTTP", () => {
  it("speaks SOAP 1.2 and reads a SOAP 1.2 fault's subcode as not found", async () => {
    const fault = `<?xml version="1.0"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:r="http://renshe.example/ws/insured"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>r:PersonNotFound</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="zh">无此参保人员</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>`;
    raw.answer = { status: 400, contentType: "application/soap+xml; charset=utf-8", body: fault };
    const s = await source({
      soapVersion: "1.2",
      get: {
        operation: "GetInsured",
        input: { sfzh: "{key}" },
        item: "Result",
        notFound: ["PersonNotFound"],
      },
    });
    raw.requests.length = 0;
    raw.contentTypes.length = 0;
    expect(
      await s.get({ keyField: "sfzh", key: "370102196001011000", fields: [] }),
    ).toBeUndefined();
    expect(raw.requests[0]).toContain("http://www.w3.org/2003/05/soap-envelope");
    expect(raw.contentTypes[0]).toMatch(/^application\/soap\+xml/);
    const other = await source({
      soapVersion: "1.2",
      get: {
        operation: "GetInsured",
        input: { sfzh: "{key}" },
        item: "Result",
        notFound: ["Gone"],
      },
    });
    await expect(other.get({ keyField: "sfzh", key: "x", fields: [] })).rejects.toMatchObject({
      code: "unavailable",
      params: { faultCode: "env:Sender" },
    });
  });

  it("reads a WSDL from a URL, and gives up on a silent one within the timeout", async () => {
    raw.answer = { body: await readFile(WSDL_PATH) };
    const s = await createSource(
      { kind: "soap", wsdl: `${raw.url}?wsdl`, endpoint: raw.url, list },
      { baseDir: ".", env: {} },
    );
    sources.push(s);
    raw.answer = { body: queryEnvelope(item("<tns:xm>丙</tns:xm>")) };
    expect(await scanOf(s)).toEqual([{ sfzh: "370102196001011000", xm: "丙" }]);

    raw.answer = { hold: true };
    const started = performance.now();
    const error = await createSource(
      { kind: "soap", wsdl: `${raw.url}?wsdl`, endpoint: raw.url, timeout: 300, list },
      { baseDir: ".", env: {} },
    ).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("a slow service", () => {
  it("is unavailable within the timeout, never a hang", async () => {
    raw.answer = { hold: true };
    const s = await source({ timeout: 300 });
    const started = performance.now();
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { timeout: 300 } });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("the caller's signal aborts a call with its own reason", async () => {
    raw.answer = { hold: true };
    const s = await source();
    const controller = new AbortController();
    const pending = s.scan({
      keyField: "sfzh",
      filter: {},
      fields: [],
      limit: 10,
      signal: controller.signal,
    });
    controller.abort(new Error("client went away"));
    await expect(pending).rejects.toThrow("client went away");
  });

  it("a slow operation of the real service times out too", async () => {
    const service = await startInsuredServer({ count: 3 });
    const s = await createSource(
      {
        kind: "soap",
        wsdl: WSDL_PATH,
        endpoint: service.url,
        timeout: 300,
        list,
        get: { operation: "GetInsured", input: { sfzh: "{key}" }, item: "Result" },
      },
      { baseDir: ".", env: {} },
    );
    await expect(s.get({ keyField: "sfzh", key: "SLOW", fields: [] })).rejects.toMatchObject({
      code: "unavailable",
      params: { timeout: 300 },
    });
    await s.close();
    await service.close();
  });
});

describe("credentials from the environment", () => {
  const env = { SOAP_USER: USER, SOAP_PASSWORD: PASSWORD };

  it("HTTP Basic: accepted when right; refused without leaking it", async () => {
    const good = await createSource(
      {
        kind: "soap",
        wsdl: WSDL_PATH,
        endpoint: secured.url,
        list,
        auth: { basic: { username: { env: "SOAP_USER" }, password: { env: "SOAP_PASSWORD" } } },
      },
      { baseDir: ".", env },
    );
    sources.push(good);
    expect(await scanOf(good)).toHaveLength(6);
    expect(secured.authorizations.at(-1)).toBe(
      `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`,
    );

    const bad = await createSource(
      {
        kind: "soap",
        wsdl: WSDL_PATH,
        endpoint: secured.url,
        list,
        auth: { basic: { username: { env: "SOAP_USER" }, password: { env: "WRONG" } } },
      },
      { baseDir: ".", env: { ...env, WRONG: "wr0ng-pa55w0rd-77" } },
    );
    sources.push(bad);
    const error = await scanOf(bad).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(everything(error)).not.toContain("wr0ng-pa55w0rd-77");
    expect(everything(error)).not.toContain(
      Buffer.from(`${USER}:wr0ng-pa55w0rd-77`).toString("base64"),
    );
  });

  it("WS-Security UsernameToken: accepted when right; a fault when wrong", async () => {
    const auth = (password: string) => ({
      wsSecurity: { username: { env: "SOAP_USER" }, password: { env: password } },
    });
    const good = await createSource(
      { kind: "soap", wsdl: WSDL_PATH, endpoint: wss.url, list, auth: auth("SOAP_PASSWORD") },
      { baseDir: ".", env },
    );
    sources.push(good);
    expect(await scanOf(good)).toHaveLength(6);

    const bad = await createSource(
      { kind: "soap", wsdl: WSDL_PATH, endpoint: wss.url, list, auth: auth("WRONG") },
      { baseDir: ".", env: { ...env, WRONG: "wr0ng-pa55w0rd-77" } },
    );
    sources.push(bad);
    const error = await scanOf(bad).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable", params: { status: 401 } });
    expect(everything(error)).not.toContain("wr0ng-pa55w0rd-77");
  });

  it("a closed port is unavailable, naming no secret", async () => {
    const s = await createSource(
      {
        kind: "soap",
        wsdl: WSDL_PATH,
        endpoint: { env: "URL" },
        timeout: 2000,
        list,
        headers: { "X-Api-Token": { env: "SOAP_PASSWORD" } },
      },
      { baseDir: ".", env: { ...env, URL: "http://127.0.0.1:1/ws/insured" } },
    );
    sources.push(s);
    const error = await scanOf(s).catch((e) => e);
    expect(error).toMatchObject({ code: "unavailable" });
    expect(everything(error)).not.toContain(PASSWORD);
  });
});
