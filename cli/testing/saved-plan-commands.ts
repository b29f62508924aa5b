import path from "node:path";

/**
 * Every command that reads a saved plan.json, with arguments that make it read `plan` and write
 * under `out`: bench/policy times them against a bare `node`, cli/bundle.test.ts checks that none
 * loads the Pulumi SDK or a provider. Exit 3 is a verdict (policy findings, DR targets missed).
 */
export function savedPlanCommands(
  plan: string,
  out: string,
): Array<{ command: string; args: string[]; exitCodes: number[] }> {
  return [
    { command: "policy --plan", args: ["policy", "--plan", plan, "--out", out], exitCodes: [0, 3] },
    { command: "cost", args: ["cost", plan, "--out", out], exitCodes: [0] },
    { command: "diff", args: ["diff", plan, plan], exitCodes: [0] },
    { command: "graph", args: ["graph", plan, "--out", out], exitCodes: [0] },
    {
      command: "export",
      args: ["export", plan, "--format", "arm", "--out", path.join(out, "template.json")],
      exitCodes: [0],
    },
    { command: "dr", args: ["dr", plan, "--out", out], exitCodes: [0, 3] },
  ];
}
