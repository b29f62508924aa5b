import type { z } from "zod";
import type { Profile } from "../../infra/core/profiles.js";
import type { Region } from "../../infra/naming/regions.js";

export { PROFILES, type Profile } from "../../infra/core/profiles.js";

/** What every area's cross-field checks may look at besides its own section. */
export interface CoreContext {
  profile: Profile;
  workload: string;
  environment: string;
  location: Region;
  zoneRedundant: boolean;
}

export type Report = (path: Array<string | number>, message: string) => void;

/**
 * One section of the stack config (`estate:<area>`): its schema, its defaults per profile, and
 * the impossible combinations it refuses. Schemas use `.strict()` objects and no defaults of
 * their own: defaults come from the profile, so a stack file only says what differs.
 */
export interface ConfigArea<S extends z.ZodTypeAny> {
  schema: S;
  defaults: (profile: Profile) => z.input<S>;
  check?: (value: z.output<S>, context: CoreContext, report: Report) => void;
}

export function defineArea<S extends z.ZodTypeAny>(area: ConfigArea<S>): ConfigArea<S> {
  return area;
}
