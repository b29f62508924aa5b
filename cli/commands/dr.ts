import path from "node:path";
import type { Command } from "commander";
import { buildDrReport, drFails, renderDr, writeDr } from "../dr/report.js";
import { EXIT } from "../errors.js";
import { displayPath, printJson } from "../output/files.js";
import { resourceCount } from "../output/plan.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { looksLikePlanFile, resolvePlan } from "../plan/source.js";
import { defaultOutDir } from "../plan/write.js";
import { findProjectDir } from "../project.js";
import { runProvenance } from "../provenance.js";

interface DrFlags {
  json?: boolean;
  out?: string;
}

export function registerDr(program: Command): void {
  program
    .command("dr")
    .description(
      "the RPO and RTO each stateful resource gets from its declared disaster recovery, with Azure's documented figures, against the stack's targets (see docs/dr.md); exit 3 when a prod stack misses them",
    )
    .argument("<stack>", "stack name (planned offline now) or the path of a saved plan.json")
    .option("--json", "print the report as JSON on stdout")
    .option(
      "--out <dir>",
      "folder for dr.json, and for a stack the rest of the run's artifacts (default: .estate/<stack>)",
    )
    .action(async (ref: string, flags: DrFlags) => {
      const projectDir = findProjectDir();
      const plan = await withProgress(`Planning ${ref} offline…`, `Plan of ${ref} failed`, async (progress) => {
        const { plan } = await resolvePlan(projectDir, ref, planningProgress(progress, ref));
        progress.succeed(`Planned ${plan.stack}: ${resourceCount(plan)}`);
        return plan;
      });
      const outDir = flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, plan.stack);
      // A stack planned now gets the whole run's artifacts, as `estate plan` writes them; dr.json
      // too when the stack declares no DR, since it was asked for.
      const run = looksLikePlanFile(ref)
        ? undefined
        : (await import("../pipeline.js")).runPipeline(projectDir, outDir, plan);
      const report = run?.dr ?? { ...buildDrReport(plan), provenance: run?.provenance ?? runProvenance(projectDir) };
      const files = [...(run?.files ?? []), ...(run?.dr ? [] : [writeDr(outDir, report)])];
      if (flags.json) printJson(report);
      else {
        console.log(renderDr(report));
        console.log(`Wrote ${files.map(displayPath).join(", ")}`);
      }
      if (drFails(report)) process.exitCode = EXIT.policy;
    });
}
