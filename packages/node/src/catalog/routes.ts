/**
 * The catalog operations of specs/exchange v1 (tag `catalog`): thin handlers over the service
 * functions of lifecycle.ts and search.ts. The server has checked the signature, the parameters
 * and the body against the spec; these do authorization and the catalog's own rules.
 *
 * - searchCatalog, getCatalogEntry, listCatalogEntryVersions: any member.
 * - publishCatalogEntry: the entry's provider (providerCode = the signer's member), or the
 *   operator; 201 with `Govex-Authority-Conflict` when it claims a data element another
 *   resource claimed first (一数一源).
 * - updateCatalogEntry, withdrawCatalogEntry: the entry's provider, or the operator.
 */
import type { CatalogEntry } from "@govex/schemas";
import {
  callerOf,
  type OperationHandler,
  type OperationHandlers,
  type OperationRequest,
  type OperationResult,
} from "../server/operation.js";
import { AUTHORITY_CONFLICT_HEADER, authorityConflictHeader } from "./authority.js";
import {
  type CatalogActor,
  type CatalogChange,
  listEntryVersions,
  publishEntry,
  readEntry,
  updateEntry,
  withdrawEntry,
} from "./lifecycle.js";
import { etagOf } from "./records.js";
import { type CatalogQuery, searchCatalogEntries } from "./search.js";

/** The spec's default page size (`Limit`). */
const DEFAULT_LIMIT = 50;

const actorOf = (request: OperationRequest): CatalogActor => {
  const caller = callerOf(request);
  return { member: caller.member, operator: caller.operator };
};

/** `prefix/suffix` of the path (both checked against the spec's patterns by the server). */
const codeOf = (request: OperationRequest) => `${request.path.prefix}/${request.path.suffix}`;

const stringParam = (request: OperationRequest, name: string): string | undefined => {
  const value = request.query[name];
  return typeof value === "string" ? value : undefined;
};

const limitOf = (request: OperationRequest) => {
  const value = request.query.limit;
  return typeof value === "number" ? value : DEFAULT_LIMIT;
};

/** A stored version as the answer: the record, its ETag and any 一数一源 conflict. */
function changed(status: number, change: CatalogChange): OperationResult {
  const headers: Record<string, string> = { etag: etagOf(change.record.version) };
  const conflicts = authorityConflictHeader(change.conflicts);
  if (conflicts !== undefined) headers[AUTHORITY_CONFLICT_HEADER] = conflicts;
  return { status, body: change.record, headers };
}

const searchCatalog: OperationHandler = async (request, node) => {
  callerOf(request);
  const query: CatalogQuery = {};
  for (const name of ["q", "category", "item", "provider", "shareType", "updateCycle"] as const) {
    const value = stringParam(request, name);
    if (value !== undefined) query[name] = value;
  }
  const body = await searchCatalogEntries(
    node.db,
    query,
    stringParam(request, "cursor"),
    limitOf(request),
  );
  return { status: 200, body };
};

const publishCatalogEntry: OperationHandler = async (request, node, facts) => {
  const entry = request.body as CatalogEntry;
  facts.resourceCode = entry.resourceCode;
  facts.provider = entry.providerCode;
  return changed(201, await publishEntry(node.db, node.clock, actorOf(request), entry));
};

const getCatalogEntry: OperationHandler = async (request, node, facts) => {
  callerOf(request);
  facts.resourceCode = codeOf(request);
  const { record, provider } = await readEntry(node.db, codeOf(request));
  facts.provider = provider;
  return { status: 200, body: record, headers: { etag: etagOf(record.version) } };
};

const updateCatalogEntry: OperationHandler = async (request, node, facts) => {
  const code = codeOf(request);
  facts.resourceCode = code;
  const change = await updateEntry(
    node.db,
    node.clock,
    actorOf(request),
    code,
    request.body as CatalogEntry,
    request.header["if-match"],
  );
  facts.provider = change.provider;
  return changed(200, change);
};

const withdrawCatalogEntry: OperationHandler = async (request, node, facts) => {
  const code = codeOf(request);
  facts.resourceCode = code;
  const { reason } = request.body as { reason: string };
  const { record, provider } = await withdrawEntry(
    node.db,
    node.clock,
    actorOf(request),
    code,
    reason,
  );
  facts.provider = provider;
  return { status: 200, body: record, headers: { etag: etagOf(record.version) } };
};

const listCatalogEntryVersions: OperationHandler = async (request, node, facts) => {
  callerOf(request);
  const code = codeOf(request);
  facts.resourceCode = code;
  const { page, provider } = await listEntryVersions(
    node.db,
    code,
    stringParam(request, "cursor"),
    limitOf(request),
  );
  facts.provider = provider;
  return { status: 200, body: page };
};

/** The catalog's handlers by operationId. */
export const catalogHandlers: OperationHandlers = {
  searchCatalog,
  publishCatalogEntry,
  getCatalogEntry,
  updateCatalogEntry,
  withdrawCatalogEntry,
  listCatalogEntryVersions,
};
