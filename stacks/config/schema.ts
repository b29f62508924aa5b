import { z } from "zod";
import { REGION_NAMES, type Region } from "../../infra/naming/regions.js";
import { CHOSEN_NAME_RULES } from "../../infra/naming/rules.js";
import { planSubnets } from "../../infra/network/subnets.js";
import { PROFILES, type CoreContext, type Report } from "./area.js";
import { AREAS, type Areas } from "./areas.js";
import { checkZones } from "./checks.js";
import { checkContacts } from "./contacts.js";
import { checkDrAgainstData, checkDrAgainstTiers } from "./dr.js";
import { ENVIRONMENT_PATTERN, ENVIRONMENT_RULE } from "./profiles.js";

const coreShape = {
  profile: z.enum(PROFILES),
  /** First segment of every name after the type abbreviation. */
  workload: z.string().regex(CHOSEN_NAME_RULES.workload.pattern, `expected ${CHOSEN_NAME_RULES.workload.allowed}`),
  /** Environment segment of names; derived from the stack name unless set (see environmentFromStack). */
  environment: z.string().regex(ENVIRONMENT_PATTERN, `expected ${ENVIRONMENT_RULE}`),
  location: z.enum(REGION_NAMES as [Region, ...Region[]]),
  owner: z.string().min(1, "expected the owning team or person, e.g. platform-team@contoso.com"),
  costCentre: z.string().min(1, "expected the cost centre to bill, e.g. CC-1234"),
  /** Ephemeral estates only: when it may be collected (ISO 8601, e.g. 2026-12-01T18:00:00Z). */
  expiresAt: z
    .string()
    .datetime({ offset: true, message: "expected an ISO 8601 date-time such as 2026-12-01T18:00:00Z" })
    .optional(),
  zoneRedundant: z.boolean(),
  /** Extra tags on every taggable resource, beside the required ones. */
  tags: z.record(z.string().max(256)),
  /** The services (folders under services/) this stack hosts; all of the project's when not set. */
  services: z.array(z.string().min(1)).optional(),
};

type AreaShape = { [K in keyof Areas]: Areas[K]["schema"] };
const areaShape = Object.fromEntries(Object.entries(AREAS).map(([key, area]) => [key, area.schema])) as AreaShape;

/** Everything a stack may say, fully resolved (profile defaults merged in). */
export const estateSchema = z.object({ ...coreShape, ...areaShape }).strict();
export type EstateConfig = z.output<typeof estateSchema>;

/** What a stack file may contain: any subset of the resolved shape, and nothing else. */
export const stackFileSchema = estateSchema.deepPartial();

/** Impossible combinations, reported with the path of the key to change. */
export function checkCombinations(config: EstateConfig, report: Report): void {
  if (config.profile === "ephemeral" && !config.expiresAt) {
    report(["expiresAt"], "an ephemeral stack needs an expiry (estate env up sets it from --ttl)");
  }
  if (config.profile !== "ephemeral" && config.expiresAt) {
    report(["expiresAt"], `only ephemeral stacks expire; this stack's profile is ${config.profile}`);
  }
  checkZones(report, ["zoneRedundant"], config.zoneRedundant, config.location);
  if (config.kubernetes.enabled) {
    try {
      planSubnets(config.network.addressSpace, config.network.subnets, ["aks"]);
    } catch (error) {
      report(["network", "subnets"], `${(error as Error).message} (kubernetes.enabled needs an aks subnet)`);
    }
  }
  const gateway = config.gateway.sku;
  if (
    config.edge.sku !== "none" &&
    config.edge.originAccess === "private-link" &&
    gateway !== "Developer" &&
    gateway !== "Premium"
  ) {
    report(
      ["edge", "originAccess"],
      `a private link origin is API Management's private endpoint, which needs gateway sku Developer or Premium; the gateway is ${gateway}`,
    );
  }
  checkDrAgainstData(config.dr, config.data, report);
  checkContacts(config, report);
  checkDrAgainstTiers(config.dr, config, report);
  const { profile, workload, environment, location, zoneRedundant } = config;
  const context: CoreContext = { profile, workload, environment, location, zoneRedundant };
  for (const [key, area] of Object.entries(AREAS)) {
    const check = area.check as ((v: unknown, c: CoreContext, r: Report) => void) | undefined;
    check?.(config[key as keyof Areas], context, (path, message) => report([key, ...path], message));
  }
}
