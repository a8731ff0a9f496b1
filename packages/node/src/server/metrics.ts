/**
 * Prometheus metrics of the exchange node (prom-client, text exposition format): requests and
 * durations by operation and status, refused signatures by code, and the audit log's size.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface NodeMetrics {
  observe(operation: string, status: number, seconds: number): void;
  signatureRefused(code: string): void;
}

/** Reuse a metric already in the registry (several nodes in one process share one registry). */
function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createNodeMetrics(
  registry: Registry,
  auditSize: () => Promise<number>,
): NodeMetrics {
  const requests = metric(
    registry,
    "govex_node_requests_total",
    () =>
      new Counter({
        name: "govex_node_requests_total",
        help: "Requests answered, by operation and status",
        labelNames: ["operation", "status"],
        registers: [registry],
      }),
  );
  const durations = metric(
    registry,
    "govex_node_request_duration_seconds",
    () =>
      new Histogram({
        name: "govex_node_request_duration_seconds",
        help: "Time to answer a request, by operation and status",
        labelNames: ["operation", "status"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const refused = metric(
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
  metric(
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
    observe(operation, status, seconds) {
      const labels = { operation, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    signatureRefused(code) {
      refused.inc({ code });
    },
  };
}
