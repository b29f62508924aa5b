/**
 * Arguments a platform component cannot build: the component lists every problem at once and
 * declares nothing. The same checks back the stack config (so a stack file is refused early).
 */
export class PlatformArgsError extends Error {
  constructor(component: string, problems: string[]) {
    super(`${component}: ${problems.length === 1 ? problems[0] : `\n${problems.map((p) => `  - ${p}`).join("\n")}`}`);
    this.name = "PlatformArgsError";
  }
}

export function refuseProblems(component: string, problems: string[]): void {
  if (problems.length) throw new PlatformArgsError(component, problems);
}
