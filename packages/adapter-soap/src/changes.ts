/**
 * Change detection, when the service offers a "changed since" operation: `changes.operation`
 * with "{position}" (the last position seen, absent at first) and "{limit}" in its input. The
 * position is the service's own (a change sequence number, or an update time if it is unique
 * and strictly increasing); govex hands it back unchanged as the opaque forward-only cursor.
 * Without such an operation the source offers no changes.
 */
import type { SourceChangesPage, SourceChangesRequest } from "@govex/adapter";
import { checkAnswer, readChanges } from "@govex/adapter/remote";
import type { SoapPlan } from "./config.js";
import type { SoapTransport } from "./transport.js";

export function readSoapChanges(
  plan: SoapPlan,
  transport: SoapTransport,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  const changes = plan.changes;
  if (!changes) throw new Error("readSoapChanges without a changes block");
  return readChanges(
    changes.plan,
    async (vars, signal) => {
      const answer = await transport.call(changes.call, { vars, signal });
      const body = answer.found ? answer.body : undefined;
      await checkAnswer(body, plan.checks, changes.call.label);
      return body;
    },
    request,
  );
}
