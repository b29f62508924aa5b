/**
 * The stack config's error, in a module of its own: the CLI recognises it without loading the
 * schema, whose areas load the components (and the Pulumi SDK) they check against.
 */

export interface ConfigProblem {
  /** Full key path as a user writes it, e.g. `estate:network.addressSpace`. */
  key: string;
  message: string;
}

/** A stack config that cannot be used: every problem, with the stack file that holds it. */
export class ConfigError extends Error {
  constructor(
    readonly stackFile: string,
    readonly problems: ConfigProblem[],
  ) {
    const lines = problems.map((p) => `  - ${p.key}: ${p.message}`);
    super(
      `${stackFile}: ${problems.length} problem${problems.length === 1 ? "" : "s"} in the stack config; nothing was declared.\n${lines.join("\n")}`,
    );
    this.name = "ConfigError";
  }
}
