/**
 * A small legacy 民政 婚姻登记 (marriage registration) JSON API on 127.0.0.1, in the shapes real
 * department APIs use: page/size, offset/limit, keyset, opaque cursors, POST queries, body-level
 * status codes, and a few hostile answers. Synthetic data only.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Marriage {
  zsbh: string; // 结婚证字号
  nfxm: string; // 男方姓名
  nvxm: string; // 女方姓名
  djrq: string; // 登记日期
  djjg: string; // 登记机关
}

const SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"];
const OFFICES = ["济南市历下区民政局", "济南市市中区民政局", "青岛市市南区民政局"];

export function marriages(count: number): Marriage[] {
  return Array.from({ length: count }, (_, i) => ({
    zsbh: `J370102-2020-${String(i * 7 + 3).padStart(6, "0")}`,
    nfxm: `${SURNAMES[i % 10]}${GIVEN[(i * 3) % 10]}`,
    nvxm: `${SURNAMES[(i + 4) % 10]}${GIVEN[(i * 7 + 1) % 10]}`,
    djrq: `2020-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
    djjg: OFFICES[i % 3] as string,
  }));
}

/** A fixed shuffle, so "unordered" answers are the same on every run. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  let seed = 12345;
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export interface ApiServer {
  url: string;
  /** Requests seen, as "METHOD path?query". */
  log: string[];
  /** Authorization header values seen. */
  authorizations: (string | undefined)[];
  /** Responses held open by /slow routes; released on close. */
  held: ServerResponse[];
  /** Replace the data set (for change and shift tests). */
  data: Marriage[];
  changes: {
    seq: number;
    time: string;
    op: "U" | "D";
    record: Partial<Marriage> & { zsbh: string };
  }[];
  /** Called when a request arrives (tests wait on it instead of sleeping). */
  onRequest?: (path: string) => void;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  count?: number;
  /** When set, every /api route requires "Authorization: Bearer <token>". */
  token?: string;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  type = "application/json; charset=utf-8",
) {
  const text = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": type });
  res.end(text);
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const api: ApiServer = {
    url: "",
    log: [],
    authorizations: [],
    held: [],
    data: marriages(options.count ?? 57),
    changes: [],
    close: async () => {},
  };
  const sorted = () =>
    [...api.data].sort((a, b) => (a.zsbh < b.zsbh ? -1 : a.zsbh > b.zsbh ? 1 : 0));
  const ok = (data: unknown) => ({ code: 0, msg: "成功", data });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const q = url.searchParams;
    const path = url.pathname;
    api.log.push(`${req.method} ${url.pathname}${url.search}`);
    api.authorizations.push(req.headers.authorization);
    api.onRequest?.(path);
    if (path === "/ping") return send(res, 200, "pong", "text/plain");
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`)
      return send(res, 401, { code: 401, msg: "未授权" });

    const int = (name: string, fallback: number) => {
      const v = q.get(name);
      return v === null ? fallback : Number(v);
    };
    const filtered = (rows: Marriage[]) =>
      rows.filter(
        (r) =>
          (!q.has("certNo") || r.zsbh === q.get("certNo")) &&
          (!q.has("office") || r.djjg === q.get("office")),
      );

    switch (path) {
      case "/api/marriages": {
        const page = int("page", 1);
        const size = int("size", 10);
        const rows = filtered(sorted());
        return send(
          res,
          200,
          ok({ total: rows.length, records: rows.slice((page - 1) * size, page * size) }),
        );
      }
      case "/api/shuffled": {
        const page = int("pageNo", 0);
        const size = int("pageSize", 10);
        const rows = filtered(shuffled(api.data));
        return send(res, 200, { rows: rows.slice(page * size, (page + 1) * size) });
      }
      case "/api/offset": {
        const offset = int("offset", 0);
        const limit = int("limit", 10);
        return send(res, 200, { items: filtered(sorted()).slice(offset, offset + limit) });
      }
      case "/api/keyset": {
        const after = q.get("after");
        const size = int("size", 10);
        const rows = filtered(sorted()).filter((r) => after === null || r.zsbh > after);
        return send(res, 200, ok(rows.slice(0, size)));
      }
      case "/api/cursor": {
        const start = q.has("cursor")
          ? Number(Buffer.from(q.get("cursor") as string, "base64url").toString())
          : 0;
        const size = int("size", 10);
        const rows = filtered(sorted());
        const end = start + size;
        return send(res, 200, {
          items: rows.slice(start, end),
          nextCursor: end < rows.length ? Buffer.from(String(end)).toString("base64url") : null,
        });
      }
      case "/api/all":
        return send(res, 200, shuffled(api.data));
      case "/api/query": {
        if (req.method !== "POST") return send(res, 405, { code: 405 });
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          pageNum: number;
          pageSize: number;
          params?: { office?: string };
        };
        const rows = sorted().filter((r) => !body.params?.office || r.djjg === body.params.office);
        return send(
          res,
          200,
          ok({
            list: rows.slice((body.pageNum - 1) * body.pageSize, body.pageNum * body.pageSize),
          }),
        );
      }
      case "/api/unsorted": {
        const page = int("page", 1);
        const size = int("size", 10);
        return send(
          res,
          200,
          ok({ records: shuffled(api.data).slice((page - 1) * size, page * size) }),
        );
      }
      case "/api/ignores-page":
        return send(res, 200, ok({ records: sorted().slice(0, int("size", 10)) }));
      case "/api/dup":
        return send(res, 200, ok({ records: [api.data[0], api.data[1], api.data[0]] }));
      case "/api/bizfail":
        return send(res, 200, { code: 500, msg: "数据库连接失败", data: null });
      case "/api/fail":
        return send(res, 500, { code: 500, msg: "Internal Server Error" });
      case "/api/slow":
        api.held.push(res);
        return;
      case "/api/slowbody":
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"data":{"records":[');
        api.held.push(res);
        return;
      case "/api/huge": {
        // About 3 MiB, chunked (no Content-Length), one string value.
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"data":{"records":[{"zsbh":"X","nfxm":"');
        const chunk = "婚".repeat(64 * 1024);
        for (let i = 0; i < 16 && !res.destroyed; i++) res.write(chunk);
        res.end('"}]}}');
        return;
      }
      case "/api/huge-declared":
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": String(64 * 1024 * 1024),
        });
        res.write("{");
        api.held.push(res);
        return;
      case "/api/big-ok": {
        const name = "婚".repeat(100_000);
        return send(res, 200, ok({ records: [{ ...api.data[0], nfxm: name }] }));
      }
      case "/api/deep":
        return send(res, 200, `${"[".repeat(100_000)}${"]".repeat(100_000)}`);
      case "/api/proto":
        return send(
          res,
          200,
          `{"data":{"records":[{"zsbh":"P1","nfxm":"甲","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}},` +
            `{"zsbh":"P2","nfxm":"乙","\\u005f_proto__":{"polluted":"yes"}}]}}`,
        );
      case "/api/html":
        return send(res, 200, "<html><body>502 Bad Gateway</body></html>", "text/html");
      case "/api/gbk":
      case "/api/gbk-undeclared": {
        // {"data":{"records":[{"zsbh":"G1","nfxm":"张三"}]}} with 张三 in GBK (D5C5 C8FD).
        const bytes = Buffer.concat([
          Buffer.from('{"data":{"records":[{"zsbh":"G1","nfxm":"'),
          Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
          Buffer.from('"}]}}'),
        ]);
        return send(
          res,
          200,
          bytes,
          path === "/api/gbk" ? "application/json; charset=GBK" : "application/json",
        );
      }
      case "/api/bigint":
        return send(
          res,
          200,
          '{"data":{"records":[{"zsbh":1234567890123456789,"n":12,"f":-1.5e3,"s":"12345678901234567890"}]}}',
        );
      case "/api/changes": {
        const since = q.has("since") ? Number(q.get("since")) : 0;
        const size = int("size", 10);
        return send(res, 200, ok(api.changes.filter((c) => c.seq > since).slice(0, size)));
      }
      case "/api/changes-backward":
        return send(res, 200, ok([api.changes[1], api.changes[0]]));
      case "/api/path-echo":
        return send(res, 200, ok({ records: [] }));
    }
    const detail = /^\/api\/marriages\/([^/]+)$/.exec(path);
    if (detail) {
      const key = decodeURIComponent(detail[1] as string);
      const row = api.data.find((r) => r.zsbh === key);
      return row ? send(res, 200, ok(row)) : send(res, 404, { code: 404, msg: "无此记录" });
    }
    const legacy = /^\/api\/legacy\/([^/]+)$/.exec(path);
    if (legacy) {
      const key = decodeURIComponent(legacy[1] as string);
      const row = api.data.find((r) => r.zsbh === key);
      return send(res, 200, row ? ok(row) : { code: 404, msg: "无此记录", data: null });
    }
    return send(res, 404, { code: 404, msg: "not found" });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = async () => {
    for (const res of api.held) res.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, "close");
  };
  return api;
}
