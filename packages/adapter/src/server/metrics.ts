/**
 * Prometheus metrics of the provider runtime (the text exposition format of prom-client):
 * requests and their durations by operation and status, and adapter failures (5xx answers) by
 * code, so that withheld records (`record_invalid`) and an unreachable system are visible.
 */
import { Counter, Histogram, type Registry } from "prom-client";

export interface ProviderMetrics {
  observe(operation: string, status: number, seconds: number): void;
  adapterError(operation: string, code: string): void;
}

/** Reuse a metric already in the registry (two servers may share one registry). */
function metric<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createMetrics(registry: Registry): ProviderMetrics {
  const requests = metric(
    registry,
    "govex_provider_requests_total",
    () =>
      new Counter({
        name: "govex_provider_requests_total",
        help: "Requests answered, by operation and status",
        labelNames: ["operation", "status"],
        registers: [registry],
      }),
  );
  const durations = metric(
    registry,
    "govex_provider_request_duration_seconds",
    () =>
      new Histogram({
        name: "govex_provider_request_duration_seconds",
        help: "Time to answer a request, by operation and status",
        labelNames: ["operation", "status"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const adapterErrors = metric(
    registry,
    "govex_provider_adapter_errors_total",
    () =>
      new Counter({
        name: "govex_provider_adapter_errors_total",
        help: "Adapter failures answered 5xx, by operation and code (record_invalid: a withheld record)",
        labelNames: ["operation", "code"],
        registers: [registry],
      }),
  );
  return {
    observe(operation, status, seconds) {
      const labels = { operation, status: String(status) };
      requests.inc(labels);
      durations.observe(labels, seconds);
    },
    adapterError(operation, code) {
      adapterErrors.inc({ operation, code });
    },
  };
}
