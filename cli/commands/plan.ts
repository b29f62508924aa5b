import path from "node:path";
import type { Command } from "commander";
import { estimateAndWriteCost } from "../cost/report.js";
import { buildDrReport, drSummaryLine, writeDr } from "../dr/report.js";
import { displayPath, printJson } from "../output/files.js";
import { renderPlan, resourceCount } from "../output/plan.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { findProjectDir } from "../project.js";
import { planStack } from "../plan/stack.js";
import { defaultOutDir, writePlan } from "../plan/write.js";
import { evaluateAndWriteReports, policySummaryLine } from "../reports/policy.js";

interface PlanFlags {
  json?: boolean;
  out?: string;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("plan a stack offline under Pulumi's mock runtime (no Azure account needed) and write plan.json")
    .argument("<stack>", "stack name, e.g. dev or prod (reads Pulumi.<stack>.yaml)")
    .option("--json", "print the plan as JSON on stdout instead of the tree")
    .option("--out <dir>", "folder for plan.json and reports (default: .estate/<stack>)")
    .action(async (stack: string, flags: PlanFlags) => {
      const projectDir = findProjectDir();
      const { plan, file, policy, cost, dr } = await withProgress(`Planning ${stack} offline…`, `Plan of ${stack} failed`, async (progress) => {
        const plan = await planStack({ projectDir, stack, onProgress: planningProgress(progress, stack) });
        const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, stack);
        const file = writePlan(outDir, plan);
        const policy = evaluateAndWriteReports(projectDir, outDir, plan);
        const cost = estimateAndWriteCost(outDir, plan);
        const dr = buildDrReport(plan);
        // Written only when the stack declares DR; `estate dr` writes it either way.
        if (dr.dr.enabled) writeDr(outDir, dr);
        progress.succeed(`Planned ${stack}: ${resourceCount(plan)}`);
        return { plan, file, policy, cost, dr };
      });
      if (flags.json) {
        printJson(plan);
      } else {
        console.log(renderPlan(plan));
        console.log(cost.summary);
        console.log(policySummaryLine(policy.report));
        if (dr.dr.enabled) console.log(drSummaryLine(dr));
        console.log(`Wrote ${displayPath(file)}`);
      }
    });
}
