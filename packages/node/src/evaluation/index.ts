/**
 * The sharing evaluation (共享评价) of the exchange node: indicators, the pure evaluation, and
 * the `getEvaluation` operation of specs/exchange v1.
 *
 * @module
 */
export {
  type Evaluation,
  type EvaluationInputs,
  type EvaluationOptions,
  type EvaluationResource,
  type EvaluationShareRequest,
  type EvaluationSubject,
  evaluateSharing,
  filledCoreElements,
  type IndicatorScore,
} from "./evaluate-sharing.js";
export { gatherEvaluationInputs } from "./gather.js";
export { INDICATORS, type IndicatorCode, type IndicatorDefinition } from "./indicators.js";
export { EVALUATION_PERIOD_DAYS, evaluationHandlers } from "./route.js";
