/** The program failed: bad config, a naming error, a component's own check. Exit code 1. */
export class ProgramError extends Error {
  constructor(
    readonly cause: Error,
    /** Resources registered before the failure: 0 when config validation stopped the program. */
    readonly declared: number,
  ) {
    super(cause.message);
    this.name = "ProgramError";
  }
}
