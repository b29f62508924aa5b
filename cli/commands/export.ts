import path from "node:path";
import { Option, type Command } from "commander";
import { toArmTemplate } from "../export/arm.js";
import { jsonText, writeJson, wroteLine } from "../output/files.js";
import { withProgress } from "../output/progress.js";
import { planForTool } from "../plan-tool.js";
import { findProjectDir } from "../project.js";

interface ExportFlags {
  format: "arm";
  out?: string;
  stdout?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("export a stack's resource inventory for other tools, e.g. as ARM-template-shaped JSON")
    .argument("<stack>", "stack name (planned offline now) or the path of a saved plan.json")
    .addOption(new Option("--format <format>", "output format").choices(["arm"]).makeOptionMandatory())
    .option(
      "--out <file>",
      "file to write, and for a stack the run's artifacts beside it (default: .estate/<stack>/template.json)",
    )
    .option(
      "--stdout",
      "print the export on stdout instead of writing its file (given a stack, the run's artifacts are still written)",
    )
    .action(async (ref: string, flags: ExportFlags) => {
      const projectDir = findProjectDir();
      const out = flags.out ? path.resolve(flags.out) : undefined;
      const { outDir, run, template } = await withProgress(
        `Planning ${ref} offline…`,
        `Export of ${ref} failed`,
        async (progress) => {
          const { plan, outDir, run } = await planForTool(projectDir, ref, progress, {
            outDir: out && path.dirname(out),
          });
          const template = toArmTemplate(plan);
          progress.succeed(`Exported ${template.resources.length} resources of ${plan.stack}`);
          return { outDir, run, template };
        },
      );
      if (flags.stdout) {
        process.stdout.write(jsonText(template));
        return;
      }
      const file = writeJson(out ?? path.join(outDir, "template.json"), template);
      console.log(
        `Exported ${template.resources.length} resources (${template.metadata.skipped.length} skipped) as an ARM-shaped template`,
      );
      if (run) console.log(wroteLine(run.files));
      console.log(wroteLine([file]));
    });
}
