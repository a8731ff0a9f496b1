/**
 * The benchmark's server, in its own process so that it does not share the client's
 * event loop: answers every request with a small JSON body, signing the response with
 * the govex profile when the request was signed (the client verifies it). Prints its
 * port, then serves until killed.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createSigner, type Signer, signResponse } from "@govex/security";

const NODE_KEY = process.env.BENCH_NODE_KEY ?? "";
const signer = createSigner({ keyId: "bench-node", algorithm: "ed25519", key: NODE_KEY });
const body = JSON.stringify({ status: "ok", version: "1.0.0" });

// The floor of the signed path, for a request with `x-bench-floor`: the server's Ed25519
// signature alone, over bytes the size of a real response base, answered with signature
// fields of the real size made once here — no base building, parsing or digest.
const floor = await (async () => {
  let base: Uint8Array = new Uint8Array(0);
  const capture: Signer = {
    keyId: signer.keyId,
    algorithm: signer.algorithm,
    sign: (data) => {
      base = data;
      return signer.sign(data);
    },
  };
  const request = {
    method: "GET",
    url: "http://127.0.0.1/v1/health",
    headers: { signature: `govex=:${Buffer.alloc(64).toString("base64")}:` },
  };
  const response = { status: 200, headers: { "content-type": "application/json" } };
  const headers = await signResponse(response, request, { signer: capture, body });
  return { base, headers };
})();

const server = createServer((req, res) => {
  req.resume();
  req.on("end", async () => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (req.headers["x-bench-floor"]) {
      await signer.sign(floor.base);
      Object.assign(headers, floor.headers);
    } else if (req.headers.signature) {
      const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
      Object.assign(
        headers,
        await signResponse(
          { status: 200, headers },
          { method: req.method ?? "GET", url, headers: req.headers },
          { signer, body },
        ),
      );
    }
    res.writeHead(200, { ...headers, "content-length": String(Buffer.byteLength(body)) });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
