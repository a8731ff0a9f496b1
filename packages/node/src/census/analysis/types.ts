/**
 * What the census analysis reads and what it answers (specs/exchange v1 `CensusAnalysis`). The
 * inputs are plain data, so the analysis runs the same on a node's database and on a file.
 */

/** The part of a specs/data/v1 system-inventory record the analysis reads. */
export interface InventoryRecord {
  name: string;
  ownerDepartment: string;
  ownerDepartmentCode: string;
  function: string;
  systemCode?: string;
  scopeOfUse?: string[];
  frequencyOfUse?: string;
  userCount?: number;
  networks?: string[];
  deployment?: string;
  connectedToExchange?: boolean;
  linkedCatalogResources?: string[];
  status: string;
  integratedInto?: string;
  onlineDate?: string;
  developer?: { name: string };
  maintainer?: { name: string };
  inventoryDate?: string;
  remarks?: string;
}

/** One census record as stored (the newest per system is analysed). */
export interface CensusSystemInput {
  id: string;
  record: InventoryRecord;
  /** RFC 3339; the newest record of a (department, system) replaces older ones. */
  submittedAt?: string;
}

/** A catalog resource with its 信息项' standard data elements (一数一源). */
export interface CatalogResourceInput {
  resourceCode: string;
  providerCode: string;
  name: string;
  status: "published" | "withdrawn";
  /** `dataElement` of each 信息项 that names one. */
  elements: string[];
}

/** Audited data access to one resource. */
export interface ResourceUsage {
  resourceCode: string;
  /** Successful data calls within the analysis window (the last `idleMonths` months). */
  recentCalls: number;
  /** Successful data calls ever recorded. */
  calls: number;
  /** Distinct consumers ever. */
  consumers: number;
  /** RFC 3339 time of the last successful data call; absent when there was none. */
  lastCall?: string;
}

/** A system registered on the exchange with the resources its services serve. */
export interface RegisteredSystem {
  memberCode: string;
  code: string;
  inventoryName?: string;
  resources: string[];
}

export interface CensusInputs {
  systems: CensusSystemInput[];
  catalog?: CatalogResourceInput[];
  usage?: ResourceUsage[];
  registered?: RegisteredSystem[];
  /** The oldest audit entry the usage covers (RFC 3339), if any. */
  auditSince?: string;
}

export interface CensusAnalysisOptions {
  /** "Now" (RFC 3339 or Date). */
  now: Date;
  /** Months without an audited call that count as detached usage (default 6). */
  idleMonths?: number;
  /** Cosine similarity from which two systems' name and function count as overlapping (0.55). */
  similarityThreshold?: number;
  /** Confidence from which a zombie candidate is listed (0.5). */
  zombieThreshold?: number;
}

export type CensusRule =
  | "usage_detached"
  | "function_replaceable"
  | "resources_idle"
  | "maintenance_stopped"
  | "narrow_low_frequency"
  | "function_overlap"
  | "shared_resources"
  | "one_source_violation";

export interface LocalizedText {
  zh: string;
  en: string;
}

export interface CensusRuleHit {
  rule: CensusRule;
  kind: "zombie" | "shadow";
  weight: number;
  evidence: LocalizedText;
  facts?: Record<string, unknown>;
}

export interface CensusSystemRef {
  recordId: string;
  name: string;
  ownerDepartment: string;
  ownerDepartmentCode: string;
  systemCode?: string;
  status?: string;
}

export interface CensusFinding {
  system: CensusSystemRef;
  kind: "zombie" | "shadow";
  action: "清理" | "整合" | "核实";
  confidence: number;
  rules: CensusRuleHit[];
  related?: CensusSystemRef[];
}

export interface IntegrationSuggestion {
  group: string;
  keep: CensusSystemRef;
  systems: CensusSystemRef[];
  confidence: number;
  rules: CensusRuleHit[];
  rationale: LocalizedText;
}

/** specs/exchange v1 `CensusAnalysis`. */
export interface CensusAnalysis {
  generatedAt: string;
  parameters: {
    idleMonths: number;
    similarityThreshold: number;
    zombieThreshold: number;
    auditSince?: string;
  };
  summary: {
    systems: number;
    zombies: number;
    shadows: number;
    integrationGroups: number;
    oneSourceViolations: number;
  };
  cleanupList: CensusFinding[];
  integrationPlan: IntegrationSuggestion[];
  notes?: LocalizedText[];
}
