/**
 * The system census (普查) of specs/exchange v1, tag `census`: departments submit one
 * system-inventory record (specs/data/v1) per government information system, as
 * 国办发〔2017〕39号《政务信息系统整合共享实施方案》 asks, to take stock of the systems before
 * they are integrated. The server has checked the record against the schema; these handlers
 * decide who may submit and see it (see README.md).
 *
 * @module
 */
import { evaluationHandlers } from "../evaluation/route.js";
import { callerOf, type OperationHandler, type OperationHandlers } from "../server/operation.js";
import { decodeCursor, page } from "../server/pagination.js";
import { forbidden } from "../server/problem.js";
import { refuseUnstorable } from "../sharing/routes.js";
import { chinaDateTime, cursorAtSql, isListCursor, newNodeId } from "../sharing/share-request.js";
import { analyzeCensusHandler } from "./analysis-route.js";

/** The spec's default page size (`Limit`). */
const DEFAULT_LIMIT = 50;

/** The part of a specs/data/v1 system-inventory record the node reads. */
interface SystemInventory {
  name: string;
  ownerDepartmentCode: string;
}

interface CensusRow {
  id: string;
  owner_code: string;
  record: SystemInventory;
  submitted_at: Date;
  cursor_at: string;
}

const COLUMNS = `id, owner_code, record, submitted_at, ${cursorAtSql("submitted_at")} as cursor_at`;

/** specs/exchange v1 `CensusRecord`. */
function censusBody(row: CensusRow) {
  return { id: row.id, record: row.record, submittedAt: chinaDateTime(row.submitted_at) };
}

const submitCensusSystem: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const record = request.body as SystemInventory;
  const owner = record.ownerDepartmentCode;
  if (!caller.operator && caller.member !== owner)
    throw forbidden(
      `普查记录的责任部门代码为 ${owner}，不是贵单位（${caller.member}）。请只提交本单位的信息系统，或由平台运营方代为提交。`,
      `The record's ownerDepartmentCode is ${owner}, not your organization (${caller.member}). Submit only your own systems, or ask the exchange's operator to submit it.`,
      "census_not_owner",
    );
  refuseUnstorable(record);
  const now = node.clock.now();
  const { rows } = await node.db.query<CensusRow & Record<string, unknown>>(
    `insert into census_systems (id, owner_code, record, submitted_by, submitted_at)
     values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [newNodeId("c", now), owner, JSON.stringify(record), caller.member, now],
  );
  return { status: 201, body: censusBody(rows[0] as CensusRow) };
};

const listCensusSystems: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const owner = request.query.ownerDepartmentCode as string | undefined;
  const limit = typeof request.query.limit === "number" ? request.query.limit : DEFAULT_LIMIT;
  const cursor = decodeCursor(request.query.cursor as string | undefined, isListCursor);
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  // A member sees the records of its own systems; the operator sees the whole census.
  if (!caller.operator) where.push(`owner_code = ${bind(caller.member)}`);
  if (owner !== undefined) where.push(`owner_code = ${bind(owner)}`);
  if (cursor !== undefined)
    where.push(`(submitted_at, id) < (${bind(cursor[0])}::timestamptz, ${bind(cursor[1])})`);
  const { rows } = await node.db.query<CensusRow & Record<string, unknown>>(
    `select ${COLUMNS} from census_systems
      ${where.length > 0 ? `where ${where.join(" and ")}` : ""}
      order by submitted_at desc, id desc limit ${bind(limit + 1)}`,
    params,
  );
  return {
    status: 200,
    body: page(rows, limit, censusBody, (row) => [row.cursor_at, row.id]),
  };
};

/** The handlers of the `census` and `evaluation` operations of specs/exchange v1. */
export const censusHandlers: OperationHandlers = {
  listCensusSystems,
  submitCensusSystem,
  analyzeCensus: analyzeCensusHandler,
  ...evaluationHandlers,
};
