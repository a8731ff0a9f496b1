/**
 * @govex/adapter: the adapter contract (typed from specs/provider v1), mapping files
 * (specs/adapter/v1) that turn a department system's rows into standard records, and the
 * provider runtime that serves any adapter, signed.
 * @module
 */
export * from "./adapter.js";
export * from "./cursor.js";
export * from "./errors.js";
export * from "./mapped-adapter.js";
export * from "./mapping/load-mapping.js";
export * from "./mapping/mapping-error.js";
export * from "./mapping/record-schema.js";
export * from "./mapping/transforms.js";
export { MAPPING_MAX_BYTES } from "./mapping/yaml-file.js";
export * from "./memory-source.js";
export * from "./provider.js";
export * from "./provider-config.js";
export {
  isPrototypeChangingMember,
  jsonNestingExceeds,
  MAX_JSON_DEPTH,
  parseJsonBody,
} from "./server/body.js";
export {
  type AnswerSigning,
  answerHeaders,
  charsetError,
  incomingRequest,
  JSON_CONTENT_TYPE,
  PROBLEM_CONTENT_TYPE,
  registeredMetric,
  requestId,
  requestMetrics,
  sendProblem,
  signAnswer,
  utf8BodyParser,
} from "./server/http-kit.js";
export {
  frameworkProblem,
  internalProblem,
  type Lang,
  PROBLEM_BASE,
  PROBLEM_TYPES,
  type ProblemAnswer,
  type ProblemIssue,
  type ProblemSlug,
  type ProviderProblem,
  problem,
  signatureProblem,
} from "./server/problems.js";
export * from "./server/server.js";
export { type IncomingRequest, verifyIncoming } from "./server/signatures.js";
export * from "./source.js";
