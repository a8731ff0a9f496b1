/**
 * Change detection, when the API offers a "changed since" call: `changes.path` with
 * "{position}" (the last position seen, absent at first) and "{limit}". The position is the
 * API's own (a sequence number, or an update time if it is unique and strictly increasing);
 * govex hands it back unchanged as the opaque forward-only cursor. Without such a call the
 * source offers no changes (the mapping's resource leaves `changes` out).
 */
import type { SourceChangesPage, SourceChangesRequest } from "@govex/adapter";
import { checkAnswer, readChanges } from "@govex/adapter/remote";
import type { RestPlan } from "./config.js";
import type { RestTransport } from "./transport.js";

export function readRestChanges(
  plan: RestPlan,
  transport: RestTransport,
  request: SourceChangesRequest,
): Promise<SourceChangesPage> {
  const changes = plan.changes;
  if (!changes) throw new Error("readRestChanges without a changes block");
  return readChanges(
    changes.plan,
    async (vars, signal) => {
      const answer = await transport.call(changes.call, { vars, signal });
      await checkAnswer(answer.body, plan.checks, changes.call.label);
      return answer.body;
    },
    request,
  );
}
