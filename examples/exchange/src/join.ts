/**
 * Join the example departments to a running exchange node, as a department joins a real one:
 * the operator registers the member (统一社会信用代码) and its key; the department registers its
 * system, runs the conformance kit against its own provider (signed as the exchange), submits
 * the report signed with its key — which activates its service — and publishes its catalog
 * entry. A restart finds them joined and carries on.
 */
import {
  createExchangeClient,
  type ExchangePaths,
  type GovexClient,
  ProblemError,
} from "@govex/client";
import { createConformanceReport } from "@govex/conformance";
import type { LocalNodeAccess } from "@govex/node";
import type { Signer } from "@govex/security";
import { DEMO_DEPARTMENTS, type StartedDepartment, startDemoDepartment } from "./departments.js";

export type Lang = "zh-CN" | "en";
export type Say = (zh: string, en: string) => void;

/** A signed client of the node for a key, checking the node's answers. */
export function nodeClient(local: LocalNodeAccess, signer: Signer): GovexClient<ExchangePaths> {
  return createExchangeClient({
    baseUrl: local.url,
    signer,
    keys: new Map([[local.nodeVerifier.keyId, local.nodeVerifier]]),
  });
}

/** Run a write; a 409 (already done on an earlier start) is fine. */
async function once(call: () => Promise<unknown>): Promise<"done" | "existed"> {
  try {
    await call();
    return "done";
  } catch (error) {
    if (error instanceof ProblemError && error.status === 409) return "existed";
    throw error;
  }
}

export interface JoinOptions {
  /** The node's data directory: each department runs in `departments/<name>/` under it. */
  dataDir: string;
  /** 0: every department on any free port (tests); default their fixed demo ports 8701–8704. */
  ports?: "demo" | 0;
  say: Say;
}

/** Start and join every example department. Close them with `closeDepartments`. */
export async function joinDemoDepartments(
  local: LocalNodeAccess,
  options: JoinOptions,
): Promise<StartedDepartment[]> {
  const { say } = options;
  const operator = nodeClient(local, local.operator.signer);
  const started: StartedDepartment[] = [];
  try {
    for (const spec of DEMO_DEPARTMENTS) {
      const dept = await startDemoDepartment(spec, {
        nodePublicPem: local.nodePublicPem,
        port: options.ports === 0 ? 0 : spec.port,
        dataDir: options.dataDir,
      });
      started.push(dept);
      const { entry, department } = dept;
      const member = entry.providerCode;
      await once(() =>
        operator.request("post", "/members", {
          body: { code: member, name: entry.provider, memberClass: "GOV", divisionCode: "370000" },
        }),
      );
      const keyId = department.keys.providerSigner.keyId;
      const key = await once(() =>
        operator.request("post", "/members/{memberCode}/keys", {
          params: { path: { memberCode: member } },
          body: { keyId, algorithm: "ed25519", publicKey: department.keys.providerPublicPem },
        }),
      );
      if (key === "existed") {
        const { data } = await operator.request("get", "/members/{memberCode}/keys", {
          params: { path: { memberCode: member } },
        });
        const registered = data.items.find((k) => k.keyId === keyId);
        if (registered?.publicKey.trim() !== department.keys.providerPublicPem.trim())
          throw new Error(
            `${entry.provider}: the exchange holds another key under ${keyId} — the department's keys were remade. Start with a new --data-dir.`,
          );
      }
      const client = nodeClient(local, department.keys.providerSigner);
      const system = { code: spec.system, name: entry.provider, providerBaseUrl: dept.url };
      const registered = await once(() =>
        client.request("post", "/members/{memberCode}/systems", {
          params: { path: { memberCode: member } },
          body: system,
        }),
      );
      // Joined on an earlier start, perhaps at another address: keep the address current.
      if (registered === "existed")
        await client.request("put", "/members/{memberCode}/systems/{systemCode}", {
          params: { path: { memberCode: member, systemCode: spec.system } },
          body: system,
        });
      const result = await department.conformance(local.nodeSigner);
      const report = await createConformanceReport(result, {
        signer: department.keys.providerSigner,
      });
      const services = await client.request(
        "post",
        "/members/{memberCode}/systems/{systemCode}/conformance",
        {
          params: { path: { memberCode: member, systemCode: spec.system } },
          body: report as never,
        },
      );
      await once(() => client.request("post", "/catalog/entries", { body: entry as never }));
      say(
        `  ✓ ${entry.provider}(${member}) 已接入: 系统 ${spec.system} ${dept.url},符合性测试 ${result.summary.passed}/${result.summary.total} 通过, 服务 ${services.data.items.map((s) => s.path).join("、")} 已启用, 目录 ${entry.resourceCode}「${entry.name}」已发布`,
        `  ✓ ${entry.provider} (${member}) joined: system ${spec.system} at ${dept.url}, conformance ${result.summary.passed}/${result.summary.total} passed, service ${services.data.items.map((s) => s.path).join(", ")} active, catalog ${entry.resourceCode} published`,
      );
      await client.close();
    }
  } catch (error) {
    await closeDepartments(started);
    throw error;
  } finally {
    await operator.close();
  }
  return started;
}

export async function closeDepartments(departments: readonly StartedDepartment[]): Promise<void> {
  for (const dept of [...departments].reverse()) await dept.close().catch(() => {});
}
