import { createHash } from "node:crypto";
import { NAME_RULES, type NameKind, type NameRule } from "./rules.js";
import { REGIONS, type Region } from "./regions.js";

export { NAME_RULES, type NameKind, type NameRule } from "./rules.js";
export { REGIONS, REGION_NAMES, isRegion, type Region } from "./regions.js";

/** A fully qualified, lowercase DNS host name, as custom domains are written (www.contoso.com). */
export const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A name that cannot be made valid: never truncated silently, always an error. */
export class NamingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NamingError";
  }
}

export interface NamingContext {
  workload: string;
  environment: string;
  location: Region;
}

const SUFFIX_LENGTH = 6;

/**
 * Deterministic suffix for globally unique names: a hash of the raw inputs (before any
 * cleaning), so two different inputs never clean up into the same name.
 */
export function uniqueSuffix(...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest();
  return BigInt(`0x${digest.subarray(0, 8).toString("hex")}`)
    .toString(36)
    .padStart(SUFFIX_LENGTH, "0")
    .slice(-SUFFIX_LENGTH);
}

function clean(segment: string, rule: NameRule): string {
  const lowered = segment.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  return rule.separator === "" ? lowered.replace(/-/g, "") : lowered.replace(/-+/g, "-").replace(/^-|-$/g, "");
}

/**
 * Builds CAF-style names: `<abbr>-<workload>-<environment>-<region>[-<qualifier>][-<suffix>]`
 * (no separators where Azure allows none), checked against the resource type's rules.
 */
export class Namer {
  constructor(readonly context: NamingContext) {}

  name(kind: NameKind, qualifier?: string): string {
    const rule: NameRule = NAME_RULES[kind];
    const { workload, environment, location } = this.context;
    const context = rule.scopedToParent ? [] : [workload, environment, REGIONS[location].short];
    const segments = [rule.abbr, ...context, qualifier]
      .filter((s): s is string => s !== undefined && s !== "")
      .map((s) => clean(s, rule))
      .filter((s) => s !== "");
    if (rule.globallyUnique) {
      segments.push(uniqueSuffix(kind, workload, environment, location, qualifier ?? ""));
    }
    const name = segments.join(rule.separator);
    return check(kind, name, rule);
  }
}

function check(kind: NameKind, name: string, rule: NameRule): string {
  if (name.length > rule.max || name.length < rule.min) {
    throw new NamingError(
      `${kind} name "${name}" is ${name.length} characters; Azure allows ${rule.min}-${rule.max}. ` +
        (rule.scopedToParent ? "Shorten the name." : "Shorten estate:workload or the environment name."),
    );
  }
  if (!rule.pattern.test(name)) {
    throw new NamingError(`${kind} name "${name}" is not valid: Azure allows ${rule.allowed}.`);
  }
  return name;
}
