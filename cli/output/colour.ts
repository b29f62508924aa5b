import chalk from "chalk";

/**
 * Whether output is coloured: never when `NO_COLOR` is set (https://no-color.org) or stdout is
 * piped, unless `FORCE_COLOR` asks for it. Called once at start-up, before anything prints.
 */
export function configureColour(env: NodeJS.ProcessEnv = process.env, tty = Boolean(process.stdout.isTTY)): void {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== "0") return;
  if ((env.NO_COLOR ?? "") !== "" || !tty) chalk.level = 0;
}
