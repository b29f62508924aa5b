import path from "node:path";
import type { Command } from "commander";
import { writeGraph, type GraphFiles } from "../graph/render.js";
import { printJson, wroteLine } from "../output/files.js";
import { withProgress } from "../output/progress.js";
import { planForTool } from "../plan-tool.js";
import { findProjectDir } from "../project.js";

interface GraphFlags {
  out?: string;
  json?: boolean;
  resources?: boolean;
}

const summary = (stack: string, written: GraphFiles) =>
  written.view === "components"
    ? `Graph of ${stack}: ${written.nodes} components and stack resources, ${written.edges} dependencies between them`
    : `Graph of ${stack}: ${written.nodes} resources (plumbing folded), ${written.edges} dependencies`;

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description(
      "draw a stack's dependency graph between its components (or, with --resources, between its resources): graph.mmd (Mermaid), graph.dot and graph.svg (rendered offline)",
    )
    .argument("<stack>", "stack name (planned offline now) or the path of a saved plan.json")
    .option(
      "--out <dir>",
      "folder for the graph files, and for a stack the rest of the run's artifacts (default: .estate/<stack>)",
    )
    .option(
      "--resources",
      "one node per Azure resource, grouped by component, with diagnostic settings, role assignments, locks and DNS links folded into their target",
    )
    .option("--json", "print the written files and node/edge counts as JSON")
    .action(async (ref: string, flags: GraphFlags) => {
      const projectDir = findProjectDir();
      const { plan, run, written } = await withProgress(
        `Planning ${ref} offline…`,
        `Graph of ${ref} failed`,
        async (progress) => {
          const { plan, outDir, run } = await planForTool(projectDir, ref, progress, {
            outDir: flags.out ? path.resolve(flags.out) : undefined,
          });
          progress.update(`Rendering the graph of ${plan.stack}…`);
          const written = await writeGraph(outDir, plan, flags.resources ? "resources" : "components");
          progress.succeed(summary(plan.stack, written));
          return { plan, run, written };
        },
      );
      if (flags.json) {
        printJson({ stack: plan.stack, ...written });
        return;
      }
      console.log(`${summary(plan.stack, written)} (offline plan from mocks)`);
      if (run) console.log(wroteLine(run.files));
      for (const file of [written.mermaid, written.dot, written.svg]) console.log(wroteLine([file]));
    });
}
