import type { Plan } from "../plan/schema.js";
import { evaluateAndWriteReports } from "../reports/policy.js";

export interface GateResult {
  /** Failed mandatory rules (waivers applied), as `EST-XXX-NNN on <resource>: message`. */
  mandatory: string[];
  advisory: number;
  /** The policy reports written beside plan.json, as `estate policy` writes them. */
  files: string[];
}

/** The offline policy evaluation run before the engine (and `estate up`'s gate); tests replace it. */
export type PolicyGate = (projectDir: string, outDir: string, plan: Plan) => GateResult;

export const offlinePolicyGate: PolicyGate = (projectDir, outDir, plan) => {
  const { report, files } = evaluateAndWriteReports(projectDir, outDir, plan);
  const mandatory = report.results
    .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
    .map((r) => `${r.ruleId} on ${r.resource.physicalName ?? r.resource.name}${r.message ? `: ${r.message}` : ""}`);
  return { mandatory, advisory: report.summary.advisoryViolations, files };
};
