import path from "node:path";
import type { Command } from "commander";
import { drSummaryLine } from "../dr/report.js";
import { displayPath, printJson } from "../output/files.js";
import { renderPlan, resourceCount } from "../output/plan.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { findProjectDir } from "../project.js";
import { planStack } from "../plan/stack.js";
import { defaultOutDir } from "../plan/write.js";
import { runPipeline } from "../pipeline.js";
import { policySummaryLine } from "../reports/policy.js";

interface PlanFlags {
  json?: boolean;
  tree?: boolean;
  out?: string;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("plan a stack offline under Pulumi's mock runtime (no Azure account needed) and write plan.json")
    .argument("<stack>", "stack name, e.g. dev or prod (reads Pulumi.<stack>.yaml)")
    .option("--json", "print the plan as JSON on stdout instead of the summary")
    .option("--tree", "list every resource under its component, and the counts by type")
    .option("--out <dir>", "folder for plan.json and reports (default: .estate/<stack>)")
    .action(async (stack: string, flags: PlanFlags) => {
      const projectDir = findProjectDir();
      const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, stack);
      const { plan, run } = await withProgress(
        `Planning ${stack} offline…`,
        `Plan of ${stack} failed`,
        async (progress) => {
          const plan = await planStack({ projectDir, stack, onProgress: planningProgress(progress, stack) });
          const run = runPipeline(projectDir, outDir, plan);
          progress.succeed(`Planned ${stack}: ${resourceCount(plan)}`);
          return { plan, run };
        },
      );
      if (flags.json) {
        printJson({ ...plan, provenance: run.provenance });
      } else {
        const summary = [run.costSummary!, policySummaryLine(run.policy), ...(run.dr ? [drSummaryLine(run.dr)] : [])];
        console.log(renderPlan(plan, { summary, tree: flags.tree }));
        console.log(`Wrote ${displayPath(run.files[0]!)} and ${run.files.length - 1} reports beside it`);
      }
    });
}
