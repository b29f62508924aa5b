// How a failed command ends: loaded by main.ts only once something failed, since the error classes
// it recognises bring the config schema, the naming rules and the YAML parser.
import chalk from "chalk";
import { PolicyRefusal } from "./cloud/operation.js";
import { sourceLocation } from "./error-location.js";
import { EXIT } from "./errors.js";
import { isExpected } from "./expected-errors.js";
import { ProgramError } from "./plan/program-error.js";

/** Prints the failure and returns the command's exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof PolicyRefusal) {
    // `estate up`, and `estate env up` which deploys through it: the offline policy gate refused.
    console.error(chalk.red(error.message));
    return EXIT.policy;
  }
  if (isExpected(error)) {
    console.error(chalk.red((error as Error).message));
    return EXIT.failed;
  }
  if (process.env.ESTATE_DEBUG) {
    console.error(error);
    return EXIT.failed;
  }
  // A bug, not the user's mistake: where it was thrown (the program's own error, not the plan's wrapper).
  const thrown = error instanceof ProgramError ? error.cause : error;
  if (thrown instanceof Error) {
    const location = sourceLocation(thrown);
    console.error(chalk.red(`${thrown.name}: ${thrown.message}`) + (location ? `\n    at ${location}` : ""));
  } else {
    console.error(chalk.red(String(thrown)));
  }
  console.error("(an unexpected error: run again with ESTATE_DEBUG=1 for full stack traces)");
  return EXIT.failed;
}
