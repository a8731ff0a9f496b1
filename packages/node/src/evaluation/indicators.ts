/**
 * The indicators of the sharing evaluation (共享评价). GB/T 38664.4 (政务数据开放共享 第4部分:
 * 共享评价) is the standard for this, but its text could not be checked: no indicator claims to
 * follow one of its clauses, every one is marked `own: true`, and the dimensions follow the duties
 * of 国发〔2016〕51号 and 发改高技〔2017〕1272号 that the node can measure from its own data.
 */
export interface IndicatorDefinition {
  code: IndicatorCode;
  dimension: "catalog" | "sharing" | "timeliness" | "freshness" | "quality" | "usage";
  name: { zh: string; en: string };
  formula: string;
  weight: number;
  own: boolean;
  alignment?: string;
}

export type IndicatorCode =
  | "catalog_elements"
  | "item_standardization"
  | "share_ratio"
  | "refusal_basis"
  | "request_timeliness"
  | "data_freshness"
  | "data_quality"
  | "resource_use"
  | "consumer_reach";

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: "catalog_elements",
    dimension: "catalog",
    name: { zh: "目录核心元素完整率", en: "Catalog core elements filled" },
    formula:
      "Σ 已填必填核心元素 / (12 × 已发布资源数) × 100(发改高技〔2017〕1272号 13 项核心元素,关联资源代码为选填不计)",
    weight: 0.15,
    own: true,
  },
  {
    code: "item_standardization",
    dimension: "catalog",
    name: {
      zh: "信息项关联标准数据元比例",
      en: "Information items linked to a standard data element",
    },
    formula: "关联 dataElement 的信息项数 / 信息项总数 × 100",
    weight: 0.1,
    own: true,
  },
  {
    code: "share_ratio",
    dimension: "sharing",
    name: { zh: "可共享资源比例", en: "Shareable resources" },
    formula:
      "(无条件共享 + 有条件共享) / 已发布资源数 × 100(国发〔2016〕51号:以共享为原则、不共享为例外)",
    weight: 0.15,
    own: true,
  },
  {
    code: "refusal_basis",
    dimension: "sharing",
    name: { zh: "不予共享有依据比例", en: "Refusals to share with a legal basis" },
    formula:
      "共享条件写明法律、行政法规或党中央国务院政策依据的不予共享资源数 / 不予共享资源数 × 100",
    weight: 0.1,
    own: true,
  },
  {
    code: "request_timeliness",
    dimension: "timeliness",
    name: { zh: "共享申请按时答复率", en: "Share requests answered on time" },
    formula: "10 个工作日内答复的申请数 / (已答复 + 已超期未答复的申请数) × 100(国发〔2016〕51号)",
    weight: 0.15,
    own: true,
  },
  {
    code: "data_freshness",
    dimension: "freshness",
    name: { zh: "数据按更新周期更新比例", en: "Resources updated within their update cycle" },
    formula:
      "最近一次变更在更新周期(加 10%、至少 1 天宽限)内的资源数 / 有变更记录且周期明确的资源数 × 100",
    weight: 0.1,
    own: true,
  },
  {
    code: "data_quality",
    dimension: "quality",
    name: { zh: "数据合规率", en: "Records that meet the standard" },
    formula: "(1 − 被拒记录数 / 推送记录数) × 100(批量推送经节点按数据规范校验)",
    weight: 0.1,
    own: true,
  },
  {
    code: "resource_use",
    dimension: "usage",
    name: { zh: "资源被调用比例", en: "Shareable resources called" },
    formula: "评价期内被成功调用的可共享资源数 / 可共享资源数 × 100",
    weight: 0.1,
    own: true,
  },
  {
    code: "consumer_reach",
    dimension: "usage",
    name: { zh: "使用单位覆盖率", en: "Consumers reached" },
    formula: "评价期内调用过本部门资源的其他成员数 / 其他成员数 × 100",
    weight: 0.05,
    own: true,
  },
];
