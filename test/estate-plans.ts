import path from "node:path";
import type { Plan } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const EPHEMERAL_EXPIRES = "2026-12-01T18:00:00Z";

/**
 * Offline plans of the dev and prod stacks and of a temporary ephemeral stack (the dev stack file
 * with the ephemeral profile, plus `ephemeral` overrides), planned one after another: Pulumi's
 * runtime is per process.
 */
export async function planEstates(
  ephemeral: Record<string, string> = {},
): Promise<Record<"dev" | "prod" | "ephemeral", Plan>> {
  const dev = await planStack({ projectDir: ROOT, stack: "dev" });
  const prod = await planStack({ projectDir: ROOT, stack: "prod" });
  const eph = await planStack({
    projectDir: ROOT,
    stack: "dev",
    configOverrides: {
      "estate:profile": "ephemeral",
      "estate:expiresAt": EPHEMERAL_EXPIRES,
      "estate:environment": "pr42",
      ...ephemeral,
    },
  });
  return { dev, prod, ephemeral: eph };
}
