/**
 * Prometheus metrics of the exchange node (prom-client, text exposition format): requests and
 * durations by operation and status, refused signatures by code, and the audit log's size.
 */
import { registeredMetric, requestMetrics } from "@govex/adapter";
import { Counter, Gauge, type Registry } from "prom-client";

export interface NodeMetrics {
  observe(operation: string, status: number, seconds: number): void;
  signatureRefused(code: string): void;
}

export function createNodeMetrics(
  registry: Registry,
  auditSize: () => Promise<number>,
): NodeMetrics {
  const refused = registeredMetric(
    registry,
    "govex_node_signatures_refused_total",
    () =>
      new Counter({
        name: "govex_node_signatures_refused_total",
        help: "Requests refused for their signature or digest, by code",
        labelNames: ["code"],
        registers: [registry],
      }),
  );
  registeredMetric(
    registry,
    "govex_node_audit_tree_size",
    () =>
      new Gauge({
        name: "govex_node_audit_tree_size",
        help: "Entries in the audit log (the Merkle tree size)",
        registers: [registry],
        async collect() {
          this.set(await auditSize());
        },
      }),
  );
  return {
    observe: requestMetrics(registry, "govex_node"),
    signatureRefused(code) {
      refused.inc({ code });
    },
  };
}
