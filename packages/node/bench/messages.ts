/**
 * What the benchmark's processes say to each other over IPC (exchange.bench.ts drives
 * node-process.ts and provider-process.ts), and the query they all agree on.
 */

/** The purpose of every benchmark read (specs/exchange v1 requires one). */
export const PURPOSE = "办理社会保险登记时核对参保人身份";

/** A party's key as the load generator signs with it. */
export interface KeyMaterial {
  keyId: string;
  /** PKCS#8 PEM of an Ed25519 private key. */
  privatePem: string;
}

export type NodeRequest =
  | { type: "start"; store: { url?: string } }
  | { type: "join"; providerUrl: string }
  | { type: "audit" }
  | { type: "profile-start" }
  | { type: "profile-stop" }
  | { type: "close" };

export type NodeReply =
  | { type: "ready" }
  | {
      type: "started";
      /** The node's base URL (…/v1). */
      url: string;
      /** The node's own key: the direct baseline signs the provider calls with it, as the node does. */
      node: KeyMaterial;
      nodePublicPem: string;
      /** The provider department's key: its provider process signs its answers with it. */
      provider: KeyMaterial;
      /** The consumer department's key: the load generator signs the node path with it. */
      consumer: KeyMaterial;
    }
  | {
      type: "joined";
      shareRequestId: string;
      sample: Record<string, unknown>;
      masked: string[];
    }
  | { type: "audit"; size: number }
  | { type: "profile-started" }
  | { type: "profile"; file: string }
  | { type: "closed" }
  | { type: "error"; message: string };

export type ProviderRequest =
  | { type: "start"; provider: KeyMaterial; node: { keyId: string; publicPem: string } }
  | { type: "close" };

export type ProviderReply =
  | { type: "ready" }
  | { type: "started"; url: string }
  | { type: "closed" }
  | { type: "error"; message: string };
