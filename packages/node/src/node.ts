/**
 * `createExchangeNode`: the reference exchange node (共享交换平台 of 国办发〔2017〕39号) — its
 * database (embedded PGlite or PostgreSQL, migrated), the operator member, the HTTP server of
 * specs/exchange v1, the provider gateway and the audit log with signed checkpoints.
 * @module
 */
import { createPrivateKey } from "node:crypto";
import {
  createSigner,
  ed25519NoteSigner,
  type NoteSigner,
  type Signer,
  sm2NoteSigner,
} from "@govex/security";
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from "fastify";
import { Registry } from "prom-client";
import { auditTreeSize, createAuditLog, currentAuditCheckpoint } from "./audit/index.js";
import { auditHandlers } from "./audit/routes.js";
import { bulkHandlers } from "./bulk/index.js";
import { type Clock, systemClock } from "./calendar/index.js";
import { catalogHandlers } from "./catalog/index.js";
import { censusHandlers } from "./census/index.js";
import { type ConsoleAccess, defaultConsoleDir, registerConsole } from "./console/index.js";
import { createCursorSeal } from "./data/cursor-seal.js";
import { dataHandlers } from "./data/routes.js";
import {
  type ChangePoller,
  type ChangePollerOptions,
  createChangePoller,
  createDeliveryWorker,
  DEFAULT_EVENT_RETENTION_MS,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
  eventHandlers,
  type PrunedEvents,
  pruneEvents,
} from "./events/index.js";
import { createKeyRegistry } from "./registry/keys.js";
import { registryHandlers } from "./registry/routes.js";
import { createExchangeServer, listeningUrl } from "./server/app.js";
import { healthHandlers } from "./server/health.js";
import { createNodeMetrics } from "./server/metrics.js";
import type { NodeServices, OperationHandlers } from "./server/operation.js";
import type { Lang } from "./server/problem.js";
import { createProviderGateway } from "./server/provider-gateway.js";
import { EXCHANGE_SPEC } from "./server/spec.js";
import { sharingHandlers } from "./sharing/index.js";
import {
  createIdempotencyStore,
  createNonceStore,
  type OpenStoreOptions,
  openStore,
  type Store,
  StoreError,
} from "./store/index.js";

/** A member's public key as registered (specs/exchange v1 PublicKey). */
export interface MemberKeyInput {
  keyId: string;
  algorithm: "ed25519" | "ecdsa-p256-sha256" | "sm2-sm3";
  /** PEM (SPKI), or hex 04‖x‖y for sm2-sm3. */
  publicKey: string;
}

export interface ExchangeNodeOptions {
  /** The database: an open store, or where to open one (default: PGlite in memory). */
  store?: Store | OpenStoreOptions;
  /** The node's own key: signs every response, every provider call and the audit checkpoints. */
  key: { keyId: string; algorithm: "ed25519" | "sm2-sm3"; privateKey: string };
  /** The operator member (运营方), registered at start with its keys. */
  operator: {
    code: string;
    name: string;
    memberClass?: "GOV" | "PUB" | "COM";
    divisionCode?: string;
    keys: MemberKeyInput[];
  };
  /** The X-Road-style instance of service paths, e.g. "CN-370000" (default "CN"). */
  instance?: string;
  /** The audit log's name in its checkpoints (default "govex.local/audit"). */
  auditOrigin?: string;
  clock?: Clock;
  lang?: Lang;
  /** Milliseconds a provider call may take (default 10 000). */
  providerTimeoutMs?: number;
  logger?: FastifyServerOptions["logger"];
  loggerInstance?: FastifyBaseLogger;
  /** `scheme://host[:port]` callers address, behind a TLS-terminating proxy. */
  publicOrigin?: string;
  /**
   * Change events (docs/en/subscribe.md): the poller of providers' changes feeds and the
   * webhook delivery worker, both on by default. `false` leaves one off (another node of the
   * same database does the work, or a test drives `events.poller.pollOnce()` /
   * `events.worker.runOnce()` itself).
   */
  events?: {
    poll?:
      | false
      | Pick<
          ChangePollerOptions,
          "intervalMs" | "leaseMs" | "pageSize" | "maxPages" | "resourcesPerRound"
        >;
    delivery?:
      | false
      | Pick<
          DeliveryWorkerOptions,
          | "timeoutMs"
          | "maxAttempts"
          | "retryBaseMs"
          | "retryCapMs"
          | "batchSize"
          | "concurrency"
          | "leaseMs"
          | "idleMs"
        >;
    /**
     * How long delivered and cancelled deliveries, and the outbox events no delivery refers to,
     * are kept (default 30 days); pruned hourly. Dead letters are kept until replayed.
     */
    retentionMs?: number;
  };
  /** The built web console served at /console (default: @govex/console's dist; false: none). */
  consoleDir?: string | false;
}

export interface ExchangeNode {
  app: FastifyInstance;
  store: Store;
  services: NodeServices;
  registry: Registry;
  /**
   * The change poller and the delivery worker (running unless turned off in the options), and
   * the retention's prune (hourly by itself; `prune()` runs it now).
   */
  events: { poller: ChangePoller; worker: DeliveryWorker; prune(): Promise<PrunedEvents> };
  /** The web console at /console: one-time login tokens. */
  console: ConsoleAccess;
  /** Start listening; resolves with the base URL (…/v1). */
  listen(options?: { port?: number; host?: string }): Promise<string>;
  /** Stop serving, flush the audit log, close the database (when the node opened it). */
  close(): Promise<void>;
}

const VERSION = "0.1.0";

/** The node key's bytes: the secret every node of the exchange shares (for cursor sealing). */
function keyMaterial(key: ExchangeNodeOptions["key"]): Uint8Array {
  return key.algorithm === "sm2-sm3"
    ? Buffer.from(key.privateKey, "utf8")
    : createPrivateKey(key.privateKey).export({ type: "pkcs8", format: "der" });
}

function noteSigner(origin: string, key: ExchangeNodeOptions["key"]): NoteSigner {
  return key.algorithm === "sm2-sm3"
    ? sm2NoteSigner(origin, key.privateKey)
    : ed25519NoteSigner(origin, createPrivateKey(key.privateKey));
}

/**
 * Open (or take) the database, register the operator, and build the server. Call `listen` to
 * serve.
 *
 * @example
 * const node = await createExchangeNode({
 *   store: { dataDir: ".govex/node" },
 *   key: { keyId: "exchange-2026", algorithm: "ed25519", privateKey: pem },
 *   operator: { code: "11370000MB0000027R", name: "山东省大数据局", keys: [operatorKey] },
 * });
 * console.log(await node.listen({ port: 8700 }));
 */
export async function createExchangeNode(options: ExchangeNodeOptions): Promise<ExchangeNode> {
  const retentionMs = options.events?.retentionMs ?? DEFAULT_EVENT_RETENTION_MS;
  if (!Number.isFinite(retentionMs) || retentionMs < 3_600_000)
    throw new StoreError("config_invalid", {
      zh: `事件保留时长须至少 1 小时（3600000 毫秒），收到 ${retentionMs}。`,
      en: `the event retention must be at least an hour (3600000 ms), not ${retentionMs}.`,
      params: { retentionMs },
    });
  const ownsStore = !(options.store && "query" in options.store);
  const store: Store =
    options.store && "query" in options.store
      ? options.store
      : await openStore(options.store ?? {});
  try {
    const clock = options.clock ?? systemClock;
    const signer: Signer = createSigner({
      keyId: options.key.keyId,
      algorithm: options.key.algorithm,
      key: options.key.privateKey,
    });
    const origin = options.auditOrigin ?? "govex.local/audit";
    const signing = { origin, signers: [noteSigner(origin, options.key)] };
    await registerOperator(store, options.operator);
    // The trigram index of catalog search, when pg_trgm arrived after migration 0006 ran.
    if (store.features.pgTrgm)
      await store.exec(
        "create index if not exists catalog_resources_search on catalog_resources using gin (search_text gin_trgm_ops)",
      );
    const keys = createKeyRegistry(store, clock);
    const registry = new Registry();
    const providers = createProviderGateway({
      signer,
      providerKeys: (member) => keys.memberResolver(member),
      ...(options.providerTimeoutMs === undefined ? {} : { timeoutMs: options.providerTimeoutMs }),
    });
    const services: NodeServices = {
      db: store,
      clock,
      audit: createAuditLog(store, { now: () => clock.now() }),
      signer,
      providers,
      cursors: createCursorSeal(keyMaterial(options.key)),
      operator: options.operator.code,
      version: `${VERSION} (specs/exchange ${EXCHANGE_SPEC.version})`,
      auditOrigin: origin,
      async checkpoint() {
        await services.audit.flush();
        const stored = await currentAuditCheckpoint(store, signing);
        return { note: stored.note, size: stored.size };
      },
    };
    const handlers: OperationHandlers = {
      ...healthHandlers(registry),
      ...registryHandlers({ instance: options.instance ?? "CN" }),
      ...catalogHandlers,
      ...sharingHandlers,
      ...dataHandlers,
      ...auditHandlers,
      ...censusHandlers,
      ...eventHandlers,
      ...bulkHandlers,
    };
    const idempotency = createIdempotencyStore(store);
    const nonces = createNonceStore(store);
    const app = createExchangeServer({
      services,
      handlers,
      keys,
      nonces,
      idempotency,
      metrics: createNodeMetrics(registry, () => auditTreeSize(store)),
      registry,
      ...(options.lang === undefined ? {} : { lang: options.lang }),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.loggerInstance === undefined ? {} : { loggerInstance: options.loggerInstance }),
      ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
    });
    if (!store.features.pgTrgm || !store.features.pgTrgmCjk)
      app.log.warn(
        { pgTrgm: store.features.pgTrgm, pgTrgmCjk: store.features.pgTrgmCjk },
        "catalog keyword search runs without a trigram index: install pg_trgm in a UTF-8 (LC_CTYPE C.UTF-8 or zh_CN.UTF-8) database",
      );
    const consoleAccess = await registerConsole(app, {
      services,
      keys,
      nonces,
      dir: options.consoleDir === false ? undefined : (options.consoleDir ?? defaultConsoleDir()),
      ...(options.publicOrigin === undefined ? {} : { publicOrigin: options.publicOrigin }),
    });
    const eventOptions = options.events ?? {};
    const prune = () =>
      pruneEvents(store, { before: new Date(clock.now().getTime() - retentionMs) });
    // Idempotency keys past their retention (24 h), and finished deliveries and their events past
    // theirs, are deleted hourly; nonces sweep themselves.
    const sweeper = setInterval(() => {
      idempotency
        .sweep()
        .catch((error: unknown) => app.log.warn({ err: error }, "idempotency sweep failed"));
      prune().catch((error: unknown) => app.log.warn({ err: error }, "event retention failed"));
    }, 3_600_000);
    sweeper.unref();
    const worker = createDeliveryWorker({
      ...(eventOptions.delivery || {}),
      db: store,
      signer,
      clock,
      audit: services.audit,
      onError: (error) => app.log.warn({ err: error }, "event delivery failed"),
    });
    const poller = createChangePoller({
      ...(eventOptions.poll || {}),
      db: store,
      providers,
      clock,
      operator: options.operator.code,
      instance: options.instance ?? "CN",
      onDeliveries: () => worker.wake(),
      onError: (error, resourceCode) =>
        app.log.warn({ err: error, resourceCode }, "polling a provider's changes failed"),
    });
    if (eventOptions.poll !== false) poller.start();
    if (eventOptions.delivery !== false) worker.start();
    return {
      app,
      store,
      services,
      registry,
      console: consoleAccess,
      events: { poller, worker, prune },
      async listen(listenOptions = {}) {
        await app.listen({
          port: listenOptions.port ?? 0,
          host: listenOptions.host ?? "127.0.0.1",
        });
        return listeningUrl(app);
      },
      async close() {
        clearInterval(sweeper);
        await poller.stop();
        await worker.close();
        await app.close();
        await services.audit.flush();
        await providers.close();
        if (ownsStore) await store.close();
      },
    };
  } catch (error) {
    if (ownsStore) await store.close().catch(() => {});
    throw error;
  }
}

/** The operator member and its keys, registered (or kept) at start. */
async function registerOperator(store: Store, operator: ExchangeNodeOptions["operator"]) {
  await store.transaction(async (tx) => {
    await tx.query(
      `insert into members (code, name, member_class, division_code) values ($1, $2, $3, $4)
       on conflict (code) do nothing`,
      [operator.code, operator.name, operator.memberClass ?? "GOV", operator.divisionCode ?? null],
    );
    for (const key of operator.keys) {
      await tx.query(
        `insert into member_keys (key_id, member_code, algorithm, public_key) values ($1, $2, $3, $4)
         on conflict (key_id) do nothing`,
        [key.keyId, operator.code, key.algorithm, key.publicKey],
      );
      const { rows } = await tx.query<{ member_code: string; public_key: string }>(
        "select member_code, public_key from member_keys where key_id = $1",
        [key.keyId],
      );
      // A key id names one key for good: a different key under it would lock the operator out.
      if (
        rows[0]?.member_code !== operator.code ||
        rows[0].public_key.trim() !== key.publicKey.trim()
      )
        throw new StoreError("config_invalid", {
          zh: `密钥标识 ${key.keyId} 已登记为另一把公钥。运营方换了密钥时, 请用新的密钥标识登记新钥, 再吊销旧钥。`,
          en: `Key id ${key.keyId} is registered with another public key: when the operator's key changes, register the new key under a new key id and revoke the old one.`,
          params: { keyId: key.keyId },
        });
    }
  });
}
