/**
 * Catalog rows as specs/exchange v1 `CatalogRecord`s: the entry, its status and version, when it
 * was first published and last changed, and why it was withdrawn.
 */
import type { CatalogEntry } from "@govex/schemas";

/** specs/exchange v1 `CatalogRecord`. */
export interface CatalogRecord {
  entry: CatalogEntry;
  status: CatalogStatus;
  version: number;
  /** RFC 3339 date-time. */
  publishedAt: string;
  /** RFC 3339 date-time. */
  updatedAt: string;
  withdrawReason?: string;
}

export type CatalogStatus = "published" | "withdrawn";

/** A row of `catalog_resources` with the columns a record needs. */
export interface ResourceRow extends Record<string, unknown> {
  resource_code: string;
  provider_code: string;
  status: CatalogStatus;
  version: number;
  entry: CatalogEntry;
  published_at: Date;
  updated_at: Date;
  withdraw_reason: string | null;
}

/** The columns of `ResourceRow`, for `select`. */
export const RESOURCE_COLUMNS =
  "resource_code, provider_code, status, version, entry, published_at, updated_at, withdraw_reason";

export function catalogRecord(row: {
  entry: CatalogEntry;
  status: CatalogStatus;
  version: number;
  published_at: Date;
  updated_at: Date;
  withdraw_reason: string | null;
}): CatalogRecord {
  return {
    entry: row.entry,
    status: row.status,
    version: row.version,
    publishedAt: row.published_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(row.withdraw_reason === null ? {} : { withdrawReason: row.withdraw_reason }),
  };
}

/** The strong entity tag of a version (RFC 9110 §8.8.3), e.g. `"3"`. */
export const etagOf = (version: number) => `"${version}"`;
