/**
 * Bulk exchange (specs/exchange v1 `bulk`): pushed NDJSON batches, validated line by line,
 * stored all or nothing, with a receipt.
 *
 * @module
 */
export * from "./ndjson-lines.js";
export * from "./record-rules.js";
export {
  type BatchReceipt,
  type BatchRejection,
  bulkHandlers,
  MAX_LISTED_REJECTIONS,
} from "./routes.js";
