import { evaluatePlan } from "../../policies/evaluate.js";
import type { Plan } from "../plan/schema.js";

export interface GateResult {
  /** Failed mandatory rules, as `EST-XXX-NNN on <resource>: message`. */
  mandatory: string[];
  advisory: number;
}

/** The offline policy evaluation `estate up` runs before touching Azure; tests replace it. */
export type PolicyGate = (plan: Plan) => GateResult;

export const offlinePolicyGate: PolicyGate = (plan) => {
  const report = evaluatePlan(plan);
  const mandatory = report.results
    .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
    .map((r) => `${r.ruleId} on ${r.resource.physicalName ?? r.resource.name}${r.message ? `: ${r.message}` : ""}`);
  return { mandatory, advisory: report.summary.advisoryViolations };
};
