import path from "node:path";
import type { Command } from "commander";
import { estimateCost } from "../cost/estimate.js";
import { loadPriceTable } from "../cost/prices.js";
import { renderCost, writeCost } from "../cost/report.js";
import { printJson, wroteLine } from "../output/files.js";
import { planWithProgress } from "../plan-tool.js";
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
      const { plan, outDir, run } = await planWithProgress(projectDir, ref, {
        outDir: flags.out ? path.resolve(flags.out) : undefined,
        pipeline: { prices: table },
      });
      // A stack's run wrote cost.json with the rest of its artifacts; a saved plan gets its cost.json.
      const report = run?.cost ?? { ...estimateCost(plan, table), provenance: runProvenance(projectDir) };
      const files = run?.files ?? [writeCost(outDir, report)];
      if (flags.json) {
        printJson(report);
        return;
      }
      console.log(renderCost(report));
      console.log(wroteLine(files));
    });
}
