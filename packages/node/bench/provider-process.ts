/**
 * The department's provider of the benchmark, in its own process (forked by exchange.bench.ts):
 * the test harness's provider (the @govex/adapter runtime over 30 synthetic residents, answers
 * signed with the provider department's key, requests accepted under the node's key).
 */
import { createSigner, createVerifier } from "@govex/security";
import { startTestProvider, type TestProvider } from "../test/helpers/exchange.js";
import type { ProviderReply, ProviderRequest } from "./messages.js";

let provider: TestProvider | undefined;
const send = (message: ProviderReply) => process.send?.(message);

async function handle(message: ProviderRequest): Promise<void> {
  if (message.type === "start") {
    provider = await startTestProvider(
      createSigner({
        keyId: message.provider.keyId,
        algorithm: "ed25519",
        key: message.provider.privatePem,
      }),
      createVerifier({
        keyId: message.node.keyId,
        algorithm: "ed25519",
        key: message.node.publicPem,
      }),
    );
    send({ type: "started", url: provider.url });
  } else {
    await provider?.close();
    process.send?.({ type: "closed" } satisfies ProviderReply, () => process.exit(0));
  }
}

process.on("message", (message: ProviderRequest) => {
  handle(message).catch((error: unknown) => {
    send({
      type: "error",
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  });
});
// The benchmark went away (finished or failed): nothing is left serving.
process.on("disconnect", () => process.exit(0));
send({ type: "ready" });
