/**
 * Prometheus metrics of the provider runtime (the text exposition format of prom-client):
 * requests and their durations by operation and status, and adapter failures (5xx answers) by
 * code, so that withheld records (`record_invalid`) and an unreachable system are visible.
 */
import { Counter, type Registry } from "prom-client";
import { registeredMetric, requestMetrics } from "./http-kit.js";

export interface ProviderMetrics {
  observe(operation: string, status: number, seconds: number): void;
  adapterError(operation: string, code: string): void;
}

export function createMetrics(registry: Registry): ProviderMetrics {
  const adapterErrors = registeredMetric(
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
    observe: requestMetrics(registry, "govex_provider"),
    adapterError(operation, code) {
      adapterErrors.inc({ operation, code });
    },
  };
}
