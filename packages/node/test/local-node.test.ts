/**
 * `startLocalNode`, as `govex start` runs it: keys made once and kept, one node per embedded
 * data directory, a changed operator key refused loudly, and a log that holds no query values
 * or record keys.
 */
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createExchangeClient } from "@govex/client";
import { describe, expect, it } from "vitest";
import { startLocalNode } from "../src/local-node.js";
import { logPath } from "../src/server/app.js";
import { isStoreError } from "../src/store/index.js";

const dataDir = () => mkdtempSync(join(tmpdir(), "govex-local-"));

describe("startLocalNode", () => {
  it("keeps its keys, locks its data directory, and refuses a changed operator key", async () => {
    const dir = dataDir();
    const first = await startLocalNode({ dataDir: dir, port: 0 });
    try {
      expect(statSync(join(dir, "keys", "node.pem")).mode & 0o777).toBe(0o600);
      expect(statSync(first.files.log).mode & 0o777).toBe(0o600);
      const second = await startLocalNode({ dataDir: dir, port: 0 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isStoreError(second)).toBe(true);
      expect((second as Error).message).toContain(String(process.pid));
    } finally {
      await first.close();
    }
    expect(existsSync(join(dir, "node.lock"))).toBe(false);

    // A restart keeps the keys: the audit verifier key is the same.
    const again = await startLocalNode({ dataDir: dir, port: 0 });
    const vkey = again.auditVerifierKey;
    await again.close();
    expect(vkey).toBe(first.auditVerifierKey);

    // A remade operator key under the same key id would lock the operator out: refused.
    await rm(join(dir, "keys", "operator.pem"));
    const changed = await startLocalNode({ dataDir: dir, port: 0 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isStoreError(changed) && changed.code).toBe("config_invalid");
    expect(existsSync(join(dir, "node.lock"))).toBe(false);
  }, 120_000);

  it("logs requests without their query or record key", async () => {
    const local = await startLocalNode({ dataDir: dataDir(), port: 0 });
    try {
      const client = createExchangeClient({
        baseUrl: local.url,
        signer: local.operator.signer,
        keys: new Map([[local.nodeVerifier.keyId, local.nodeVerifier]]),
      });
      await client
        .request("get", "/resources/{prefix}/{suffix}/records/{key}", {
          params: {
            path: { prefix: "101001", suffix: "000001", key: "370102194208220820" },
            query: { purpose: "核对申请人身份的秘密用途" },
          },
        })
        .catch(() => {});
      await client.close();
    } finally {
      await local.close();
    }
    const log = await readFile(local.files.log, "utf8");
    expect(log).toContain("/v1/resources/101001/000001/records/{key}");
    expect(log).not.toContain("370102194208220820");
    expect(log).not.toContain("秘密用途");
    expect(logPath("/v1/members?cursor=abc")).toBe("/v1/members");
  });
});
