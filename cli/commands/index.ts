import type { Command } from "commander";

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that registers it, in the order `estate --help` lists
 * them. A run loads only the module of the command it names: `estate cost plan.json` never loads
 * the planning engine, the policy pack or the cloud path. Anything else (no command, `--help`,
 * `help`, a typo) loads them all, for commander to list or suggest.
 */
export const COMMAND_MODULES: Record<string, () => Promise<Register>> = {
  plan: async () => (await import("./plan.js")).registerPlan,
  policy: async () => (await import("./policy.js")).registerPolicy,
  cost: async () => (await import("./cost.js")).registerCost,
  dr: async () => (await import("./dr.js")).registerDr,
  diff: async () => (await import("./diff.js")).registerDiff,
  graph: async () => (await import("./graph.js")).registerGraph,
  export: async () => (await import("./export.js")).registerExport,
  bootstrap: async () => (await import("./cloud.js")).registerCloud,
  preview: async () => (await import("./cloud.js")).registerCloud,
  up: async () => (await import("./cloud.js")).registerCloud,
  destroy: async () => (await import("./cloud.js")).registerCloud,
  env: async () => (await import("./env.js")).registerEnv,
};

/** The registrations a run needs: its command's, or every one (each module once). */
export async function registrations(argv: string[]): Promise<Register[]> {
  const named = COMMAND_MODULES[argv[2] ?? ""];
  if (named) return [await named()];
  return [...new Set(await Promise.all(Object.values(COMMAND_MODULES).map((load) => load())))];
}
