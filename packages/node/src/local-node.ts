/**
 * `startLocalNode`: an exchange node from a data directory, as `govex start` runs it. On first
 * start it makes the node's key and the operator's key (Ed25519, PEM, private files 0600) in
 * `<dataDir>/keys`, and the audit log's verifier key (C2SP signed-note vkey) that departments
 * give `govex audit verify`; the database is embedded PGlite in `<dataDir>/db` unless a
 * PostgreSQL URL is given. A real exchange gets its keys from its CA or HSM instead.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
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
import { createExchangeNode, type ExchangeNode } from "./node.js";
import type { Lang } from "./server/problem.js";

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
  lang?: Lang;
  /** fastify's pino options (default: level info, appended to `<dataDir>/node.log`). */
  logger?: FastifyServerOptions["logger"];
}

export interface LocalNode {
  node: ExchangeNode;
  /** The base URL, …/v1. */
  url: string;
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

/**
 * @example
 * const local = await startLocalNode({ dataDir: ".govex" });
 * console.log(local.url); // http://127.0.0.1:8700/v1
 */
export async function startLocalNode(options: LocalNodeOptions): Promise<LocalNode> {
  const keysDir = join(options.dataDir, "keys");
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  const nodeKey = await ensurePair(keysDir, "node");
  const operatorKey = await ensurePair(keysDir, "operator");
  const operator = options.operator ?? DEMO_OPERATOR;
  const origin = options.auditOrigin ?? "govex.local/audit";
  const auditVerifierKey = formatVerifierKey(
    ed25519NoteVerifier(origin, createPublicKey(nodeKey.privatePem)),
  );
  const files = {
    nodePublicKey: join(keysDir, "node.pub.pem"),
    operatorKey: join(keysDir, "operator.pem"),
    auditVerifierKey: join(keysDir, "audit.vkey"),
    log: join(options.dataDir, "node.log"),
  };
  await writeFile(files.auditVerifierKey, `${auditVerifierKey}\n`);
  const node = await createExchangeNode({
    store: options.databaseUrl
      ? { url: options.databaseUrl }
      : { dataDir: join(options.dataDir, "db") },
    key: { keyId: NODE_KEY_ID, algorithm: "ed25519", privateKey: nodeKey.privatePem },
    operator: {
      ...operator,
      keys: [{ keyId: OPERATOR_KEY_ID, algorithm: "ed25519", publicKey: operatorKey.publicPem }],
    },
    auditOrigin: origin,
    ...(options.lang === undefined ? {} : { lang: options.lang }),
    // pino, one JSON object per line (request ids, refusals with their codes, errors).
    logger: options.logger ?? { level: "info", file: files.log },
  });
  let url: string;
  try {
    url = await node.listen({ port: options.port ?? 8700, host: options.host ?? "127.0.0.1" });
  } catch (error) {
    await node.close();
    throw error;
  }
  return {
    node,
    url,
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
    close: () => node.close(),
  };
}
