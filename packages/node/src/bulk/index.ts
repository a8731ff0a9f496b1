/**
 * Bulk exchange (specs/exchange v1 `bulk`): pushed NDJSON batches, validated line by line,
 * stored all or nothing, with a receipt.
 *
 * @module
 */
export * from "./batch-digests.js";
export {
  type BatchProgress,
  type BulkLimits,
  CHECKPOINT_LINES,
  DEFAULT_BULK_LIMITS,
  LEASE_SECONDS,
} from "./batch-ingest.js";
export * from "./export-trailer.js";
export * from "./ndjson-lines.js";
export * from "./record-rules.js";
export {
  type BatchReceipt,
  type BatchRejection,
  bulkHandlers,
  MAX_LISTED_REJECTIONS,
  RECEIVING_RETENTION_HOURS,
} from "./routes.js";
