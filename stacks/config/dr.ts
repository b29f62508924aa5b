import { z } from "zod";
import { REGION_NAMES, REGIONS, type Region } from "../../infra/naming/regions.js";
import { formatCidr, overlaps, parseCidr, size } from "../../infra/network/cidr.js";
import { planSubnets } from "../../infra/network/subnets.js";
import { defineArea, type Profile, type Report } from "./area.js";
import { cidr } from "./network.js";

/**
 * Azure's region pairs, for the regions the estate accepts. A pair is not always symmetric
 * (West US 3's pair is East US, whose own pair is West US). Pairs outside the accepted regions
 * (Australia Southeast, Canada East, ...) are named so the refusal can say what the pair is.
 * Source: https://learn.microsoft.com/azure/reliability/regions-paired (formerly
 * https://learn.microsoft.com/azure/reliability/cross-region-replication-azure), 2026.
 */
export const REGION_PAIRS: Record<Region, string> = {
  australiaeast: "australiasoutheast",
  brazilsouth: "southcentralus",
  canadacentral: "canadaeast",
  centralindia: "southindia",
  centralus: "eastus2",
  eastasia: "southeastasia",
  eastus: "westus",
  eastus2: "centralus",
  francecentral: "francesouth",
  germanywestcentral: "germanynorth",
  japaneast: "japanwest",
  koreacentral: "koreasouth",
  northcentralus: "southcentralus",
  northeurope: "westeurope",
  norwayeast: "norwaywest",
  southcentralus: "northcentralus",
  southeastasia: "eastasia",
  swedencentral: "swedensouth",
  switzerlandnorth: "switzerlandwest",
  uksouth: "ukwest",
  ukwest: "uksouth",
  westcentralus: "westus2",
  westeurope: "northeurope",
  westus: "eastus",
  westus2: "westcentralus",
  westus3: "eastus",
};

/** The stateful tiers that replicate to the secondary region, and how each fails over. */
export const DR_TIERS = ["cosmos", "sql", "postgresql", "mysql", "storage", "serviceBus", "redis"] as const;
export type DrTier = (typeof DR_TIERS)[number];

/**
 * automatic: Azure fails over without an operator; manual: replicated, an operator starts the
 * failover (the runbook in docs/dr.md); none: not replicated (`estate dr` says so: "not met", or
 * "cache only" for Redis).
 */
export const FAILOVER_MODES = ["automatic", "manual", "none"] as const;
export type FailoverMode = (typeof FAILOVER_MODES)[number];

/**
 * The tiers Azure fails over only when a customer asks (so `automatic` is refused), with why.
 * Sources: storage https://learn.microsoft.com/azure/storage/common/storage-disaster-recovery-guidance
 * (Microsoft-managed failover happens only in a catastrophic loss of the region, at Microsoft's
 * decision); Service Bus geo-replication https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication
 * (promotion is customer-initiated); Redis passive geo-replication
 * https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication (failover is
 * customer-initiated); flexible servers https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-business-continuity
 * and https://learn.microsoft.com/azure/mysql/flexible-server/concepts-business-continuity (geo-restore
 * is an operator's restore).
 */
const MANUAL_ONLY: Partial<Record<DrTier, string>> = {
  storage:
    "storage account failover is customer-initiated (Microsoft-managed failover is reserved for the loss of a whole region, at Microsoft's discretion)",
  serviceBus: "Service Bus geo-replication promotes the secondary only when a customer asks",
  redis: "Redis passive geo-replication fails over only when a customer asks",
  postgresql: "geo-restore from geo-redundant backup is an operator's restore",
  mysql: "geo-restore from geo-redundant backup is an operator's restore",
};

const mode = z.enum(FAILOVER_MODES);
const schema = z
  .object({
    /** Off by default: a secondary region doubles most of the data tier's cost. */
    enabled: z.boolean(),
    /** The recovery region; Azure's pair of the primary (REGION_PAIRS) unless given. */
    secondary: z.enum(REGION_NAMES as [Region, ...Region[]]).optional(),
    /** Recovery point objective: the most data, in minutes of writes, a regional failover may lose. */
    rpoMinutes: z.number().int(),
    /** Recovery time objective: minutes from losing the primary region to serving again. */
    rtoMinutes: z.number().int(),
    /**
     * The secondary region's VNet: its own range, never overlapping the primary's (the two may be
     * peered, and a failed-over estate keeps one address plan). Unless given, the block of the
     * primary's size right after it (10.20.0.0/16 -> 10.21.0.0/16).
     */
    addressSpace: cidr.optional(),
    failover: z
      .object(Object.fromEntries(DR_TIERS.map((tier) => [tier, mode])) as Record<DrTier, typeof mode>)
      .strict(),
  })
  .strict();
export type DrConfig = z.output<typeof schema>;

/**
 * Targets are the seeds' (RPO 5 minutes, RTO 1 hour). Cosmos DB fails over by itself (service-managed
 * failover); SQL's failover group is manual because the Microsoft-managed policy waits out a grace
 * period of at least an hour before failing over
 * (https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db), longer than the RTO.
 */
function defaults(_profile: Profile): z.input<typeof schema> {
  return {
    enabled: false,
    rpoMinutes: 5,
    rtoMinutes: 60,
    failover: {
      cosmos: "automatic",
      sql: "manual",
      postgresql: "manual",
      mysql: "manual",
      storage: "manual",
      serviceBus: "manual",
      redis: "manual",
    },
  };
}

/** The secondary region a DR config resolves to: its own, else the primary's pair (undefined when that pair is not an accepted region). */
export function secondaryRegion(dr: DrConfig, primary: Region): Region | undefined {
  if (dr.secondary) return dr.secondary;
  const pair = REGION_PAIRS[primary];
  return Object.hasOwn(REGIONS, pair) ? (pair as Region) : undefined;
}

/** The secondary VNet's address space: the stack's own, else the block of the primary's size after it (before it at the end of the range). */
export function drAddressSpace(dr: Pick<DrConfig, "addressSpace">, primary: string): string {
  if (dr.addressSpace) return dr.addressSpace;
  const { base, prefix } = parseCidr(primary);
  const step = size(prefix);
  return formatCidr({ base: base + 2 * step <= 2 ** 32 ? base + step : base - step, prefix });
}

/**
 * The secondary network and hosts: an address space apart from the primary's with room for the
 * estate's subnets, and only what the secondary region gets (App Service apps and a gateway
 * reached over the internet; not yet an AKS cluster or a private link origin). Container services
 * are refused with their manifests (stacks/services.ts).
 */
export function checkDrAgainstTiers(
  dr: DrConfig,
  {
    network,
    kubernetes,
    edge,
  }: {
    network: { addressSpace: string };
    kubernetes: { enabled: boolean };
    edge: { sku: string; originAccess: string };
  },
  report: Report,
): void {
  if (!dr.enabled) return;
  const space = drAddressSpace(dr, network.addressSpace);
  if (overlaps(parseCidr(space), parseCidr(network.addressSpace))) {
    report(
      ["dr", "addressSpace"],
      `${space} overlaps estate:network.addressSpace ${network.addressSpace}; the secondary VNet needs a range of its own (leave it out for the block after the primary's)`,
    );
  } else {
    try {
      planSubnets(space);
    } catch (error) {
      report(["dr", "addressSpace"], `${(error as Error).message} (the secondary VNet gets the primary's subnets)`);
    }
  }
  if (kubernetes.enabled)
    report(
      ["dr", "enabled"],
      "estate:kubernetes.enabled: the AKS cluster is not deployed to the secondary region (docs/dr.md); turn one of them off",
    );
  if (edge.sku !== "none" && edge.originAccess === "private-link")
    report(
      ["edge", "originAccess"],
      "private-link reaches the gateway's private endpoint in the primary region only; with estate:dr Front Door needs an origin in each region: set public",
    );
}

/** The data services as the DR check needs them (a subset of the data config). */
export interface DrDataView {
  cosmos: { enabled: boolean; capacity: "serverless" | "provisioned" };
  sql: {
    enabled: boolean;
    databases: Array<{ name: string; compute: "serverless" | "provisioned"; autoPauseDelayMinutes?: number }>;
  };
  postgresql: { enabled: boolean };
  mysql: { enabled: boolean };
  serviceBus: { enabled: boolean; sku: "Standard" | "Premium" };
  redis: { enabled: boolean; sku: "Basic" | "Standard" | "Premium" };
}

/**
 * What the SKUs the stack chose can replicate: each refusal names the DR key and the data key.
 * Sources: Cosmos DB serverless runs in one region only
 * (https://learn.microsoft.com/azure/cosmos-db/serverless#use-cases); Service Bus geo-replication is
 * Premium only (https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication);
 * Redis geo-replication is Premium (and Enterprise) only
 * (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication). SQL failover
 * groups take every vCore tier, serverless included
 * (https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db), but a serverless database
 * in one does not auto-pause (https://learn.microsoft.com/azure/azure-sql/database/serverless-tier-overview#auto-pausing),
 * so an auto-pause delay is refused rather than silently never honoured.
 */
export function checkDrAgainstData(dr: DrConfig, data: DrDataView, report: Report): void {
  if (!dr.enabled) return;
  const replicated = (tier: keyof DrDataView) => data[tier].enabled && dr.failover[tier] !== "none";
  if (replicated("cosmos") && data.cosmos.capacity === "serverless") {
    report(
      ["dr", "failover", "cosmos"],
      "a serverless Cosmos DB account runs in one region only; set data.cosmos.capacity: provisioned or dr.failover.cosmos: none",
    );
  }
  if (replicated("sql")) {
    data.sql.databases.forEach((db, i) => {
      if (db.compute === "serverless" && (db.autoPauseDelayMinutes ?? 60) !== -1) {
        report(
          ["data", "sql", "databases", i, "autoPauseDelayMinutes"],
          `serverless ${db.name} would be in a failover group (estate:dr), where serverless databases never auto-pause; set -1, or dr.failover.sql: none to keep pausing with geo-restore only`,
        );
      }
    });
  }
  if (replicated("serviceBus") && data.serviceBus.sku !== "Premium") {
    report(
      ["dr", "failover", "serviceBus"],
      `Service Bus geo-replication needs the Premium SKU; this namespace is ${data.serviceBus.sku}: set data.serviceBus.sku: Premium or dr.failover.serviceBus: none`,
    );
  }
  if (replicated("redis") && data.redis.sku !== "Premium") {
    report(
      ["dr", "failover", "redis"],
      `Redis geo-replication needs the Premium SKU; this cache is ${data.redis.sku}: set data.redis.sku: Premium or dr.failover.redis: none (cache only: rebuilt after a failover, not recovered)`,
    );
  }
}

export const drArea = defineArea({
  schema,
  defaults,
  check: (dr, context, report) => {
    if (!dr.enabled) return;
    if (dr.secondary === context.location) {
      report(
        ["secondary"],
        `got ${JSON.stringify(dr.secondary)}, the primary region itself; a secondary region must survive the loss of the primary (its pair is ${REGION_PAIRS[context.location]})`,
      );
    } else if (!secondaryRegion(dr, context.location)) {
      report(
        ["secondary"],
        `missing, and the pair of ${context.location} is ${REGION_PAIRS[context.location]}, which this estate does not accept; choose one of ${REGION_NAMES.filter((r) => r !== context.location).join(", ")}`,
      );
    }
    if (dr.rpoMinutes < 0) report(["rpoMinutes"], `got ${dr.rpoMinutes}; expected 0 (no data loss) or more minutes`);
    if (dr.rtoMinutes <= 0) report(["rtoMinutes"], `got ${dr.rtoMinutes}; expected a positive number of minutes`);
    for (const tier of DR_TIERS) {
      const why = MANUAL_ONLY[tier];
      if (why && dr.failover[tier] === "automatic")
        report(["failover", tier], `automatic is not offered: ${why}; set manual or none`);
    }
  },
});
