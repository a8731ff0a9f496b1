/**
 * The streamed export's last line (specs/exchange v1 `pullBatch`, ExportTrailer), read by
 * `ExportReader` and by the client: directly on bytes (table of cut, altered and spliced
 * streams, chunk boundaries anywhere, hostile records), and over a real loopback socket from a
 * server that signs the answer's head without a Content-Digest and ends it as the node does.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  contentDigest,
  createSigner,
  createVerifier,
  type Signer,
  signResponse,
} from "@govex/security";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ClientError,
  createExchangeClient,
  ExportReader,
  type ExportTrailer,
  exportTrailerInput,
} from "../src/index.js";

function keyPair(keyId: string) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    signer: createSigner({ keyId, algorithm: "ed25519", key: privateKey }),
    verifier: createVerifier({ keyId, algorithm: "ed25519", key: publicKey }),
  };
}

const node = keyPair("exchange-1");
const stranger = keyPair("exchange-1"); // the same keyId, another key
const REQUEST_SIGNATURE = "govex=:c2lnbmF0dXJl:";

/** An export as the node writes it: records, then the signed last line. */
async function exportBody(
  records: readonly Record<string, unknown>[],
  signer: Signer = node.signer,
  requestSignature: string | undefined = REQUEST_SIGNATURE,
  extra: Partial<ExportTrailer> = {},
): Promise<Buffer> {
  const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
  const bytes = Buffer.from(text, "utf8");
  const unsigned = {
    "@govex": "end" as const,
    records: records.length,
    bytes: bytes.length,
    digest: contentDigest(bytes, ["sha-256", "sm3"]),
    keyId: signer.keyId,
    ...extra,
  };
  const signature = Buffer.from(
    await signer.sign(exportTrailerInput(unsigned, requestSignature)),
  ).toString("base64");
  return Buffer.concat([bytes, Buffer.from(`${JSON.stringify({ ...unsigned, signature })}\n`)]);
}

const RECORDS = Array.from({ length: 50 }, (_, i) => ({
  residentId: `37010219800101${String(1000 + i)}`,
  name: `张${i}`,
  city: ["济南", "青岛"][i % 2],
}));

/** Read bytes in chunks of `size`; the records seen and the check. */
async function read(bytes: Buffer, size = bytes.length, signature = REQUEST_SIGNATURE) {
  const seen: Record<string, unknown>[] = [];
  const reader = new ExportReader({ onRecord: (r) => seen.push(r) });
  for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
  const check = await reader.finish(new Map([[node.verifier.keyId, node.verifier]]), signature);
  return { seen, check };
}

describe("ExportReader", () => {
  it("accepts a whole export in any chunking, hands every record over, returns the trailer", async () => {
    const body = await exportBody(RECORDS);
    for (const size of [1, 7, 4096, body.length]) {
      const { seen, check } = await read(body, size);
      expect(check, `chunks of ${size}`).toMatchObject({ ok: true, records: RECORDS.length });
      expect(seen).toEqual(RECORDS);
    }
  });

  it("finds every way a stream can be wrong", async () => {
    const body = await exportBody(RECORDS);
    const text = body.toString("utf8");
    const lastLf = body.lastIndexOf(0x0a, body.length - 2);
    const cases: [string, Buffer | (() => Promise<Buffer>), string, string?][] = [
      ["cut before its last line", body.subarray(0, lastLf + 1), "export_truncated"],
      ["cut inside its last line", body.subarray(0, body.length - 10), "export_truncated"],
      ["nothing at all", Buffer.alloc(0), "export_truncated"],
      ["a byte changed", Buffer.from(text.replace("济南", "青岛")), "export_digest_mismatch"],
      ["a record dropped", Buffer.from(text.replace(/^[^\n]*\n/, "")), "export_count_mismatch"],
      [
        "a record added before the trailer",
        Buffer.concat([
          body.subarray(0, lastLf + 1),
          Buffer.from('{"x":1}\n'),
          body.subarray(lastLf + 1),
        ]),
        "export_count_mismatch",
      ],
      ["another request's trailer", body, "export_signature_invalid", "govex=:b3RoZXI=:"],
      [
        "signed by another key under the same id",
        () => exportBody(RECORDS, stranger.signer),
        "export_signature_invalid",
      ],
      [
        "a line that is not JSON",
        Buffer.concat([Buffer.from("{oops\n"), body]),
        "export_malformed",
      ],
      [
        "a line that is an array",
        Buffer.concat([Buffer.from("[1,2]\n"), body]),
        "export_malformed",
      ],
      [
        "a trailer naming no digest of ours",
        () => exportBody(RECORDS, node.signer, REQUEST_SIGNATURE, { digest: "md5=:AAAA:" }),
        "export_digest_mismatch",
      ],
      [
        "a trailer whose digest is no dictionary",
        () => exportBody(RECORDS, node.signer, REQUEST_SIGNATURE, { digest: "((((" }),
        "export_digest_mismatch",
      ],
    ];
    for (const [name, given, code, signature] of cases) {
      const bytes = typeof given === "function" ? await given() : given;
      const { check } = await read(bytes, 13, signature);
      expect(check.ok, name).toBe(false);
      expect(check.ok === false && check.code, name).toBe(code);
    }
  });

  it("takes a record carrying an @govex member, or __proto__, as a record, never as the end", async () => {
    const hostile = [
      { "@govex": "end", records: 0, bytes: 0, digest: "", keyId: "x", signature: "" },
      JSON.parse('{"__proto__":{"polluted":true},"name":"x\'); drop table t; --"}'),
      { name: "x".repeat(100_000) },
    ];
    const { seen, check } = await read(await exportBody(hostile), 1000);
    expect(check).toMatchObject({ ok: true, records: 3 });
    expect(seen).toHaveLength(3);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("refuses a line longer than its bound while it arrives", async () => {
    const reader = new ExportReader({ maxLineBytes: 1024 });
    reader.push(Buffer.from(`{"name":"${"x".repeat(4096)}`));
    expect(await reader.finish(node.verifier, REQUEST_SIGNATURE)).toMatchObject({
      ok: false,
      code: "export_malformed",
    });
  });
});

describe("the client on a streamed export over a socket", () => {
  let url = "";
  let close = async () => {};
  let mode: "whole" | "cut" | "tampered" = "whole";
  beforeAll(async () => {
    const server = createServer(async (req, res) => {
      const requestUrl = new URL(req.url ?? "/", "http://127.0.0.1");
      const headers = { "content-type": "application/x-ndjson; charset=utf-8" };
      const signed = await signResponse(
        { status: 200, headers },
        { method: "GET", url: requestUrl, headers: req.headers },
        { signer: node.signer },
      );
      res.writeHead(200, { ...headers, ...signed });
      let body = await exportBody(RECORDS, node.signer, String(req.headers.signature));
      if (mode === "cut") body = body.subarray(0, body.lastIndexOf(0x0a, body.length - 2) + 1);
      if (mode === "tampered") body = Buffer.from(body.toString("utf8").replace("张1", "李1"));
      for (let i = 0; i < body.length; i += 512) res.write(body.subarray(i, i + 512));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  const client = () =>
    createExchangeClient({
      baseUrl: url,
      signer: keyPair("consumer-1").signer,
      keys: new Map([[node.verifier.keyId, node.verifier]]),
    });
  const params = { path: { prefix: "101001", suffix: "0001" }, query: { purpose: "核对" } };

  it("streamNdjson yields the records and returns the checked last line", async () => {
    mode = "whole";
    const stream = client().streamNdjson("/resources/{prefix}/{suffix}/export", { params });
    const seen: unknown[] = [];
    let next = await stream.next();
    while (!next.done) {
      seen.push(next.value);
      next = await stream.next();
    }
    expect(seen).toEqual(RECORDS);
    expect(next.value).toMatchObject({ "@govex": "end", records: RECORDS.length });
    // request() reads it whole and checks the same before it answers.
    const { data } = await client().request("get", "/resources/{prefix}/{suffix}/export", {
      params,
    });
    expect(String(data).trim().split("\n")).toHaveLength(RECORDS.length + 1);
  });

  it("throws on a cut or altered export, after the records it did get", async () => {
    for (const [given, code] of [
      ["cut", "export_truncated"],
      ["tampered", "export_digest_mismatch"],
    ] as const) {
      mode = given;
      let count = 0;
      const failure = await (async () => {
        for await (const _ of client().streamNdjson("/resources/{prefix}/{suffix}/export", {
          params,
        }))
          count++;
      })().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure, given).toBeInstanceOf(ClientError);
      expect((failure as ClientError).code, given).toBe(code);
      expect(count, given).toBeGreaterThan(0);
      const viaRequest = await client()
        .request("get", "/resources/{prefix}/{suffix}/export", { params })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect((viaRequest as ClientError).code, given).toBe(code);
    }
  });
});
