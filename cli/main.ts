// First, before anything loads the Pulumi SDK: see the module.
import "./defer-closure-deps.js";
import chalk from "chalk";
import { Command, CommanderError } from "commander";
import { registrations } from "./commands/index.js";
import { EXIT, UsageError } from "./errors.js";
import { configureColour } from "./output/colour.js";
import { TOOL_VERSION } from "./version.js";

configureColour();

// A reader that stops early (`estate plan dev --json | head`) closes the pipe: the rest of the
// output has nowhere to go, and the command finishes its work and exits as it would have.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("estate")
    .description(
      "Estate: a whole Azure web estate as Pulumi components, planned offline and checked with policy-as-code",
    )
    .version(TOOL_VERSION, "-V, --version", "print the estate version")
    .showHelpAfterError()
    .exitOverride();
  for (const register of await registrations(argv)) register(program);
  await program.parseAsync(argv);
}

// No top-level await: the command runs from a CommonJS bundle (bin/cli-bundle.js).
main(process.argv).catch(async (error: unknown) => {
  process.exitCode = await exitCodeFor(error);
});

async function exitCodeFor(error: unknown): Promise<number> {
  if (error instanceof CommanderError) {
    // Help and version are successes; every other commander error is a usage mistake.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof UsageError) {
    console.error(chalk.red(`error: ${error.message}`));
    return EXIT.usage;
  }
  const { reportFailure } = await import("./failure.js");
  return reportFailure(error);
}
