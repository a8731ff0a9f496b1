/**
 * Health, readiness and metrics (specs/exchange v1 `health` tag): liveness without touching
 * dependencies, readiness with the database and the node's key, Prometheus text.
 */
import type { Registry } from "prom-client";
import type { OperationHandlers } from "./operation.js";
import { NodeProblem } from "./problem.js";

export function healthHandlers(registry: Registry): OperationHandlers {
  return {
    async getHealth(_request, node) {
      return { status: 200, body: { status: "ok", version: node.version } };
    },
    async getReadiness(_request, node) {
      const checks: Record<string, "ok" | "down"> = { database: "down", keys: "down" };
      try {
        await node.db.query("select 1");
        checks.database = "ok";
      } catch {
        // reported as down
      }
      try {
        await node.signer.sign(new Uint8Array(32));
        checks.keys = "ok";
      } catch {
        // reported as down
      }
      if (checks.database !== "ok" || checks.keys !== "ok")
        throw new NodeProblem("unavailable", {
          code: "not_ready",
          zh: `节点未就绪: 数据库 ${checks.database}, 密钥 ${checks.keys}。`,
          en: `The node is not ready: database ${checks.database}, keys ${checks.keys}.`,
          retryAfter: 5,
        });
      return { status: 200, body: { status: "ok", version: node.version, checks } };
    },
    async getMetrics() {
      return { status: 200, raw: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
