import type { Command } from "commander";
import { diffPlans } from "../diff/diff.js";
import { renderDiff } from "../diff/render.js";
import { printJson } from "../output/files.js";
import { withProgress } from "../output/progress.js";
import { resolvePlan } from "../plan/source.js";
import { findProjectDir } from "../project.js";

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "compare two offline plans: resources only on one side and the inputs that differ (secrets stay [secret])",
    )
    .argument("<a>", "stack name (planned offline now) or the path of a saved plan.json")
    .argument("<b>", "stack name or plan.json path to compare against <a>")
    .option("--json", "print the differences as JSON on stdout")
    .action(async (refA: string, refB: string, flags: { json?: boolean }) => {
      const projectDir = findProjectDir();
      const [a, b] = await withProgress(
        `Planning ${refA} and ${refB} offline…`,
        `Diff of ${refA} and ${refB} failed`,
        async (progress) => {
          // One after the other: Pulumi's runtime state is per process.
          const a = await resolvePlan(projectDir, refA);
          const b = await resolvePlan(projectDir, refB);
          progress.succeed(`Compared ${a.label} with ${b.label}`);
          return [a, b];
        },
      );
      const diff = diffPlans(a.plan, b.plan, { a: a.label, b: b.label });
      if (flags.json) printJson(diff);
      else console.log(renderDiff(diff));
    });
}
