/**
 * The demo consumer's walk through the exchange, every step a signed call to the node:
 * 人社 (the consumer) searches the catalog, asks 公安 (the provider) for household data with a
 * share request (共享申请), 公安 approves part of it, 人社 queries (fields limited to the grant and
 * masked), verifies (核验) an applicant's declared name, and checks that its accesses are in the
 * audit log with a proof verified on its own side.
 */
import { createProviderClient } from "@govex/client";
import { type LocalNodeAccess, todayInChina, verifyAuditLog } from "@govex/node";
import { parseVerifierKey } from "@govex/security";
import type { StartedDepartment } from "./departments.js";
import { nodeClient, type Say } from "./join.js";

const PURPOSE = "办理社会保险参保登记时核对参保人身份";

export interface WalkResult {
  shareRequestId: string;
  answerDeadline: string;
  masked: string[];
  verified: Record<string, string>;
  auditEntries: number;
  checkpointSize: number;
}

const addYear = (date: string) => `${Number(date.slice(0, 4)) + 1}${date.slice(4)}`;

export async function runDemoWalk(
  local: LocalNodeAccess,
  departments: readonly StartedDepartment[],
  say: Say,
): Promise<WalkResult> {
  const find = (key: string) => {
    const found = departments.find((d) => d.spec.key === key);
    if (!found) throw new Error(`the demo department ${key} is not running`);
    return found;
  };
  const household = find("household");
  const insurance = find("insurance");
  const consumer = nodeClient(local, insurance.department.keys.providerSigner);
  const provider = nodeClient(local, household.department.keys.providerSigner);
  const resource = household.entry.resourceCode;
  const [prefix, suffix] = resource.split("/") as [string, string];
  try {
    say(
      "① 目录检索: 人社局检索「户籍」",
      "① Catalog search: the HRSS bureau searches for 户籍 (household)",
    );
    const found = await consumer.request("get", "/catalog/entries", {
      params: { query: { q: "户籍" } },
    });
    for (const record of found.data.items)
      say(
        `   ${record.entry.resourceCode} ${record.entry.name}(${record.entry.provider},${record.entry.sharing.type})`,
        `   ${record.entry.resourceCode} ${record.entry.name} (${record.entry.provider}, ${record.entry.sharing.type})`,
      );

    const today = todayInChina();
    const created = await consumer.request("post", "/share-requests", {
      body: {
        resourceCode: resource,
        fields: ["residentId", "name", "birthDate"],
        purpose: PURPOSE,
        legalBasis: "《中华人民共和国社会保险法》第五十八条",
        period: { from: today, to: addYear(today) },
      },
    });
    const request = created.data;
    say(
      `② 共享申请 ${request.id}: 申请 residentId、name、birthDate; 答复期限 ${request.answerDeadline}(10 个工作日, 按国务院办公厅节假日安排计算)`,
      `② Share request ${request.id}: asks for residentId, name, birthDate; answer due ${request.answerDeadline} (10 working days on the State Council holiday calendar)`,
    );

    await provider.request("post", "/share-requests/{shareRequestId}/decision", {
      params: { path: { shareRequestId: request.id } },
      body: {
        outcome: "approved",
        grantedFields: ["residentId", "name"],
        grantedPeriod: { from: today, to: addYear(today) },
        clearText: false,
      },
    });
    say(
      "③ 公安厅批准: 只授予 residentId、name, 脱敏提供",
      "③ The PSB approves: residentId and name only, masked",
    );

    const headers = { "govex-share-request": request.id };
    const page = await consumer.request("get", "/resources/{prefix}/{suffix}/records", {
      params: { path: { prefix, suffix }, query: { purpose: PURPOSE, limit: 3 } },
      headers,
    });
    say("④ 查询(只含授予字段, 已脱敏):", "④ Query (granted fields only, masked):");
    for (const record of page.data.items)
      say(`   ${JSON.stringify(record)}`, `   ${JSON.stringify(record)}`);

    // The applicant's own declaration on the enrolment form; here taken from the demo register.
    const direct = createProviderClient({
      baseUrl: household.url,
      signer: local.nodeSigner,
      keys: new Map([
        [
          household.department.keys.providerVerifier.keyId,
          household.department.keys.providerVerifier,
        ],
      ]),
    });
    const applicant = (
      await direct.request("get", "/resources/{prefix}/{suffix}/records", {
        params: { path: { prefix, suffix }, query: { purpose: PURPOSE, limit: 1 } },
      })
    ).data.items[0] as Record<string, string>;
    await direct.close();
    const verified = await consumer.request("post", "/resources/{prefix}/{suffix}/verify", {
      params: { path: { prefix, suffix }, query: { purpose: PURPOSE } },
      headers,
      body: {
        key: String(applicant.residentId),
        values: { name: String(applicant.name), residentId: String(applicant.residentId) },
      },
    });
    say(
      `⑤ 核验申请人填报的姓名和身份号码: ${JSON.stringify(verified.data.fields)}(不返回任何数据)`,
      `⑤ Verify the applicant's declared name and ID: ${JSON.stringify(verified.data.fields)} (no data disclosed)`,
    );

    const entries = await consumer.request("get", "/audit/entries", {
      params: { query: { limit: 500 } },
    });
    const last = entries.data.items.at(-1);
    if (!last) throw new Error("the consumer's accesses are not in the audit log");
    const note = String((await consumer.request("get", "/audit/checkpoint")).data);
    const size = Number(note.split("\n")[1]);
    const proof = await consumer.request("get", "/audit/proofs/inclusion", {
      params: { query: { leafIndex: last.leafIndex, treeSize: size } },
    });
    const verdict = verifyAuditLog({
      verifiers: [parseVerifierKey(local.auditVerifierKey)],
      checkpoints: [note],
      entries: [{ entry: last as never, proof: proof.data }],
    });
    if (!verdict.ok)
      throw new Error(
        `the audit proof did not verify: ${verdict.issues.map((i) => i.en).join("; ")}`,
      );
    say(
      `⑥ 审计: 本单位 ${entries.data.items.length} 条访问记录; 最后一条(#${last.leafIndex} ${last.operation})在大小为 ${size} 的签名日志中的包含证明已在本地验证通过`,
      `⑥ Audit: ${entries.data.items.length} entries of ours; the inclusion proof of the last (#${last.leafIndex} ${last.operation}) in the signed log of size ${size} verified locally`,
    );
    return {
      shareRequestId: request.id,
      answerDeadline: request.answerDeadline,
      masked: page.data.masked ?? [],
      verified: verified.data.fields,
      auditEntries: entries.data.items.length,
      checkpointSize: size,
    };
  } finally {
    await consumer.close();
    await provider.close();
  }
}
