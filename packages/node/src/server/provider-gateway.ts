/**
 * The node's side of specs/provider v1: calls to a department system's provider API, signed
 * with the node's key and answered under the provider member's registered keys (both hops
 * signed, RFC 9421), with a deadline. A provider that is down, slow or answers badly becomes a
 * problem for the consumer — 502 `provider-error`, 504 `provider-timeout`, 503 when it says it
 * is unavailable — within the deadline, never a hang.
 */
import {
  ClientError,
  createProviderClient,
  type GovexClient,
  ProblemError,
  type ProviderPaths,
} from "@govex/client";
import type { KeyResolver, Signer } from "@govex/security";
import { Agent } from "undici";
import { NodeProblem } from "./problem.js";

export interface ProviderGatewayOptions {
  signer: Signer;
  /** The provider member's verifying keys by key id (from the registry). */
  providerKeys: (memberCode: string) => KeyResolver;
  /** Milliseconds a provider call may take, retries included (default 10 000). */
  timeoutMs?: number;
  /** Connections per provider (default 32). */
  connections?: number;
}

export interface ProviderTarget {
  /** The system's providerBaseUrl, e.g. http://127.0.0.1:8701/v1. */
  baseUrl: string;
  /** The provider member's code: its registered keys verify the answers. */
  member: string;
}

export interface ProviderGateway {
  /** A signed, verifying client of one provider (kept per base URL). */
  client(target: ProviderTarget): GovexClient<ProviderPaths>;
  /** Run a call, mapping every failure to the consumer's problem. */
  call<T>(
    target: ProviderTarget,
    run: (client: GovexClient<ProviderPaths>) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}

/** The provider's own problem, passed through when it concerns the consumer's request. */
const PASS_THROUGH = new Set([404]);

/** A failed provider call as the consumer's problem (the provider's detail is kept). */
export function providerProblem(error: unknown, baseUrl: string, timeoutMs: number): NodeProblem {
  if (error instanceof NodeProblem) return error;
  if (error instanceof ProblemError) {
    if (PASS_THROUGH.has(error.status))
      return new NodeProblem("not-found", {
        code: error.code,
        zh: `提供方答复: ${error.problem.detail ?? error.problem.title}`,
        en: `The provider answered: ${error.problem.detail ?? error.problem.title}`,
      });
    if (error.status === 503)
      return new NodeProblem("provider-unavailable", {
        code: error.code === "record_invalid" ? "record_invalid" : "provider_unavailable",
        zh: `提供方系统暂不可用: ${error.problem.detail ?? error.problem.title}。请稍后重试。`,
        en: `The provider is unavailable (${error.problem.detail ?? error.problem.title}): retry later.`,
        retryAfter: 5,
      });
    return new NodeProblem("provider-error", {
      code: "provider_error",
      zh: `提供方以 ${error.status} 答复(${error.code})。请联系提供方。`,
      en: `The provider answered ${error.status} (${error.code}): contact the provider.`,
      params: { baseUrl },
    });
  }
  if (error instanceof ClientError && error.code === "timeout")
    return new NodeProblem("provider-timeout", {
      code: "provider_timeout",
      zh: `提供方系统在 ${timeoutMs} 毫秒内未答复。请稍后重试。`,
      en: `The provider did not answer within ${timeoutMs} ms: retry later.`,
    });
  if (error instanceof ClientError)
    return new NodeProblem("provider-error", {
      code:
        error.code.startsWith("signature") || error.code.startsWith("content_digest")
          ? "provider_signature_invalid"
          : "provider_response_invalid",
      zh: `提供方的应答未通过校验(${error.code})。请联系提供方。`,
      en: `The provider's answer failed verification (${error.code}): contact the provider.`,
      cause: error,
    });
  return new NodeProblem("provider-error", {
    code: "provider_unreachable",
    zh: "无法连接提供方系统。请稍后重试，或联系提供方。",
    en: "The provider cannot be reached: retry later, or contact the provider.",
    cause: error,
  });
}

export function createProviderGateway(options: ProviderGatewayOptions): ProviderGateway {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const clients = new Map<string, GovexClient<ProviderPaths>>();
  const dispatcher = new Agent({
    keepAliveTimeout: 10_000,
    connections: options.connections ?? 32,
    connectTimeout: Math.min(timeoutMs, 5_000),
  });

  function client(target: ProviderTarget): GovexClient<ProviderPaths> {
    const id = `${target.member} ${target.baseUrl}`;
    let found = clients.get(id);
    if (!found) {
      found = createProviderClient({
        baseUrl: target.baseUrl,
        signer: options.signer,
        keys: options.providerKeys(target.member),
        dispatcher,
        timeout: timeoutMs,
        // One retry of a safe call within the deadline; the consumer retries the rest.
        retry: { retries: 1, baseDelay: 50, maxDelay: 200, maxRetryAfter: 0 },
      });
      clients.set(id, found);
    }
    return found;
  }

  return {
    client,
    async call(target, run) {
      try {
        return await run(client(target));
      } catch (error) {
        throw providerProblem(error, target.baseUrl, timeoutMs);
      }
    },
    async close() {
      clients.clear();
      await dispatcher.close();
    },
  };
}
