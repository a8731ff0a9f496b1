/**
 * `getEvaluation` (GET /evaluation): the sharing evaluation over the node's own data. The operator
 * sees every department (or the one `member` names); a member sees its own department. Both see
 * the exchange-wide scores: totals that name no department.
 */
import { todayInChina } from "../calendar/index.js";
import { callerOf, type OperationHandler, type OperationHandlers } from "../server/operation.js";
import { forbidden } from "../server/problem.js";
import { chinaDateTime } from "../sharing/share-request.js";
import { evaluateSharing } from "./evaluate-sharing.js";
import { gatherEvaluationInputs } from "./gather.js";

/** Data calls are counted over the last year. */
export const EVALUATION_PERIOD_DAYS = 365;

const getEvaluation: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const member = request.query.member as string | undefined;
  if (!caller.operator && member !== undefined && member !== caller.member)
    throw forbidden(
      `成员只能查看本单位(${caller.member})的共享评价。请去掉 member 参数,或由平台运营方查询。`,
      `A member sees its own department's evaluation (${caller.member}) only: drop the member parameter, or ask the exchange's operator.`,
      "evaluation_not_owner",
    );
  const now = node.clock.now();
  const since = new Date(now.getTime() - EVALUATION_PERIOD_DAYS * 86_400_000);
  const inputs = await gatherEvaluationInputs(node.db, since);
  const scope = caller.operator ? member : caller.member;
  const evaluation = evaluateSharing(inputs, {
    now,
    today: todayInChina(node.clock),
    ...(scope === undefined ? {} : { members: [scope] }),
  });
  evaluation.generatedAt = chinaDateTime(now);
  return { status: 200, body: evaluation };
};

/** The handler of the `evaluation` operation of specs/exchange v1. */
export const evaluationHandlers: OperationHandlers = { getEvaluation };
