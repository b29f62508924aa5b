import type * as pulumi from "@pulumi/pulumi";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { isRegion, REGIONS } from "../naming/regions.js";

/** The compute tiers of Azure Database for PostgreSQL and MySQL flexible servers. */
export type FlexibleServerTier = "Burstable" | "GeneralPurpose" | "MemoryOptimized";

/**
 * What the PostgreSQL and MySQL flexible server components share: compute, storage, high
 * availability, backups, the Entra administrator and the private endpoint.
 */
export interface FlexibleServerArgs extends BaseArgs {
  /** Compute: the VM size `name` and its `tier`, e.g. `{ name: "Standard_D2ds_v5", tier: "GeneralPurpose" }`. */
  sku: { name: string; tier: FlexibleServerTier };
  /** Provisioned storage in GiB. */
  storageSizeGB: number;
  /** ZoneRedundant puts a standby in another zone of the region (not on Burstable). */
  highAvailability: "Disabled" | "SameZone" | "ZoneRedundant";
  /** Days of point-in-time restore the automated backups keep (the engine's range: EngineLimits.retentionDays). */
  backupRetentionDays: number;
  /** Copies backups to the paired region; fixed when the server is created. */
  geoRedundantBackup: boolean;
  /**
   * The Entra principal (usually a group) that administers the server, the only way in: its
   * display `principalName`, its `objectId` and its `principalType`.
   */
  admin: { principalName: string; objectId: string; principalType: "Group" | "User" | "ServicePrincipal" };
  /** Names of the databases created on the server. */
  databases: string[];
  /** Where the server's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/** A server engine's own limits, each with its documentation. */
export interface EngineLimits {
  engine: string;
  retentionDays: [number, number];
  minStorageGB: number;
  reservedDatabases: string[];
}

/**
 * Limits of Azure Database for PostgreSQL flexible server.
 * Backups: 7-35 days, https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-backup-restore
 * Storage: 32 GiB minimum, https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-storage
 * HA: not on Burstable, https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-high-availability
 */
export const POSTGRESQL_LIMITS: EngineLimits = {
  engine: "PostgreSQL",
  retentionDays: [7, 35],
  minStorageGB: 32,
  reservedDatabases: ["postgres", "azure_maintenance", "azure_sys", "template0", "template1"],
};

/**
 * Limits of Azure Database for MySQL flexible server.
 * Backups: 1-35 days, https://learn.microsoft.com/azure/mysql/flexible-server/concepts-backup-restore
 * Storage: 20 GiB minimum, https://learn.microsoft.com/azure/mysql/flexible-server/concepts-service-tiers-storage
 * HA: not on Burstable, https://learn.microsoft.com/azure/mysql/flexible-server/concepts-high-availability
 */
export const MYSQL_LIMITS: EngineLimits = {
  engine: "MySQL",
  retentionDays: [1, 35],
  minStorageGB: 20,
  reservedDatabases: ["mysql", "sys", "information_schema", "performance_schema"],
};

/** The tier a compute size belongs to, from its series letter (B, D, E). */
const SERIES_TIER: Record<string, FlexibleServerTier> = { B: "Burstable", D: "GeneralPurpose", E: "MemoryOptimized" };

/** One thing Azure would refuse, and the argument (or config key) it is about. */
export interface FlexibleServerProblem {
  key: keyof FlexibleServerArgs;
  message: string;
}

/**
 * What Azure would refuse at deployment: HA on Burstable, zone redundancy without zones, a SKU
 * outside its tier, retention and storage out of range, databases listed twice or named like
 * system databases. The component and the stack config both ask this one function.
 */
export function flexibleServerProblems(
  args: Pick<FlexibleServerArgs, "sku" | "highAvailability" | "backupRetentionDays" | "storageSizeGB" | "databases"> & {
    location: pulumi.Input<string>;
  },
  limits: EngineLimits,
): FlexibleServerProblem[] {
  const problems: FlexibleServerProblem[] = [];
  const series = /^Standard_([A-Z])\d/.exec(args.sku.name)?.[1];
  if (series && SERIES_TIER[series] && SERIES_TIER[series] !== args.sku.tier) {
    problems.push({ key: "sku", message: `${args.sku.name} is a ${SERIES_TIER[series]} size, not ${args.sku.tier}` });
  }
  if (args.highAvailability !== "Disabled" && args.sku.tier === "Burstable") {
    problems.push({
      key: "highAvailability",
      message: `highAvailability ${args.highAvailability} needs the GeneralPurpose or MemoryOptimized tier; ${args.sku.name} is Burstable`,
    });
  }
  const location = args.location;
  if (
    args.highAvailability === "ZoneRedundant" &&
    typeof location === "string" &&
    isRegion(location) &&
    !REGIONS[location].zones
  ) {
    problems.push({
      key: "highAvailability",
      message: `highAvailability ZoneRedundant needs availability zones; region ${location} has none (use SameZone or Disabled)`,
    });
  }
  const [min, max] = limits.retentionDays;
  if (!Number.isInteger(args.backupRetentionDays) || args.backupRetentionDays < min || args.backupRetentionDays > max) {
    problems.push({
      key: "backupRetentionDays",
      message: `backupRetentionDays is ${args.backupRetentionDays}; ${limits.engine} keeps backups ${min}-${max} days`,
    });
  }
  if (args.storageSizeGB < limits.minStorageGB) {
    problems.push({
      key: "storageSizeGB",
      message: `storageSizeGB is ${args.storageSizeGB}; ${limits.engine} needs at least ${limits.minStorageGB} GB`,
    });
  }
  const seen = new Set<string>();
  for (const db of args.databases) {
    if (limits.reservedDatabases.includes(db.toLowerCase()))
      problems.push({ key: "databases", message: `database "${db}" is a system database name` });
    if (seen.has(db.toLowerCase())) problems.push({ key: "databases", message: `database "${db}" is listed twice` });
    seen.add(db.toLowerCase());
  }
  return problems;
}

/** Refuses, before anything is declared, every problem at once. */
export function checkFlexibleServer(name: string, args: FlexibleServerArgs, limits: EngineLimits): void {
  const problems = flexibleServerProblems(args, limits);
  if (problems.length) throw new Error(`${limits.engine} server ${name}: ${problems.map((p) => p.message).join("; ")}`);
}
