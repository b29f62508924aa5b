import type { PolicyReport } from "../policies/evaluate.js";
import { estimateCost, type CostReport } from "./cost/estimate.js";
import { loadPriceTable, type PriceTable } from "./cost/prices.js";
import { costSummaryLine, writeCost } from "./cost/report.js";
import { buildDrReport, writeDr, type DrReport } from "./dr/report.js";
import type { Plan } from "./plan/schema.js";
import { writePlan } from "./plan/write.js";
import { runProvenance, type RunProvenance } from "./provenance.js";
import { applyBaseline, type Baseline } from "./reports/baseline.js";
import { reportContext, type ReportContext } from "./reports/context.js";
import { evaluateWithProject } from "./reports/policy.js";
import { writeReports } from "./reports/write.js";

export interface PipelineOptions {
  now?: Date;
  prices?: PriceTable;
  baseline?: { file: string; baseline: Baseline };
  /** False for a plan read from a file (`estate policy --plan`): only the policy reports are written. */
  writePlanAndCost?: boolean;
}

export interface PipelineRun {
  provenance: RunProvenance;
  /** The policy report, the baseline applied when one was given. */
  policy: PolicyReport;
  context: ReportContext;
  cost?: CostReport;
  costSummary?: string;
  /** When the stack declares estate:dr: what recovery it provides against its targets. */
  dr?: DrReport;
  files: string[];
}

/**
 * One run of the offline pipeline on a plan: policy, then cost, then every artifact written
 * together into outDir (plan.json, the policy reports, cost.json, dr.json when the stack declares
 * estate:dr), each with the same provenance.
 * Everything is computed before anything is written: a bad waiver or price table stops the run
 * with the previous run's artifacts left as they were, never a new plan.json beside stale reports.
 */
export function runPipeline(
  projectDir: string,
  outDir: string,
  plan: Plan,
  options: PipelineOptions = {},
): PipelineRun {
  const now = options.now ?? new Date();
  const provenance = runProvenance(projectDir, now);
  const evaluated = evaluateWithProject(projectDir, plan, now);
  const policy = options.baseline
    ? applyBaseline(evaluated, options.baseline.baseline, options.baseline.file)
    : evaluated;
  // Read before anything is written: it compares with the previous run's policy.json.
  const context = reportContext(projectDir, policy, { outDir, baseline: options.baseline, provenance });
  const withCost = options.writePlanAndCost !== false;
  const cost = withCost ? { ...estimateCost(plan, options.prices ?? loadPriceTable()), provenance } : undefined;
  const declared = withCost ? buildDrReport(plan) : undefined;
  const dr = declared?.dr.enabled ? { ...declared, provenance } : undefined;
  const files = [
    ...(cost ? [writePlan(outDir, { ...plan, provenance }), writeCost(outDir, cost)] : []),
    ...writeReports(outDir, policy, context),
    ...(dr ? [writeDr(outDir, dr)] : []),
  ];
  return { provenance, policy, context, cost, costSummary: cost && costSummaryLine(cost), dr, files };
}
