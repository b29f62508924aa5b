// Option lists of the data components, with their sources. Kept free of Pulumi imports so the
// stack config can check against them without loading the SDK.

/** maxmemory-policy values. Source: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-configure#memory-policies */
export const REDIS_EVICTION_POLICIES = [
  "volatile-lru",
  "allkeys-lru",
  "volatile-lfu",
  "allkeys-lfu",
  "volatile-random",
  "allkeys-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type RedisEvictionPolicy = (typeof REDIS_EVICTION_POLICIES)[number];

/** RDB snapshot intervals Azure offers, in minutes. Source: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-premium-persistence */
export const REDIS_RDB_FREQUENCIES = [15, 30, 60, 360, 720, 1440] as const;

/**
 * Replicas per primary a Premium cache can have: 1 (Azure's default, two nodes a shard) to 3, fixed
 * at creation; more than one rules out geo-replication and AOF persistence.
 * Source: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-multi-replicas#limitations
 */
export const REDIS_MAX_REPLICAS = 3;

/**
 * Passive geo-replication links caches of one replica per primary only: "Both caches should have only
 * one replica per primary per shard" (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication#geo-replication-prerequisites),
 * "You can't use geo-replication with caches that have more than one replica"
 * (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-multi-replicas#limitations).
 */
export const REDIS_GEO_REPLICATION_MAX_REPLICAS = 1;

/**
 * Replication: within a datacentre (LRS) or across zones (ZRS), each optionally copied to the
 * paired region (GRS, GZRS) with read access there (RA-).
 * Source: https://learn.microsoft.com/azure/storage/common/storage-redundancy
 */
export const STORAGE_REDUNDANCY = {
  LRS: "Standard_LRS",
  ZRS: "Standard_ZRS",
  GRS: "Standard_GRS",
  "RA-GRS": "Standard_RAGRS",
  GZRS: "Standard_GZRS",
  "RA-GZRS": "Standard_RAGZRS",
} as const;
export type StorageRedundancy = keyof typeof STORAGE_REDUNDANCY;
/** The options that keep copies in several zones of the primary region (they need a region with zones). */
export const ZONAL_REDUNDANCY: readonly StorageRedundancy[] = ["ZRS", "GZRS", "RA-GZRS"];
