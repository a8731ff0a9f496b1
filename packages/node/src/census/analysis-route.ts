/**
 * `analyzeCensus` (GET /census/analysis): the census analysis over the node's own data. The
 * operator sees the whole clean-up list and plan; a member sees the items about its own systems
 * and the integration groups that hold one of them — other departments' systems in those groups
 * by their reference only (name, department, record id), never their records.
 */

import { callerOf, type OperationHandler } from "../server/operation.js";
import { forbidden } from "../server/problem.js";
import { chinaDateTime } from "../sharing/share-request.js";
import { analyzeCensus } from "./analysis/analyze-census.js";
import { gatherCensusInputs } from "./analysis/gather.js";
import type { CensusAnalysis } from "./analysis/types.js";

/** The analysis restricted to what one department may see. */
export function censusAnalysisFor(analysis: CensusAnalysis, member: string): CensusAnalysis {
  const cleanupList = analysis.cleanupList.filter((f) => f.system.ownerDepartmentCode === member);
  const integrationPlan = analysis.integrationPlan.filter(
    (g) =>
      g.keep.ownerDepartmentCode === member ||
      g.systems.some((s) => s.ownerDepartmentCode === member),
  );
  return {
    ...analysis,
    summary: {
      ...analysis.summary,
      zombies: cleanupList.filter((f) => f.kind === "zombie").length,
      shadows: cleanupList.filter((f) => f.kind === "shadow").length,
      integrationGroups: integrationPlan.length,
    },
    cleanupList,
    integrationPlan,
  };
}

export const analyzeCensusHandler: OperationHandler = async (request, node) => {
  const caller = callerOf(request);
  const member = request.query.member as string | undefined;
  if (!caller.operator && member !== undefined && member !== caller.member)
    throw forbidden(
      `成员只能查看本单位(${caller.member})系统的普查分析。请去掉 member 参数,或由平台运营方查询。`,
      `A member sees the census analysis of its own systems (${caller.member}) only: drop the member parameter, or ask the exchange's operator.`,
      "census_not_owner",
    );
  const idleMonths = typeof request.query.idleMonths === "number" ? request.query.idleMonths : 6;
  const now = node.clock.now();
  const since = new Date(now.getTime());
  since.setUTCMonth(since.getUTCMonth() - idleMonths);
  const inputs = await gatherCensusInputs(node.db, since);
  const analysis = analyzeCensus(inputs, { now, idleMonths });
  analysis.generatedAt = chinaDateTime(now);
  const scope = caller.operator ? member : caller.member;
  // The summary's census size stays the department's own count for a member.
  const body = scope === undefined ? analysis : censusAnalysisFor(analysis, scope);
  if (scope !== undefined)
    body.summary.systems = new Set(
      inputs.systems
        .filter((s) => s.record.ownerDepartmentCode === scope)
        .map((s) => s.record.systemCode ?? `name:${s.record.name}`),
    ).size;
  return { status: 200, body };
};
