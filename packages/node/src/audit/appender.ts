/**
 * The node's audit appender: group commit. Appends are serialized across nodes by the log's lock
 * row, so one transaction per access would cap a node at one commit round trip per access. Here
 * the accesses that arrive while a transaction runs wait and go together into the next one; each
 * caller still gets its own leaf index once its entry is committed.
 */
import type { Db } from "../store/db.js";
import { type AuditEntryInput, auditEntryContent } from "./entry.js";
import { type AppendedEntry, appendAuditEntries } from "./log.js";

/** Options of {@link createAuditLog}. */
export interface AuditLogOptions {
  /** The clock for entries without a time (default: the system clock). */
  now?: () => Date;
  /** Most entries per transaction (default 500). */
  maxBatch?: number;
}

/** The node's handle on its audit log. */
export interface AuditLog {
  /**
   * Record an access; resolves once it is committed, with its leaf index. An invalid entry is
   * rejected at once (StoreError `audit_entry_invalid`) and never delays the others.
   */
  append(entry: AuditEntryInput): Promise<AppendedEntry>;
  /** Resolves when every append made so far is committed (or failed). */
  flush(): Promise<void>;
}

interface Pending {
  entry: AuditEntryInput;
  resolve: (appended: AppendedEntry) => void;
  reject: (error: unknown) => void;
}

/**
 * The node's audit log with group commit.
 *
 * @example
 * const audit = createAuditLog(db);
 * const { leafIndex } = await audit.append({ operation: "getRecord", caller, provider, resourceCode, purpose, shareRequestId, status: 200 });
 */
export function createAuditLog(db: Db, options: AuditLogOptions = {}): AuditLog {
  const now = options.now ?? (() => new Date());
  const maxBatch = Math.max(1, options.maxBatch ?? 500);
  const queue: Pending[] = [];
  let running: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        const appended = await appendAuditEntries(
          db,
          batch.map((p) => p.entry),
          { now },
        );
        for (const [i, p] of batch.entries()) p.resolve(appended[i] as AppendedEntry);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
  }

  function kick(): void {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
      // An append that arrived between the last splice and here starts a new run.
      if (queue.length > 0) kick();
    });
  }

  return {
    append(entry) {
      // Validate now, and fix the time now: a waiting entry keeps the time it was made.
      let content: AuditEntryInput;
      try {
        content = auditEntryContent(entry, now);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<AppendedEntry>((resolve, reject) => {
        queue.push({ entry: content, resolve, reject });
        kick();
      });
    },
    async flush() {
      while (running) await running;
    },
  };
}
