import type { z } from "zod";
import type { Profile } from "./area.js";
import { AREAS } from "./areas.js";
import type { estateSchema } from "./schema.js";

/** Cross-cutting defaults per profile; each area's own defaults come from its file. */
const CORE_DEFAULTS: Record<Profile, { zoneRedundant: boolean }> = {
  dev: { zoneRedundant: false },
  prod: { zoneRedundant: true },
  ephemeral: { zoneRedundant: false },
};

/** The environment name segment: the stack name, with ephemeral stacks known by their own name. */
export function environmentFromStack(stack: string): string {
  return stack.replace(/^ephemeral-/, "").toLowerCase();
}

export function profileDefaults(profile: Profile, stack: string): Partial<z.input<typeof estateSchema>> {
  const areas = Object.fromEntries(Object.entries(AREAS).map(([key, area]) => [key, area.defaults(profile)]));
  return {
    workload: "estate",
    environment: environmentFromStack(stack),
    location: "westeurope",
    tags: {},
    ...CORE_DEFAULTS[profile],
    ...areas,
  };
}
