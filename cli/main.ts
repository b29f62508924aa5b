// First, before anything loads the Pulumi SDK: see the module.
import "./defer-closure-deps.js";
import chalk from "chalk";
import { Command, CommanderError } from "commander";
import { registerPlan } from "./commands/plan.js";
import { registerPolicy } from "./commands/policy.js";
import { registerCost } from "./commands/cost.js";
import { registerDr } from "./commands/dr.js";
import { registerDiff } from "./commands/diff.js";
import { registerGraph } from "./commands/graph.js";
import { registerExport } from "./commands/export.js";
import { registerCloud } from "./commands/cloud.js";
import { registerEnv } from "./commands/env.js";
import { PolicyRefusal } from "./cloud/operation.js";
import { EXIT, isExpected, UsageError } from "./errors.js";
import { configureColour } from "./output/table.js";
import { TOOL_VERSION } from "./version.js";

configureColour();

const program = new Command()
  .name("estate")
  .description("Estate: a whole Azure web estate as Pulumi components, planned offline and checked with policy-as-code")
  .version(TOOL_VERSION, "-V, --version", "print the estate version")
  .showHelpAfterError()
  .exitOverride();

registerPlan(program);
registerPolicy(program);
registerCost(program);
registerDr(program);
registerDiff(program);
registerGraph(program);
registerExport(program);
registerCloud(program);
registerEnv(program);

// No top-level await: the command runs from a CommonJS bundle (bin/cli-bundle.js).
program.parseAsync(process.argv).catch((error: unknown) => {
  process.exitCode = exitCodeFor(error);
});

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are successes; every other commander error is a usage mistake.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    console.error(chalk.red(`error: ${error.message}`));
    return EXIT.usage;
  }
  if (error instanceof PolicyRefusal) {
    // `estate up`, and `estate env up` which deploys through it: the offline policy gate refused.
    console.error(chalk.red(error.message));
    return EXIT.policy;
  }
  if (isExpected(error)) {
    console.error(chalk.red((error as Error).message));
    return EXIT.failed;
  }
  console.error(error);
  if (!process.env.ESTATE_DEBUG) console.error("(an unexpected error: run again with ESTATE_DEBUG=1 for full stack traces)");
  return EXIT.failed;
}
