import type { PipelineOptions, PipelineRun } from "./pipeline.js";
import { resourceCount } from "./output/plan.js";
import { planningProgress, withProgress, type Progress } from "./output/progress.js";
import type { Plan } from "./plan/schema.js";
import { looksLikePlanFile, resolvePlan } from "./plan/source.js";
import { defaultOutDir } from "./plan/write.js";

export interface ToolPlan {
  plan: Plan;
  /** The folder of the run's artifacts: `outDir` as given, or the stack's default. */
  outDir: string;
  /** For a stack planned now: its run of the pipeline, whose artifacts are written into outDir. */
  run?: PipelineRun;
}

export interface ToolPlanOptions {
  /** The folder for the run's artifacts (default: .estate/<stack>). */
  outDir?: string;
  pipeline?: PipelineOptions;
}

/**
 * The plan a tool (cost, dr, graph, export) works on, from a stack name or a saved plan.json. A stack
 * planned now goes through the one pipeline, as `estate plan` runs it: plan.json, the policy reports,
 * cost.json and (when the stack declares estate:dr) dr.json are written into outDir with one
 * provenance, so the tool's own file never sits beside an older plan, and a later
 * `estate policy --plan` or `estate diff` reads this one. A saved plan is read as it is: nothing else
 * is written, and the pipeline (the policy pack) is not loaded.
 */
export async function planForTool(
  projectDir: string,
  ref: string,
  progress: Progress,
  options: ToolPlanOptions = {},
): Promise<ToolPlan> {
  const { plan } = await resolvePlan(projectDir, ref, planningProgress(progress, ref));
  const outDir = options.outDir ?? defaultOutDir(projectDir, plan.stack);
  if (looksLikePlanFile(ref)) return { plan, outDir };
  const { runPipeline } = await import("./pipeline.js");
  return { plan, outDir, run: runPipeline(projectDir, outDir, plan, options.pipeline) };
}

/** `planForTool` under its own progress line, which ends with the plan's resource count. */
export function planWithProgress(projectDir: string, ref: string, options: ToolPlanOptions = {}): Promise<ToolPlan> {
  return withProgress(`Planning ${ref} offline…`, `Plan of ${ref} failed`, async (progress) => {
    const planned = await planForTool(projectDir, ref, progress, options);
    progress.succeed(`Planned ${planned.plan.stack}: ${resourceCount(planned.plan)}`);
    return planned;
  });
}
