import path from "node:path";
import type { Command } from "commander";
import { estimateCost } from "../cost/estimate.js";
import { loadPriceTable } from "../cost/prices.js";
import { renderCost, writeCost } from "../cost/report.js";
import { displayPath, printJson } from "../output/files.js";
import { resourceCount } from "../output/plan.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { looksLikePlanFile, resolvePlan } from "../plan/source.js";
import { defaultOutDir } from "../plan/write.js";
import { findProjectDir } from "../project.js";
import { runProvenance } from "../provenance.js";

interface CostFlags {
  json?: boolean;
  prices?: string;
  out?: string;
}

export function registerCost(program: Command): void {
  program
    .command("cost")
    .description(
      "estimate the monthly and daily cost of a stack from the price table shipped with estate (see docs/cost.md)",
    )
    .argument("<stack>", "stack name (planned offline now) or the path of a saved plan.json")
    .option("--json", "print the estimate as JSON on stdout")
    .option("--prices <file>", "price table to use instead of cli/cost/prices.json")
    .option(
      "--out <dir>",
      "folder for cost.json, and for a stack the rest of the run's artifacts (default: .estate/<stack>)",
    )
    .action(async (ref: string, flags: CostFlags) => {
      const projectDir = findProjectDir();
      const table = loadPriceTable(flags.prices ? path.resolve(flags.prices) : undefined);
      const plan = await withProgress(`Planning ${ref} offline…`, `Plan of ${ref} failed`, async (progress) => {
        const { plan } = await resolvePlan(projectDir, ref, planningProgress(progress, ref));
        progress.succeed(`Planned ${plan.stack}: ${resourceCount(plan)}`);
        return plan;
      });
      const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, plan.stack);
      // A stack planned now gets the whole run's artifacts, as `estate plan` writes them, so cost.json
      // never sits beside an older plan.json and reports; a saved plan gets its cost.json.
      const run = looksLikePlanFile(ref)
        ? undefined
        : (await import("../pipeline.js")).runPipeline(projectDir, outDir, plan, { prices: table });
      const report = run?.cost ?? { ...estimateCost(plan, table), provenance: runProvenance(projectDir) };
      const files = run?.files ?? [writeCost(outDir, report)];
      if (flags.json) {
        printJson(report);
        return;
      }
      console.log(renderCost(report));
      console.log(`Wrote ${files.map(displayPath).join(", ")}`);
    });
}
