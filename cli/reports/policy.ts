import { evaluatePlan, isProfile, type PolicyReport } from "../../policies/evaluate.js";
import { PROFILES } from "../../policies/model.js";
import { RULES } from "../../policies/rules/index.js";
import { loadStackPolicy } from "../../policies/settings.js";
import type { Plan } from "../plan/schema.js";

/** Evaluates the pack on a plan with the project's settings and the waivers in scope for its stack and profile. */
export function evaluateWithProject(projectDir: string, plan: Plan, now = new Date()): PolicyReport {
  if (!isProfile(plan.profile))
    throw new Error(
      `plan of ${plan.stack}: profile ${JSON.stringify(plan.profile)} is not one of ${PROFILES.join(", ")}`,
    );
  const { settings, waivers } = loadStackPolicy(projectDir, RULES, { stack: plan.stack, profile: plan.profile, now });
  return evaluatePlan(plan, { settings, waivers, now });
}

/** One line for `estate plan`: the verdict and where the details are. */
export function policySummaryLine(report: PolicyReport): string {
  const { summary } = report;
  const verdict = summary.mandatoryViolations
    ? `${summary.mandatoryViolations} mandatory violation(s)`
    : "no mandatory violations";
  return `Policy: ${verdict}, ${summary.advisoryViolations} warning(s), ${summary.waived} waived, ${summary.pass} passed, ${summary.notApplicable} not applicable (${summary.rules} rules, pack ${report.packVersion}); details: estate policy ${report.stack}`;
}
