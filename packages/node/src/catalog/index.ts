/**
 * The catalog (目录) of the exchange node: publish, update and withdraw entries with every
 * version kept, search them (Chinese keywords through pg_trgm), and flag 一数一源 conflicts.
 *
 * @module
 */
export {
  AUTHORITY_CONFLICT_HEADER,
  type AuthorityConflict,
  authorityConflictHeader,
} from "./authority.js";
export {
  type CatalogEntryFacts,
  type CatalogItemFacts,
  entryFacts,
  GOVEX_EXTENSION,
} from "./entry-facts.js";
export { checkIfMatch, parseIfMatch } from "./if-match.js";
export {
  type CatalogActor,
  type CatalogChange,
  listEntryVersions,
  publishEntry,
  readEntry,
  updateEntry,
  withdrawEntry,
} from "./lifecycle.js";
export { type CatalogRecord, type CatalogStatus, etagOf } from "./records.js";
export { catalogHandlers } from "./routes.js";
export { type CatalogQuery, containsPattern, keywordsOf, searchCatalogEntries } from "./search.js";
