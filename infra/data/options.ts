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
