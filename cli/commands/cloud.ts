import path from "node:path";
import { Option, type Command } from "commander";
import { isRegion, REGION_NAMES } from "../../infra/naming/index.js";
import { recordBackendInProject, writeBackend } from "../cloud/backend.js";
import { automationEngine } from "../cloud/engine.js";
import { renderSummary, type CloudOperation } from "../cloud/events.js";
import { offlinePolicyGate } from "../cloud/gate.js";
import { runCloud, type CloudDeps } from "../cloud/operation.js";
import { preflight, systemToolchain } from "../cloud/preflight.js";
import { EXIT, UsageError } from "../errors.js";
import { displayPath } from "../output/files.js";
import { withProgress } from "../output/progress.js";
import { findProjectDir } from "../project.js";

/** The real dependencies of the cloud path (also `estate env`); tests drive runCloud and bootstrap with fakes instead. */
export const realDeps = (onProgress: (text: string) => void): CloudDeps => ({
  engine: automationEngine,
  toolchain: systemToolchain,
  gate: offlinePolicyGate,
  onProgress,
});

async function cloudAction(operation: CloudOperation, stack: string): Promise<void> {
  const projectDir = findProjectDir();
  const run = await withProgress(
    `${operation} ${stack} with the Pulumi engine…`,
    `${operation} of ${stack} did not complete`,
    async (progress) => {
      const run = await runCloud(
        operation,
        projectDir,
        stack,
        realDeps((text) => progress.update(`${operation} ${stack}: ${text}`)),
      );
      progress.succeed(`${operation} of ${stack} finished`);
      return run;
    },
  );
  console.log(renderSummary(run.summary));
  for (const file of run.files) console.log(`Wrote ${displayPath(file)}`);
  if (run.summary.errors.length) process.exitCode = EXIT.failed;
}

export function registerCloud(program: Command): void {
  program
    .command("bootstrap")
    .description(
      "create the Pulumi state backend (Azure Blob) and secrets key (Key Vault) in Azure, and record the `pulumi login` line",
    )
    .addOption(new Option("--location <region>", "Azure region for the state resources").default("westeurope"))
    .action(async (flags: { location: string }) => {
      const { location } = flags;
      if (!isRegion(location))
        throw new UsageError(`--location ${location}: expected one of ${REGION_NAMES.join(", ")}`);
      const projectDir = findProjectDir();
      await preflight({ toolchain: systemToolchain, backendEnv: {}, needsLogin: false });
      const { config, file, changed } = await withProgress(
        "Creating the state backend in Azure…",
        "The state backend was not created",
        async (progress) => {
          // The bootstrap program declares Azure resources: the SDK loads only for this command.
          const { bootstrap } = await import("../cloud/bootstrap.js");
          const config = await bootstrap({
            engine: automationEngine,
            projectDir,
            location,
            stateDir: path.join(projectDir, ".estate", "bootstrap"),
          });
          const file = writeBackend(projectDir, config);
          const changed = recordBackendInProject(projectDir, config.backendUrl);
          progress.succeed("State backend ready");
          return { config, file, changed };
        },
      );
      console.log(`State:   ${config.backendUrl}\nSecrets: ${config.secretsProvider}`);
      console.log(`Wrote ${displayPath(file)}; estate preview/up/destroy use it.`);
      console.log(
        `Pulumi.yaml backend.url ${changed ? "set" : "already set"}: commit it so the pulumi CLI finds the state. Or log in by hand:`,
      );
      console.log(`  ${config.loginCommand}`);
    });

  program
    .command("preview")
    .description(
      "preview a stack with the real Pulumi engine and the policy pack (needs the Pulumi CLI, a backend login and Azure credentials)",
    )
    .argument("<stack>", "stack name")
    .option("--cloud", "required: run against Azure (the offline equivalent is `estate plan <stack>`)")
    .action(async (stack: string, flags: { cloud?: boolean }) => {
      if (!flags.cloud)
        throw new UsageError(`estate preview needs --cloud; to plan ${stack} offline, run \`estate plan ${stack}\``);
      await cloudAction("preview", stack);
    });

  program
    .command("up")
    .description(
      "deploy a stack with the Pulumi engine and the policy pack; refused (exit 3) when the offline policy evaluation finds a mandatory violation",
    )
    .argument("<stack>", "stack name")
    .action((stack: string) => cloudAction("up", stack));

  program
    .command("destroy")
    .description(
      "destroy every resource of a stack in Azure (the stack itself stays; `estate env down` also removes ephemeral ones)",
    )
    .argument("<stack>", "stack name")
    .option("--yes", "confirm: required for stacks that are not ephemeral")
    .action(async (stack: string, flags: { yes?: boolean }) => {
      if (!stack.startsWith("ephemeral-") && !flags.yes) {
        throw new UsageError(`refusing to destroy ${stack} without --yes (it is not an ephemeral stack)`);
      }
      await cloudAction("destroy", stack);
    });
}
