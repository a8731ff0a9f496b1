/**
 * The system census (普查) of the exchange node: the `census` operations of specs/exchange v1.
 *
 * @module
 */
export { censusHandlers } from "./routes.js";
