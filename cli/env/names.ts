import { CHOSEN_NAME_RULES } from "../../infra/naming/rules.js";
import { UsageError } from "../errors.js";

export const EPHEMERAL_PREFIX = "ephemeral-";

export interface EnvName {
  name: string;
  stack: string;
  /** What was given, when it had to be normalised (`PR-42` -> `pr42`). */
  normalisedFrom?: string;
}

/**
 * An environment name made Azure-safe: lowercased and stripped of anything but letters and digits.
 * What still does not fit (too long, starts with a digit) is refused, never truncated, since two
 * branches could truncate to the same name.
 */
export function envName(given: string): EnvName {
  const bare = given.startsWith(EPHEMERAL_PREFIX) ? given.slice(EPHEMERAL_PREFIX.length) : given;
  const name = bare.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (!CHOSEN_NAME_RULES.environment.pattern.test(name)) {
    throw new UsageError(
      `environment name "${given}" becomes "${name}", which Azure names cannot use: expected ${CHOSEN_NAME_RULES.environment.allowed} ` +
        `(it is the environment segment of every resource name), e.g. pr42 or alice`,
    );
  }
  return { name, stack: `${EPHEMERAL_PREFIX}${name}`, normalisedFrom: name === given ? undefined : given };
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m`, `8h`, `2d` in milliseconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)([mhd])$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]];
  return ms > 0 ? ms : undefined;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const text =
    minutes >= 2 * 1440
      ? `${Math.floor(minutes / 1440)}d${Math.floor((minutes % 1440) / 60)}h`
      : minutes >= 60
        ? `${Math.floor(minutes / 60)}h${minutes % 60 ? `${minutes % 60}m` : ""}`
        : `${minutes}m`;
  return ms < 0 ? `-${text}` : text;
}
