import path from "node:path";
import { Option, type Command } from "commander";
import { toArmTemplate } from "../export/arm.js";
import { displayPath, jsonText, writeJson } from "../output/files.js";
import { planningProgress, withProgress } from "../output/progress.js";
import { resolvePlan } from "../plan/source.js";
import { defaultOutDir } from "../plan/write.js";
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
    .option("--out <file>", "file to write (default: .estate/<stack>/template.json)")
    .option("--stdout", "print the export on stdout instead of writing a file")
    .action(async (ref: string, flags: ExportFlags) => {
      const projectDir = findProjectDir();
      const { plan, template } = await withProgress(
        `Planning ${ref} offline…`,
        `Export of ${ref} failed`,
        async (progress) => {
          const { plan } = await resolvePlan(projectDir, ref, planningProgress(progress, ref));
          const template = toArmTemplate(plan);
          progress.succeed(`Exported ${template.resources.length} resources of ${plan.stack}`);
          return { plan, template };
        },
      );
      if (flags.stdout) {
        process.stdout.write(jsonText(template));
        return;
      }
      const file = writeJson(
        flags.out ? path.resolve(flags.out) : path.join(defaultOutDir(projectDir, plan.stack), "template.json"),
        template,
      );
      console.log(
        `Exported ${template.resources.length} resources (${template.metadata.skipped.length} skipped) as an ARM-shaped template`,
      );
      console.log(`Wrote ${displayPath(file)}`);
    });
}
