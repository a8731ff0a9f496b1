/**
 * Access rules of the exchange node: 共享类型 enforcement (国发〔2016〕51号), field grants of share
 * requests, and masking per grade unless clear text is granted. Pure and synchronous.
 *
 * @module
 */
export {
  ACCESS_PROBLEM_TYPES,
  type AccessAllowed,
  type AccessBasis,
  type AccessDecision,
  type AccessDenialCode,
  type AccessDenied,
  type AccessQuery,
  applyAccess,
  decideAccess,
  type GrantState,
  type GrantStatus,
  type ResourceAccess,
  SHARE_TYPES,
  type ShareType,
} from "./access-rules.js";
