import path from "node:path";
import type { Command } from "commander";
import { writeGraph } from "../graph/render.js";
import { displayPath, printJson } from "../output/files.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { resolvePlan } from "../plan/source.js";
import { defaultOutDir } from "../plan/write.js";
import { findProjectDir } from "../project.js";

interface GraphFlags {
  out?: string;
  json?: boolean;
}

export function registerGraph(program: Command): void {
  program
    .command("graph")
    .description("draw a stack's dependency graph, one group per component: graph.mmd (Mermaid), graph.dot and graph.svg (rendered offline)")
    .argument("<stack>", "stack name (planned offline now) or the path of a saved plan.json")
    .option("--out <dir>", "folder for the graph files (default: .estate/<stack>)")
    .option("--json", "print the written files and node/edge counts as JSON")
    .action(async (ref: string, flags: GraphFlags) => {
      const projectDir = findProjectDir();
      const { plan, written } = await withProgress(`Planning ${ref} offline…`, `Graph of ${ref} failed`, async (progress) => {
        const { plan } = await resolvePlan(projectDir, ref, planningProgress(progress, ref));
        progress.update(`Rendering the graph of ${plan.stack}…`);
        const written = await writeGraph(flags.out ? path.resolve(flags.out) : defaultOutDir(projectDir, plan.stack), plan);
        progress.succeed(`Graph of ${plan.stack}: ${written.nodes} resources, ${written.edges} dependencies`);
        return { plan, written };
      });
      if (flags.json) {
        printJson({ stack: plan.stack, ...written });
        return;
      }
      console.log(`Graph of ${plan.stack}: ${written.nodes} resources, ${written.edges} dependencies (offline plan from mocks)`);
      for (const file of [written.mermaid, written.dot, written.svg]) console.log(`Wrote ${displayPath(file)}`);
    });
}
