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
  /** e.g. `{ name: "Standard_D2ds_v5", tier: "GeneralPurpose" }`. */
  sku: { name: string; tier: FlexibleServerTier };
  storageSizeGB: number;
  /** ZoneRedundant puts a standby in another zone of the region (not on Burstable). */
  highAvailability: "Disabled" | "SameZone" | "ZoneRedundant";
  backupRetentionDays: number;
  /** Copies backups to the paired region; fixed when the server is created. */
  geoRedundantBackup: boolean;
  /** The Entra principal (usually a group) that administers the server: the only way in. */
  admin: { principalName: string; objectId: string; principalType: "Group" | "User" | "ServicePrincipal" };
  databases: string[];
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
 * Refuses what Azure would refuse at deployment, all problems at once and before anything is
 * declared: HA on Burstable, zone redundancy without zones, retention and storage out of range,
 * databases listed twice or named like system databases.
 */
export function checkFlexibleServer(name: string, args: FlexibleServerArgs, limits: EngineLimits): void {
  const problems: string[] = [];
  if (args.highAvailability !== "Disabled" && args.sku.tier === "Burstable") {
    problems.push(`highAvailability ${args.highAvailability} needs the GeneralPurpose or MemoryOptimized tier; ${args.sku.name} is Burstable`);
  }
  const location: pulumi.Input<string> = args.location;
  if (args.highAvailability === "ZoneRedundant" && typeof location === "string" && isRegion(location) && !REGIONS[location].zones) {
    problems.push(`highAvailability ZoneRedundant needs availability zones; region ${location} has none (use SameZone or Disabled)`);
  }
  const [min, max] = limits.retentionDays;
  if (!Number.isInteger(args.backupRetentionDays) || args.backupRetentionDays < min || args.backupRetentionDays > max) {
    problems.push(`backupRetentionDays is ${args.backupRetentionDays}; ${limits.engine} keeps backups ${min}-${max} days`);
  }
  if (args.storageSizeGB < limits.minStorageGB) {
    problems.push(`storageSizeGB is ${args.storageSizeGB}; ${limits.engine} needs at least ${limits.minStorageGB} GB`);
  }
  const seen = new Set<string>();
  for (const db of args.databases) {
    if (limits.reservedDatabases.includes(db.toLowerCase())) problems.push(`database "${db}" is a system database name`);
    if (seen.has(db.toLowerCase())) problems.push(`database "${db}" is listed twice`);
    seen.add(db.toLowerCase());
  }
  if (problems.length) throw new Error(`${limits.engine} server ${name}: ${problems.join("; ")}`);
}
