/**
 * The audit operations of specs/exchange v1: entries (a member sees those that concern it), the
 * latest signed checkpoint (C2SP tlog-checkpoint), and inclusion and consistency proofs
 * (RFC 9162 §2.1.3, §2.1.4), from which `govex audit verify` checks the log offline.
 */
import { callerOf, type OperationHandlers } from "../server/operation.js";
import { NodeProblem } from "../server/problem.js";
import { isStoreError } from "../store/index.js";
import { auditConsistencyProof, auditInclusionProof, listAuditEntries } from "./log.js";

/** A store refusal (bad cursor, size out of range) as the caller's problem. */
function asProblem(error: unknown): unknown {
  if (!isStoreError(error)) return error;
  if (error.code === "invalid_argument")
    return new NodeProblem("bad-request", {
      code: "parameter_invalid",
      zh: error.zh,
      en: error.message,
    });
  if (error.code === "audit_out_of_range")
    return new NodeProblem("not-found", {
      code: "audit_out_of_range",
      zh: error.zh,
      en: error.message,
    });
  return error;
}

async function mapped<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asProblem(error);
  }
}

export const auditHandlers: OperationHandlers = {
  async listAuditEntries(request, node) {
    const caller = callerOf(request);
    const asked = request.query.member as string | undefined;
    if (!caller.operator && asked !== undefined && asked !== caller.member)
      throw new NodeProblem("forbidden", {
        zh: "成员单位只能查看与本单位有关的审计条目。",
        en: "A member sees only the audit entries that concern it.",
      });
    const member = caller.operator ? asked : caller.member;
    const page = await mapped(() =>
      listAuditEntries(node.db, {
        ...(member === undefined ? {} : { member }),
        ...(request.query.operation === undefined
          ? {}
          : { operation: request.query.operation as string }),
        ...(request.query.from === undefined ? {} : { from: request.query.from as string }),
        ...(request.query.to === undefined ? {} : { to: request.query.to as string }),
        ...(request.query.cursor === undefined ? {} : { cursor: request.query.cursor as string }),
        limit: (request.query.limit as number | undefined) ?? 50,
      }),
    );
    return { status: 200, body: page };
  },

  async getAuditCheckpoint(request, node) {
    callerOf(request);
    const { note } = await node.checkpoint();
    return { status: 200, raw: note, contentType: "text/plain; charset=utf-8" };
  },

  async getInclusionProof(request, node) {
    callerOf(request);
    const proof = await mapped(() =>
      auditInclusionProof(
        node.db,
        request.query.leafIndex as number,
        request.query.treeSize as number,
      ),
    );
    return { status: 200, body: proof };
  },

  async getConsistencyProof(request, node) {
    callerOf(request);
    const proof = await mapped(() =>
      auditConsistencyProof(node.db, request.query.first as number, request.query.second as number),
    );
    return { status: 200, body: proof };
  },
};
