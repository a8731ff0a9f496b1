/**
 * `startLocalNode`: an exchange node from a data directory, as `govex start` runs it. On first
 * start it makes the node's key and the operator's key (Ed25519, PEM, private files 0600) in
 * `<dataDir>/keys`, and the audit log's verifier key (C2SP signed-note vkey) that departments
 * give `govex audit verify`; the database is embedded PGlite in `<dataDir>/db` unless a
 * PostgreSQL URL is given. A real exchange gets its keys from its CA or HSM instead.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createSigner,
  createVerifier,
  ed25519NoteVerifier,
  formatVerifierKey,
  type Signer,
  type Verifier,
} from "@govex/security";
import type { FastifyServerOptions } from "fastify";
import { createExchangeNode, type ExchangeNode, type ExchangeNodeOptions } from "./node.js";
import type { Lang } from "./server/problem.js";
import { StoreError } from "./store/index.js";

export interface LocalNodeOptions {
  /** Keys and the embedded database live here (created if missing). */
  dataDir: string;
  /** A PostgreSQL server instead of the embedded database. */
  databaseUrl?: string;
  /** Port (default 8700; 0 for any free port). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** The operator member (default: the demo's 山东省示例大数据局). */
  operator?: { code: string; name: string; divisionCode?: string };
  /** The audit log's name in its checkpoints (default "govex.local/audit"). */
  auditOrigin?: string;
  /** The X-Road-style instance of service paths, e.g. "CN-370000" (default "CN"). */
  instance?: string;
  /** `scheme://host[:port]` callers address when a TLS proxy is in front (signatures cover it). */
  publicOrigin?: string;
  lang?: Lang;
  /** Tuning of the change poller and the delivery worker (default: both on, their defaults). */
  events?: ExchangeNodeOptions["events"];
  /** fastify's pino options (default: level info, appended to `<dataDir>/node.log`). */
  logger?: FastifyServerOptions["logger"];
}

/**
 * What a client of a local node needs from its data directory: the node's keys (to trust its
 * answers, and for providers to trust its calls), the operator's key and the audit log's
 * verifier key. Several nodes on one PostgreSQL share one set (copy `keys/` to each).
 */
export interface LocalNodeKeys {
  /** Files a department or an operator needs. */
  files: { nodePublicKey: string; operatorKey: string; auditVerifierKey: string; log: string };
  /** The node's key: providers trust it (specs/provider v1 calls are signed with it). */
  nodeSigner: Signer;
  nodePublicPem: string;
  /** Verifies the node's answers. */
  nodeVerifier: Verifier;
  operator: { code: string; keyId: string; signer: Signer };
  /** The audit log's verifier key (C2SP signed-note vkey). */
  auditVerifierKey: string;
}

/** A node reachable at `url` with the keys of its data directory. */
export interface LocalNodeAccess extends LocalNodeKeys {
  /** The base URL, …/v1. */
  url: string;
}

export interface LocalNode extends LocalNodeAccess {
  node: ExchangeNode;
  close(): Promise<void>;
}

/** The demo operator: a fictional provincial big-data bureau (USCC checked, GB 32100-2015). */
export const DEMO_OPERATOR = {
  code: "11370000MB0000027R",
  name: "山东省示例大数据局",
  divisionCode: "370000",
} as const;

const NODE_KEY_ID = "exchange-node";
const OPERATOR_KEY_ID = "operator";

async function ensurePair(
  dir: string,
  name: string,
): Promise<{ privatePem: string; publicPem: string }> {
  const privateFile = join(dir, `${name}.pem`);
  const publicFile = join(dir, `${name}.pub.pem`);
  if (!existsSync(privateFile)) {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    await writeFile(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }), {
      mode: 0o600,
    });
    await writeFile(publicFile, publicKey.export({ type: "spki", format: "pem" }));
  }
  const privatePem = await readFile(privateFile, "utf8");
  // The public half is derived, so a lost or edited .pub.pem cannot disagree with the key.
  const publicPem = createPublicKey(privatePem).export({ type: "spki", format: "pem" }).toString();
  await writeFile(publicFile, publicPem);
  return { privatePem, publicPem };
}

const DEFAULT_AUDIT_ORIGIN = "govex.local/audit";

async function loadKeys(
  options: Pick<LocalNodeOptions, "dataDir" | "operator" | "auditOrigin">,
): Promise<{ keys: LocalNodeKeys; pems: { node: string; operatorPublic: string } }> {
  const keysDir = join(options.dataDir, "keys");
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const nodeKey = await ensurePair(keysDir, "node");
  const operatorKey = await ensurePair(keysDir, "operator");
  const operator = options.operator ?? DEMO_OPERATOR;
  const auditVerifierKey = formatVerifierKey(
    ed25519NoteVerifier(
      options.auditOrigin ?? DEFAULT_AUDIT_ORIGIN,
      createPublicKey(nodeKey.privatePem),
    ),
  );
  const files = {
    nodePublicKey: join(keysDir, "node.pub.pem"),
    operatorKey: join(keysDir, "operator.pem"),
    auditVerifierKey: join(keysDir, "audit.vkey"),
    log: join(options.dataDir, "node.log"),
  };
  await writeFile(files.auditVerifierKey, `${auditVerifierKey}\n`);
  const keys: LocalNodeKeys = {
    files,
    nodeSigner: createSigner({ keyId: NODE_KEY_ID, algorithm: "ed25519", key: nodeKey.privatePem }),
    nodePublicPem: nodeKey.publicPem,
    nodeVerifier: createVerifier({
      keyId: NODE_KEY_ID,
      algorithm: "ed25519",
      key: nodeKey.publicPem,
    }),
    operator: {
      code: operator.code,
      keyId: OPERATOR_KEY_ID,
      signer: createSigner({
        keyId: OPERATOR_KEY_ID,
        algorithm: "ed25519",
        key: operatorKey.privatePem,
      }),
    },
    auditVerifierKey,
  };
  return { keys, pems: { node: nodeKey.privatePem, operatorPublic: operatorKey.publicPem } };
}

/**
 * The keys of a node's data directory (made on first use), for a client of a node that runs
 * elsewhere on them: another process, or one of several nodes on one PostgreSQL.
 *
 * @example
 * const keys = await localNodeKeys({ dataDir: ".govex" });
 * const access = { ...keys, url: "http://127.0.0.1:8700/v1" };
 */
export async function localNodeKeys(
  options: Pick<LocalNodeOptions, "dataDir" | "operator" | "auditOrigin">,
): Promise<LocalNodeKeys> {
  return (await loadKeys(options)).keys;
}

/**
 * @example
 * const local = await startLocalNode({ dataDir: ".govex" });
 * console.log(local.url); // http://127.0.0.1:8700/v1
 */
export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const { keys, pems } = await loadKeys(options);
  const operator = options.operator ?? DEMO_OPERATOR;
  // The log names members, resources and refusals: readable by the node's user only.
  await writeFile(keys.files.log, "", { flag: "a", mode: 0o600 });
  await chmod(keys.files.log, 0o600);
  const release = options.databaseUrl ? async () => {} : await lockDataDir(options.dataDir);
  let node: ExchangeNode;
  try {
    node = await createExchangeNode({
      store: options.databaseUrl
        ? { url: options.databaseUrl }
        : { dataDir: join(options.dataDir, "db") },
      key: { keyId: NODE_KEY_ID, algorithm: "ed25519", privateKey: pems.node },
      operator: {
        ...operator,
        keys: [{ keyId: OPERATOR_KEY_ID, algorithm: "ed25519", publicKey: pems.operatorPublic }],
      },
      auditOrigin: options.auditOrigin ?? DEFAULT_AUDIT_ORIGIN,
      instance: options.instance ?? "CN",
      ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
      ...(options.lang === undefined ? {} : { lang: options.lang }),
      ...(options.events === undefined ? {} : { events: options.events }),
      // pino, one JSON object per line (request ids, refusals with their codes, errors).
      logger: options.logger ?? { level: "info", file: keys.files.log },
    });
  } catch (error) {
    await release();
    throw error;
  }
  let url: string;
  try {
    url = await node.listen({ port: options.port ?? 8700, host: options.host ?? "127.0.0.1" });
  } catch (error) {
    await node.close();
    await release();
    throw error;
  }
  return {
    ...keys,
    node,
    url,
    async close() {
      await node.close();
      await release();
    },
  };
}

/**
 * One node per embedded database: PGlite has a single writer, and a second process on the same
 * directory would corrupt it. The lock file holds the owner's pid; a lock whose process is gone
 * is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, "node.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return () => rm(file, { force: true });
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST") throw error;
      const pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid))
        throw new StoreError("unavailable", {
          zh: `数据目录 ${dataDir} 正由另一个节点(进程 ${pid})使用。请先停止它, 或换一个 --data-dir。`,
          en: `The data directory ${dataDir} is in use by another node (process ${pid}): stop it, or use another --data-dir.`,
          params: { pid },
        });
      await rm(file, { force: true });
    }
  }
  throw new StoreError("unavailable", {
    zh: `无法锁定数据目录 ${dataDir}。`,
    en: `The data directory ${dataDir} cannot be locked.`,
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}
