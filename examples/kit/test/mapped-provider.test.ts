/**
 * The whole chain on a memory source: a mapping file, the mapped adapter and the provider
 * runtime, checked over a real socket by the conformance kit as the exchange would.
 */
import { copyFile, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemorySource } from "@govex/adapter";
import { residentIdCheckCharacter } from "@govex/schemas";
import { expect, it } from "vitest";
import { startDepartment } from "../src/index.js";

const fixtures = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "packages",
  "adapter",
  "test",
  "fixtures",
  "hukou",
);

function row(n: number) {
  const first17 = `110105198001${String(1 + (n % 28)).padStart(2, "0")}${String(n).padStart(3, "0")}`;
  return {
    SFZH: first17 + residentIdCheckCharacter(first17),
    XM: `测试${n}`,
    XB: n % 2 ? "M" : "F",
    CSRQ: "19800101",
    ZZ: "北京市",
  };
}

it("a mapped memory source passes the conformance kit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "govex-kit-"));
  for (const f of ["mapping.yaml", "entry.json"]) await copyFile(join(fixtures, f), join(dir, f));
  await writeFile(
    join(dir, "provider.yaml"),
    `system: 测试户籍系统
listen: { port: 0 }
signing: { keyId: test-provider, algorithm: ed25519, privateKey: { file: ./.data/keys/provider.pem } }
exchange: { keys: [{ keyId: exchange-node, algorithm: ed25519, publicKey: { file: ./.data/keys/exchange.pub.pem } }] }
resources: [{ mapping: ./mapping.yaml }]
`,
  );
  const source = createMemorySource(
    "SFZH",
    Array.from({ length: 120 }, (_, i) => row(i)),
  );
  const department = await startDepartment({
    dir,
    providerKeyId: "test-provider",
    createSource: async () => source,
  });
  try {
    const result = await department.conformance();
    const failed = result.checks.filter((c) => c.status === "fail");
    expect(failed.map((c) => [c.id, JSON.stringify(c).slice(0, 600)])).toEqual([]);
    expect(result.summary.ok).toBe(true);
  } finally {
    await department.close();
  }
});
