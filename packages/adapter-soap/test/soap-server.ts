/**
 * A real SOAP service from the `soap` package on 127.0.0.1: the 人社 社保参保 insured-person
 * service of fixtures/insured-service.wsdl, over synthetic people; and a raw HTTP server that
 * answers hand-written (hostile) envelopes for the same WSDL.
 */
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import * as soap from "soap";

export const WSDL_PATH = new URL("./fixtures/insured-service.wsdl", import.meta.url).pathname;

export interface Person {
  sfzh: string; // 公民身份号码
  grbh: number | string; // 个人编号 (xsd:long)
  xm: string; // 姓名
  xb: "M" | "F";
  csrq: string;
  cbrq: string;
  cbzt: string; // 参保状态
  xzlx: string; // 险种类型
  dwmc: string; // 单位名称
  jfjs: number; // 缴费基数
  gxsj: string;
}

export interface Change {
  xh: number;
  bgsj: string;
  bglx: "I" | "U" | "D";
  sfzh: string;
  Person?: Person;
}

/** GB 11643-1999 §8.2 check character over the first 17 digits. */
export function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return first17 + ("10X98765432"[sum % 11] as string);
}

const NAMES = [
  "张伟",
  "王芳",
  "李娜",
  "刘洋",
  "陈静",
  "杨磊",
  "赵敏",
  "黄强",
  "周杰",
  "吴秀英",
  "欧阳娜娜",
  "司马光",
];
const STATES = ["参保缴费", "暂停缴费", "终止参保"];

export function people(count: number): Person[] {
  return Array.from({ length: count }, (_, i) => {
    const birth = `19${String(60 + (i % 40)).padStart(2, "0")}${String((i % 12) + 1).padStart(2, "0")}${String((i % 27) + 1).padStart(2, "0")}`;
    return {
      sfzh: residentId(`370102${birth}${String(100 + i * 3).padStart(3, "0")}`),
      grbh: i === 0 ? "9007199254740993" : 37010200000 + i,
      xm: NAMES[i % NAMES.length] as string,
      xb: i % 2 === 0 ? "M" : "F",
      csrq: `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`,
      cbrq: `20${String(10 + (i % 14)).padStart(2, "0")}-07-01`,
      cbzt: STATES[i % 3] as string,
      xzlx: "企业职工基本养老保险",
      dwmc: `济南${["泉城", "历山", "大明湖"][i % 3]}科技有限公司`,
      jfjs: 4000 + i * 125.5,
      gxsj: `2024-0${(i % 9) + 1}-15T09:30:00+08:00`,
    };
  });
}

export interface InsuredServer {
  /** The endpoint, e.g. http://127.0.0.1:1234/ws/insured */
  url: string;
  people: Person[];
  changes: Change[];
  /** Operations called, in order. */
  log: string[];
  /** Authorization headers seen. */
  authorizations: (string | undefined)[];
  /** Called when an operation starts (tests wait on it instead of sleeping). */
  onCall?: (operation: string) => void;
  soapServer: soap.Server;
  close(): Promise<void>;
}

export interface InsuredServerOptions {
  count?: number;
  /** Require HTTP Basic with these credentials. */
  basic?: { username: string; password: string };
  /** Require a WS-Security UsernameToken with these credentials. */
  wsSecurity?: { username: string; password: string };
}

const byKey = (a: Person, b: Person) => (a.sfzh < b.sfzh ? -1 : a.sfzh > b.sfzh ? 1 : 0);

export async function startInsuredServer(
  options: InsuredServerOptions = {},
): Promise<InsuredServer> {
  const wsdl = await readFile(WSDL_PATH, "utf8");
  const server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const state = {
    people: people(options.count ?? 35),
    changes: [] as Change[],
    log: [] as string[],
    authorizations: [] as (string | undefined)[],
    onCall: undefined as ((operation: string) => void) | undefined,
  };
  const seen = (operation: string, req: IncomingMessage | undefined) => {
    state.log.push(operation);
    state.authorizations.push(req?.headers.authorization);
    state.onCall?.(operation);
  };
  const fault = (faultcode: string, faultstring: string) => ({
    Fault: { faultcode, faultstring, statusCode: 500 },
  });

  const services = {
    InsuredService: {
      InsuredPort: {
        QueryInsured(
          args: { pageNo: number; pageSize: number; cbzt?: string; dwmc?: string },
          _cb: unknown,
          _headers: unknown,
          req?: IncomingMessage,
        ) {
          seen("QueryInsured", req);
          if (args.dwmc === "FAIL")
            return { ResultCode: "9", ResultMsg: "数据库连接失败", Result: { Total: 0 } };
          if (args.dwmc === "SLOW") return new Promise(() => {});
          const rows = [...state.people]
            .sort(byKey)
            .filter(
              (p) =>
                (args.cbzt === undefined || p.cbzt === args.cbzt) &&
                (args.dwmc === undefined || p.dwmc === args.dwmc),
            );
          const page = rows.slice((args.pageNo - 1) * args.pageSize, args.pageNo * args.pageSize);
          return { ResultCode: "0", ResultMsg: "成功", Result: { Total: rows.length, Item: page } };
        },
        GetInsured(args: { sfzh: string }, _cb: unknown, _headers: unknown, req?: IncomingMessage) {
          seen("GetInsured", req);
          if (args.sfzh === "SLOW") return new Promise(() => {});
          if (args.sfzh === "FAULT") throw fault("soap:Server", "系统繁忙，请稍后再试");
          if (args.sfzh === "EMPTY") return { ResultCode: "1", ResultMsg: "无记录" };
          const person = state.people.find((p) => p.sfzh === args.sfzh);
          if (!person) throw fault("soap:Client.NotFound", `无此参保人员：${args.sfzh}`);
          return { ResultCode: "0", ResultMsg: "成功", Result: person };
        },
        QueryChanges(
          args: { sinceXh?: number | string; maxCount: number },
          _cb: unknown,
          _headers: unknown,
          req?: IncomingMessage,
        ) {
          seen("QueryChanges", req);
          const since = Number(args.sinceXh ?? 0);
          return {
            ResultCode: "0",
            ResultMsg: "成功",
            Change: state.changes.filter((c) => c.xh > since).slice(0, args.maxCount),
          };
        },
        Ping(_args: unknown, _cb: unknown, _headers: unknown, req?: IncomingMessage) {
          seen("Ping", req);
          return { Status: "OK" };
        },
      },
    },
  };
  const soapServer = soap.listen(server, "/ws/insured", services, wsdl);
  if (options.basic) {
    const expected = `Basic ${Buffer.from(`${options.basic.username}:${options.basic.password}`).toString("base64")}`;
    soapServer.authorizeConnection = (req: IncomingMessage, res?: ServerResponse) => {
      if (req.headers.authorization === expected) return true;
      if (res) res.statusCode = 401;
      return false;
    };
  }
  if (options.wsSecurity) {
    const { username, password } = options.wsSecurity;
    soapServer.authenticate = (
      security: { UsernameToken?: { Username?: unknown; Password?: unknown } } | undefined,
    ) => {
      const token = security?.UsernameToken;
      const given = token?.Password;
      const text =
        typeof given === "object" && given !== null
          ? (given as { $value?: unknown }).$value
          : given;
      return token?.Username === username && text === password;
    };
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ws/insured`;
  return {
    url,
    get people() {
      return state.people;
    },
    set people(value) {
      state.people = value;
    },
    get changes() {
      return state.changes;
    },
    set changes(value) {
      state.changes = value;
    },
    log: state.log,
    authorizations: state.authorizations,
    get onCall() {
      return state.onCall;
    },
    set onCall(value) {
      state.onCall = value;
    },
    soapServer,
    close: () => closeServer(server),
  };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  server.close();
  await once(server, "close");
}

// ---------------------------------------------------------------- raw (hostile) answers

const NS =
  'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="http://renshe.example/ws/insured"';

/** A QueryInsuredResponse envelope around the given Item elements. */
export function queryEnvelope(
  items: string,
  prolog = '<?xml version="1.0" encoding="utf-8"?>',
): string {
  return `${prolog}<soap:Envelope ${NS}><soap:Body><tns:QueryInsuredResponse><tns:ResultCode>0</tns:ResultCode><tns:ResultMsg>成功</tns:ResultMsg><tns:Result><tns:Total>1</tns:Total>${items}</tns:Result></tns:QueryInsuredResponse></soap:Body></soap:Envelope>`;
}

export interface RawAnswer {
  status?: number;
  contentType?: string;
  body?: string | Buffer;
  /** Hold the answer open (never answer). */
  hold?: boolean;
}

export interface RawServer {
  url: string;
  /** What the next calls are answered with. */
  answer: RawAnswer;
  /** Request bodies seen. */
  requests: string[];
  /** Content-Type of each request. */
  contentTypes: (string | undefined)[];
  close(): Promise<void>;
}

export async function startRawServer(): Promise<RawServer> {
  const raw: RawServer = {
    url: "",
    answer: {},
    requests: [],
    contentTypes: [],
    close: async () => {},
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    raw.requests.push(Buffer.concat(chunks).toString("utf8"));
    raw.contentTypes.push(req.headers["content-type"]);
    const { status = 200, contentType = "text/xml; charset=utf-8", body = "", hold } = raw.answer;
    if (hold) return;
    res.writeHead(status, { "content-type": contentType });
    res.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  raw.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ws/insured`;
  raw.close = () => closeServer(server);
  return raw;
}
