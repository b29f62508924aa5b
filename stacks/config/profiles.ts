import type { z } from "zod";
import { NAME_RULES, Namer, NamingError, type NameKind } from "../../infra/naming/index.js";
import type { Region } from "../../infra/naming/regions.js";
import type { Profile } from "./area.js";
import { AREAS } from "./areas.js";
import {
  environmentFromStack,
  ENVIRONMENT_PATTERN,
  ENVIRONMENT_RULE,
  HASH_CHARS,
  MAX_ENVIRONMENT,
} from "./environment.js";
import type { estateSchema } from "./schema.js";

export { environmentFromStack, ENVIRONMENT_PATTERN, ENVIRONMENT_RULE };

/** Cross-cutting defaults per profile; each area's own defaults come from its file. */
const CORE_DEFAULTS: Record<Profile, { zoneRedundant: boolean }> = {
  dev: { zoneRedundant: false },
  prod: { zoneRedundant: true },
  ephemeral: { zoneRedundant: false },
};

/**
 * The environment segment a stack gets when its file sets none: derived from the stack name, as
 * long as every Azure name built with the stack's workload and region still fits its type's
 * length rule (a storage account allows 24 characters in all), shortened otherwise.
 */
export function deriveEnvironment(stack: string, context: { workload: string; location: Region }): string {
  for (let length = MAX_ENVIRONMENT; length > HASH_CHARS; length--) {
    const environment = environmentFromStack(stack, length);
    const namer = new Namer({ ...context, environment });
    const fits = (Object.keys(NAME_RULES) as NameKind[]).every((kind) => {
      try {
        namer.name(kind);
        return true;
      } catch (error) {
        if (error instanceof NamingError) return false;
        throw error;
      }
    });
    if (fits || environment.length < length) return environment;
  }
  // Nothing fits: the naming check names the resource type and asks for a shorter workload.
  return environmentFromStack(stack, HASH_CHARS + 1);
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
