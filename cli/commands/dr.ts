import path from "node:path";
import type { Command } from "commander";
import { buildDrReport, drFails, renderDr, writeDr } from "../dr/report.js";
import { EXIT } from "../errors.js";
import { printJson, wroteLine } from "../output/files.js";
import { planWithProgress } from "../plan-tool.js";
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
      const { plan, outDir, run } = await planWithProgress(projectDir, ref, {
        outDir: flags.out ? path.resolve(flags.out) : undefined,
      });
      // A stack's run wrote dr.json when the stack declares DR; it is written here otherwise, since it was asked for.
      const report = run?.dr ?? { ...buildDrReport(plan), provenance: run?.provenance ?? runProvenance(projectDir) };
      const files = [...(run?.files ?? []), ...(run?.dr ? [] : [writeDr(outDir, report)])];
      if (flags.json) printJson(report);
      else {
        console.log(renderDr(report));
        console.log(wroteLine(files));
      }
      if (drFails(report)) process.exitCode = EXIT.policy;
    });
}
