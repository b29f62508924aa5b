import type { PolicyReport } from "../../policies/evaluate.js";

export interface GateResult {
  /** Failed mandatory rules (waivers applied), as `EST-XXX-NNN on <resource>: message`. */
  mandatory: string[];
  advisory: number;
}

/** The verdict before the engine starts (`estate up`'s gate) on the run's offline policy report; tests replace it. */
export type PolicyGate = (report: PolicyReport) => GateResult;

export const offlinePolicyGate: PolicyGate = (report) => {
  const mandatory = report.results
    .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
    .map((r) => `${r.ruleId} on ${r.resource.physicalName ?? r.resource.name}${r.message ? `: ${r.message}` : ""}`);
  return { mandatory, advisory: report.summary.advisoryViolations };
};
