/**
 * The system census (普查) of the exchange node: the `census` operations of specs/exchange v1,
 * and the census analysis (僵尸 and 影子 systems) as a pure function over plain inputs.
 *
 * @module
 */

// The sharing evaluation reaches the package barrel through here (its handler is in censusHandlers).
export * from "../evaluation/index.js";
export {
  analyzeCensus,
  confidenceOf,
  DEFAULT_IDLE_MONTHS,
  DEFAULT_SIMILARITY,
  DEFAULT_ZOMBIE_THRESHOLD,
} from "./analysis/analyze-census.js";
export { gatherCensusInputs } from "./analysis/gather.js";
export type * from "./analysis/types.js";
export { censusAnalysisFor } from "./analysis-route.js";
export { censusHandlers } from "./routes.js";
