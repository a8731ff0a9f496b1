/**
 * Errors of the storage layer and of the stores built on it (nonces, idempotency keys, the audit
 * log): a stable snake_case `code`, zh-CN and English messages (what is wrong, then what to do),
 * and the details in `params`.
 */
import { GovexNodeError, type NodeErrorOptions } from "../errors.js";

/** Codes the storage layer throws. */
export type StoreErrorCode =
  /** The options of `openStore` are wrong (both or neither of url / dataDir, a bad URL). */
  | "config_invalid"
  /** The database cannot be reached or refused the connection. */
  | "unavailable"
  /** A migration file is misnamed, numbered with a gap or twice, or empty. */
  | "migration_invalid"
  /** An applied migration's text changed since it was applied (its checksum differs). */
  | "migration_checksum_mismatch"
  /** The database has a migration this code does not know: it was migrated by a newer govex. */
  | "migration_unknown"
  /** A migration failed to apply; nothing of this run was kept. */
  | "migration_failed"
  /** An argument a store function was given is out of its range or of the wrong type. */
  | "invalid_argument"
  /** An audit entry breaks the entry rules (a missing field, a wrong type, too long). */
  | "audit_entry_invalid"
  /** A leaf index or tree size beyond the log's current size. */
  | "audit_out_of_range"
  /** The stored audit tree is missing a node or disagrees with itself: it was altered. */
  | "audit_corrupt";

export type StoreErrorOptions = NodeErrorOptions;

/**
 * The error the storage layer and its stores throw.
 *
 * @example
 * try { await openStore({ url }); } catch (e) { if (isStoreError(e)) e.code; } // "migration_checksum_mismatch"
 */
export class StoreError extends GovexNodeError<StoreErrorCode> {
  override readonly name = "StoreError";
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}
