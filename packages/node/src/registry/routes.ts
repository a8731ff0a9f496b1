/**
 * The registry (注册与元服务) of specs/exchange v1: members by 统一社会信用代码 (GB 32100-2015),
 * their signature keys (added before the old one is revoked when rotating), their systems, and
 * the services a system offers — active only once the member submitted a valid signed
 * conformance report for the system's provider API.
 */
import { verifyConformanceReport } from "@govex/conformance";
import { isUscc } from "@govex/schemas";
import {
  type Caller,
  callerOf,
  type OperationHandlers,
  type OperationRequest,
} from "../server/operation.js";
import { decodeCursor, isString, page } from "../server/pagination.js";
import { conflict, forbidden, invalid, notFound } from "../server/problem.js";
import type { Queryable } from "../store/index.js";
import { type KeyAlgorithm, verifierFor } from "./keys.js";

interface MemberRow extends Record<string, unknown> {
  code: string;
  name: string;
  member_class: "GOV" | "PUB" | "COM";
  division_code: string | null;
  contact: Record<string, unknown> | null;
  registered_at: Date;
}

interface KeyRow extends Record<string, unknown> {
  key_id: string;
  member_code: string;
  algorithm: KeyAlgorithm;
  public_key: string;
  not_after: Date | null;
  status: "active" | "revoked";
}

export interface SystemRow extends Record<string, unknown> {
  member_code: string;
  code: string;
  name: string;
  provider_base_url: string;
  inventory_name: string | null;
}

interface ServiceRow extends Record<string, unknown> {
  member_code: string;
  system_code: string;
  code: string;
  resource_code: string;
  operations: string[];
  status: "pending" | "active" | "suspended";
  record_schema: Record<string, unknown> | null;
  described_entry: Record<string, unknown> | null;
}

const limitOf = (request: OperationRequest) => (request.query.limit as number | undefined) ?? 50;

const memberJson = (row: MemberRow) => ({
  code: row.code,
  name: row.name,
  memberClass: row.member_class,
  ...(row.division_code === null ? {} : { divisionCode: row.division_code }),
  ...(row.contact === null ? {} : { contact: row.contact }),
  registeredAt: row.registered_at.toISOString(),
});

const keyJson = (row: KeyRow) => ({
  keyId: row.key_id,
  algorithm: row.algorithm,
  publicKey: row.public_key,
  ...(row.not_after === null ? {} : { notAfter: row.not_after.toISOString() }),
  status: row.status,
});

/** The service path INSTANCE/CLASS/MEMBER/SYSTEM[/SERVICE] (X-Road's addressing, specs/exchange v1 ServicePath). */
export function servicePath(instance: string, member: MemberRow, system: string, service?: string) {
  return `${instance}/${member.member_class}/${member.code}/${system}${service ? `/${service}` : ""}`;
}

/** The service code of a resource: its code in lower case, `/` as `-` (specs/exchange v1 Code). */
export const serviceCode = (resourceCode: string) => resourceCode.toLowerCase().replace("/", "-");

async function member(db: Queryable, code: string): Promise<MemberRow> {
  const row = (await db.query<MemberRow>("select * from members where code = $1", [code])).rows[0];
  if (!row) throw notFound({ zh: `成员单位 ${code} `, en: `Member ${code}` });
  return row;
}

async function system(db: Queryable, memberCode: string, code: string): Promise<SystemRow> {
  const row = (
    await db.query<SystemRow>("select * from systems where member_code = $1 and code = $2", [
      memberCode,
      code,
    ])
  ).rows[0];
  if (!row)
    throw notFound({ zh: `信息系统 ${memberCode}/${code} `, en: `System ${memberCode}/${code}` });
  return row;
}

/** The member itself or the operator. */
function selfOrOperator(caller: Caller, memberCode: string): void {
  if (caller.member !== memberCode && !caller.operator)
    throw forbidden(
      `只有成员单位 ${memberCode} 本身或交换运营方可以这样做。`,
      `Only member ${memberCode} itself or the exchange operator may do this.`,
    );
}

interface SystemInput {
  code: string;
  name: string;
  providerBaseUrl: string;
  inventoryName?: string;
}

function checkBaseUrl(url: string): void {
  if (!/^https?:\/\//i.test(url))
    throw invalid(
      "providerBaseUrl 须为 http(s) 地址。",
      "providerBaseUrl must be an http(s) URL.",
      [{ path: "/providerBaseUrl", code: "url_invalid", message: url.slice(0, 200) }],
    );
}

/** Check a public key as the node will verify with it. */
function checkKey(input: { keyId: string; algorithm: KeyAlgorithm; publicKey: string }) {
  if (
    !verifierFor({ key_id: input.keyId, algorithm: input.algorithm, public_key: input.publicKey })
  )
    throw invalid(
      `公钥无法按 ${input.algorithm} 解析。请提交 PEM(SPKI)公钥;sm2-sm3 为 04‖x‖y 的十六进制。`,
      `The public key does not parse as ${input.algorithm}: send a PEM (SPKI) key, or hex 04‖x‖y for sm2-sm3.`,
      [{ path: "/publicKey", code: "key_invalid", message: input.algorithm }],
      "key_invalid",
    );
}

export function registryHandlers(options: { instance: string }): OperationHandlers {
  const { instance } = options;
  return {
    async listMembers(request, node) {
      const after = decodeCursor(request.query.cursor as string | undefined, isString);
      const limit = limitOf(request);
      const { rows } = await node.db.query<MemberRow>(
        "select * from members where ($1::text is null or code > $1) order by code limit $2",
        [after ?? null, limit + 1],
      );
      return { status: 200, body: page(rows, limit, memberJson, (r) => r.code) };
    },

    async registerMember(request, node, facts) {
      const caller = callerOf(request);
      if (!caller.operator)
        throw forbidden(
          "只有交换运营方可以登记成员单位。",
          "Only the exchange operator registers members.",
        );
      const body = request.body as {
        code: string;
        name: string;
        memberClass: string;
        divisionCode?: string;
        contact?: Record<string, unknown>;
      };
      // GB 32100-2015 §4.5: the 18th character is the check character.
      if (!isUscc(body.code))
        throw invalid(
          `统一社会信用代码 ${body.code} 的校验码不正确(GB 32100-2015)。请核对代码。`,
          `${body.code} is not a valid unified social credit code (GB 32100-2015 check character): check it.`,
          [{ path: "/code", code: "uscc_invalid", message: body.code }],
          "uscc_invalid",
        );
      const inserted = await node.db.query<MemberRow>(
        `insert into members (code, name, member_class, division_code, contact)
         values ($1, $2, $3, $4, $5) on conflict (code) do nothing returning *`,
        [body.code, body.name, body.memberClass, body.divisionCode ?? null, body.contact ?? null],
      );
      const row = inserted.rows[0];
      if (!row)
        throw conflict(
          `成员单位 ${body.code} 已登记。`,
          `Member ${body.code} is already registered.`,
          "member_exists",
        );
      facts.provider = body.code;
      return {
        status: 201,
        body: memberJson(row),
        headers: { location: `/v1/members/${row.code}` },
      };
    },

    async getMember(request, node) {
      callerOf(request);
      return {
        status: 200,
        body: memberJson(await member(node.db, request.path.memberCode as string)),
      };
    },

    async listMemberKeys(request, node) {
      callerOf(request);
      const code = request.path.memberCode as string;
      await member(node.db, code);
      const { rows } = await node.db.query<KeyRow>(
        "select * from member_keys where member_code = $1 order by created_at, key_id",
        [code],
      );
      return { status: 200, body: { items: rows.map(keyJson) } };
    },

    async addMemberKey(request, node, facts) {
      const caller = callerOf(request);
      const code = request.path.memberCode as string;
      selfOrOperator(caller, code);
      await member(node.db, code);
      const body = request.body as {
        keyId: string;
        algorithm: KeyAlgorithm;
        publicKey: string;
        notAfter?: string;
      };
      checkKey(body);
      const inserted = await node.db.query<KeyRow>(
        `insert into member_keys (key_id, member_code, algorithm, public_key, not_after)
         values ($1, $2, $3, $4, $5) on conflict (key_id) do nothing returning *`,
        [body.keyId, code, body.algorithm, body.publicKey, body.notAfter ?? null],
      );
      const row = inserted.rows[0];
      if (!row)
        throw conflict(
          `密钥标识 ${body.keyId} 已被使用。请换一个密钥标识。`,
          `Key id ${body.keyId} is taken: choose another.`,
          "key_exists",
        );
      facts.provider = code;
      return { status: 201, body: keyJson(row) };
    },

    async revokeMemberKey(request, node, facts) {
      const caller = callerOf(request);
      const code = request.path.memberCode as string;
      const keyId = request.path.keyId as string;
      selfOrOperator(caller, code);
      facts.provider = code;
      await node.db.transaction(async (tx) => {
        const keys = (
          await tx.query<KeyRow>(
            "select * from member_keys where member_code = $1 order by key_id for update",
            [code],
          )
        ).rows;
        const key = keys.find((k) => k.key_id === keyId);
        if (!key) throw notFound({ zh: `密钥 ${keyId} `, en: `Key ${keyId}` });
        if (key.status === "revoked")
          throw conflict(
            `密钥 ${keyId} 已吊销。`,
            `Key ${keyId} is already revoked.`,
            "key_revoked",
          );
        if (keys.filter((k) => k.status === "active").length === 1)
          throw conflict(
            `${keyId} 是成员单位唯一有效的密钥: 吊销后将无法再签名任何请求。请先登记新密钥再吊销旧密钥。`,
            `${keyId} is the member's last active key: revoking it would lock the member out. Add the new key first, then revoke the old one.`,
            "last_active_key",
          );
        await tx.query(
          "update member_keys set status = 'revoked', revoked_at = now() where key_id = $1",
          [keyId],
        );
      });
      return { status: 204 };
    },

    async listSystems(request, node) {
      callerOf(request);
      const code = request.path.memberCode as string;
      const row = await member(node.db, code);
      const { rows } = await node.db.query<SystemRow>(
        "select * from systems where member_code = $1 order by code",
        [code],
      );
      return {
        status: 200,
        body: { items: rows.map((s) => systemJson(instance, row, s)) },
      };
    },

    async registerSystem(request, node, facts) {
      const caller = callerOf(request);
      const code = request.path.memberCode as string;
      selfOrOperator(caller, code);
      const owner = await member(node.db, code);
      const body = request.body as SystemInput;
      checkBaseUrl(body.providerBaseUrl);
      const inserted = await node.db.query<SystemRow>(
        `insert into systems (member_code, code, name, provider_base_url, inventory_name)
         values ($1, $2, $3, $4, $5) on conflict (member_code, code) do nothing returning *`,
        [code, body.code, body.name, body.providerBaseUrl, body.inventoryName ?? null],
      );
      const row = inserted.rows[0];
      if (!row)
        throw conflict(
          `成员单位 ${code} 已登记系统 ${body.code}。`,
          `Member ${code} already has a system ${body.code}.`,
          "system_exists",
        );
      facts.provider = code;
      return { status: 201, body: systemJson(instance, owner, row) };
    },

    async updateSystem(request, node, facts) {
      const caller = callerOf(request);
      const code = request.path.memberCode as string;
      selfOrOperator(caller, code);
      const owner = await member(node.db, code);
      const body = request.body as SystemInput;
      const systemCode = request.path.systemCode as string;
      if (body.code !== systemCode)
        throw invalid(
          `请求体中的系统代码 ${body.code} 与路径中的 ${systemCode} 不一致。`,
          `The body's system code ${body.code} differs from the path's ${systemCode}.`,
          [{ path: "/code", code: "system_code_mismatch", message: body.code }],
          "system_code_mismatch",
        );
      checkBaseUrl(body.providerBaseUrl);
      facts.provider = code;
      const row = await node.db.transaction(async (tx) => {
        const before = await system(tx, code, systemCode);
        const updated = (
          await tx.query<SystemRow>(
            `update systems set name = $3, provider_base_url = $4, inventory_name = $5
             where member_code = $1 and code = $2 returning *`,
            [code, systemCode, body.name, body.providerBaseUrl, body.inventoryName ?? null],
          )
        ).rows[0] as SystemRow;
        // A new address is a new provider until the kit has checked it.
        if (before.provider_base_url !== body.providerBaseUrl)
          await tx.query(
            `update services set status = 'pending', activated_at = null
             where member_code = $1 and system_code = $2`,
            [code, systemCode],
          );
        return updated;
      });
      return { status: 200, body: systemJson(instance, owner, row) };
    },

    async listServices(request, node) {
      callerOf(request);
      const owner = await member(node.db, request.path.memberCode as string);
      const sys = await system(node.db, owner.code, request.path.systemCode as string);
      const { rows } = await node.db.query<ServiceRow>(
        "select * from services where member_code = $1 and system_code = $2 order by code",
        [owner.code, sys.code],
      );
      return {
        status: 200,
        body: { items: rows.map((s) => serviceJson(instance, owner, s)) },
      };
    },

    async getServiceOpenApi(request, node) {
      callerOf(request);
      const owner = await member(node.db, request.path.memberCode as string);
      const sys = await system(node.db, owner.code, request.path.systemCode as string);
      const row = (
        await node.db.query<ServiceRow>(
          "select * from services where member_code = $1 and system_code = $2 and code = $3",
          [owner.code, sys.code, request.path.serviceCode],
        )
      ).rows[0];
      if (!row)
        throw notFound({
          zh: `服务 ${request.path.serviceCode} `,
          en: `Service ${request.path.serviceCode}`,
        });
      return { status: 200, body: serviceOpenApi(sys, row) };
    },

    async submitConformanceReport(request, node, facts) {
      const caller = callerOf(request);
      const code = request.path.memberCode as string;
      selfOrOperator(caller, code);
      const owner = await member(node.db, code);
      const sys = await system(node.db, code, request.path.systemCode as string);
      facts.provider = code;
      const report = request.body as {
        signature: { keyId: string };
        provider: { resources: string[] };
      };
      const key = (
        await node.db.query<KeyRow>(
          "select * from member_keys where key_id = $1 and member_code = $2 and status = 'active'",
          [report.signature.keyId, code],
        )
      ).rows[0];
      const verifier = key ? verifierFor(key) : undefined;
      if (!verifier)
        throw invalid(
          `报告由密钥 ${report.signature.keyId} 签名, 但它不是成员单位 ${code} 登记的有效密钥。`,
          `The report is signed under ${report.signature.keyId}, which is not an active key of member ${code}.`,
          [
            {
              path: "/signature/keyId",
              code: "report_key_unknown",
              message: report.signature.keyId,
            },
          ],
          "report_key_unknown",
        );
      const verdict = await verifyConformanceReport(report, verifier, {
        providerUrl: sys.provider_base_url,
        now: node.clock.now(),
      });
      if (!verdict.ok)
        throw invalid(
          `符合性测试报告未通过核验: ${verdict.message["zh-CN"]}`,
          `The conformance report does not verify: ${verdict.message.en}`,
          [{ path: "", code: verdict.code, message: verdict.message[request.lang] }],
          verdict.code,
        );
      // What the provider serves now: its describe, signed under the member's keys.
      const described = await node.providers.call(
        { baseUrl: sys.provider_base_url, member: code },
        async (client) =>
          (await client.request("get", "/describe", { signal: request.signal })).data,
      );
      const covered = new Set(verdict.report.provider.resources);
      const resources = (described as { resources: DescribedResource[] }).resources.filter((r) =>
        covered.has(r.entry.resourceCode),
      );
      if (resources.length === 0)
        throw invalid(
          "报告覆盖的资源提供方一个也未提供。请对当前的提供方接口重新运行符合性测试。",
          "The provider offers none of the resources the report covers: run the kit again on the current provider.",
          [
            {
              path: "/provider/resources",
              code: "report_resources_absent",
              message: [...covered].join(","),
            },
          ],
          "report_resources_absent",
        );
      const services = await node.db.transaction(async (tx) => {
        const out: ServiceRow[] = [];
        for (const resource of resources) {
          const { rows } = await tx.query<ServiceRow>(
            `insert into services (member_code, system_code, code, resource_code, operations, status,
               record_schema, described_entry, conformance_report, activated_at)
             values ($1, $2, $3, $4, $5, 'active', $6, $7, $8, now())
             on conflict (member_code, system_code, code) do update set
               resource_code = excluded.resource_code, operations = excluded.operations,
               status = 'active', record_schema = excluded.record_schema,
               described_entry = excluded.described_entry,
               conformance_report = excluded.conformance_report, activated_at = now()
             returning *`,
            [
              code,
              sys.code,
              serviceCode(resource.entry.resourceCode),
              resource.entry.resourceCode,
              resource.operations ?? ["query", "get", "verify", "changes"],
              resource.recordSchema ?? null,
              resource.entry,
              verdict.report,
            ],
          );
          out.push(rows[0] as ServiceRow);
        }
        return out;
      });
      return { status: 200, body: { items: services.map((s) => serviceJson(instance, owner, s)) } };
    },
  };
}

interface DescribedResource {
  entry: { resourceCode: string; name?: string };
  operations?: string[];
  recordSchema?: Record<string, unknown>;
}

function systemJson(instance: string, owner: MemberRow, row: SystemRow) {
  return {
    code: row.code,
    name: row.name,
    path: servicePath(instance, owner, row.code),
    providerBaseUrl: row.provider_base_url,
    ...(row.inventory_name === null ? {} : { inventoryName: row.inventory_name }),
  };
}

function serviceJson(instance: string, owner: MemberRow, row: ServiceRow) {
  return {
    code: row.code,
    path: servicePath(instance, owner, row.system_code, row.code),
    resourceCode: row.resource_code,
    operations: row.operations,
    status: row.status,
  };
}

/** The service as an instance of specs/provider v1: its base URL and record schema. */
function serviceOpenApi(sys: SystemRow, row: ServiceRow) {
  const [prefix, suffix] = row.resource_code.split("/");
  const base = `/resources/${prefix}/${suffix}`;
  const record = row.record_schema ?? { type: "object" };
  const ok = (schema: object) => ({
    description: "OK",
    content: { "application/json": { schema } },
  });
  const paths: Record<string, unknown> = {};
  if (row.operations.includes("query"))
    paths[`${base}/records`] = {
      get: {
        operationId: "query",
        responses: {
          "200": ok({
            type: "object",
            required: ["items"],
            properties: {
              items: { type: "array", items: { $ref: "#/components/schemas/Record" } },
            },
          }),
        },
      },
    };
  if (row.operations.includes("get"))
    paths[`${base}/records/{key}`] = {
      get: {
        operationId: "getByKey",
        parameters: [{ name: "key", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": ok({ $ref: "#/components/schemas/Record" }) },
      },
    };
  if (row.operations.includes("verify"))
    paths[`${base}/verify`] = {
      post: { operationId: "verify", responses: { "200": ok({ type: "object" }) } },
    };
  return {
    openapi: "3.1.0",
    info: {
      title: String((row.described_entry as { name?: string } | null)?.name ?? row.resource_code),
      version: "1.0.0",
      description: `specs/provider v1 · ${row.resource_code}`,
    },
    servers: [{ url: sys.provider_base_url }],
    paths,
    components: { schemas: { Record: record } },
  };
}

export type { MemberRow };
export { member as loadMember, system as loadSystem };
