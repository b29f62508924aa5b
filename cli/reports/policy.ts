import { evaluatePlan, type PolicyReport } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import { loadWaivers } from "../../policies/waivers.js";
import type { Plan } from "../plan/schema.js";
import { writeReports } from "./write.js";

/** Evaluates the pack on a plan with the project's waivers and writes every report into outDir. */
export function evaluateAndWriteReports(projectDir: string, outDir: string, plan: Plan, now?: Date): { report: PolicyReport; files: string[] } {
  const report = evaluatePlan(plan, { waivers: loadWaivers(projectDir, plan.stack, RULES), now });
  return { report, files: writeReports(outDir, report) };
}

/** One line for `estate plan`: the verdict and where the details are. */
export function policySummaryLine(report: PolicyReport): string {
  const { summary } = report;
  const verdict = summary.mandatoryViolations ? `${summary.mandatoryViolations} mandatory violation(s)` : "no mandatory violations";
  return `Policy: ${verdict}, ${summary.advisoryViolations} warning(s), ${summary.waived} waived, ${summary.pass} passed, ${summary.notApplicable} not applicable (${summary.rules} rules, pack ${report.packVersion}); details: estate policy ${report.stack}`;
}
