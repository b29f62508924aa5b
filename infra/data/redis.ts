import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as redis from "@pulumi/azure-native/redis";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { stableGuid } from "../core/guid.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import {
  REDIS_GEO_REPLICATION_MAX_REPLICAS,
  REDIS_MAX_REPLICAS,
  REDIS_RDB_FREQUENCIES,
  type RedisEvictionPolicy,
} from "./options.js";

export type RedisSku = "Basic" | "Standard" | "Premium";
/** The built-in data access policies an app can be given (Data Owner, which also runs administrative commands, is not offered). */
export type RedisAccessPolicy = "Data Contributor" | "Data Reader";

/** Premium only: snapshots (RDB) or an append-only log (AOF) written to a storage account with the cache's identity. */
export interface RedisPersistenceArgs {
  /** `rdb`: periodic snapshots; `aof`: every write appended to a log. */
  kind: "rdb" | "aof";
  /** RDB only: minutes between snapshots. */
  frequencyMinutes?: (typeof REDIS_RDB_FREQUENCIES)[number];
  /** The storage account the cache writes to with its identity: its resource `accountId` and its `blobEndpoint`. */
  storage: { accountId: pulumi.Input<string>; blobEndpoint: pulumi.Input<string> };
}

export interface RedisArgs extends BaseArgs {
  /** Cache tier: Basic, Standard or Premium (zones, clustering and persistence need Premium). */
  sku: RedisSku;
  /** C0-C6 for Basic and Standard, P1-P5 for Premium. */
  capacity: number;
  /** Premium only: the primary and its replicas spread over the region's zones, as many zones as nodes up to three. */
  zoneRedundant: boolean;
  /**
   * Premium only: replicas per primary, 1-3, fixed at creation (REDIS_MAX_REPLICAS). Absent: two
   * when zone redundant (a node in each of three zones), else Azure's one. A geo-replicated cache
   * takes one only (REDIS_GEO_REPLICATION_MAX_REPLICAS), over two zones when zone redundant.
   */
  replicasPerPrimary?: number;
  /** Premium only: clustering over this many shards (1-10). */
  shardCount?: number;
  /** What Redis evicts when memory is full; Azure's volatile-lru unless given. */
  evictionPolicy?: RedisEvictionPolicy;
  /** Premium only: persist the cache's data; absent: in memory only. */
  persistence?: RedisPersistenceArgs;
  /** Where the cache's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/** Refuses Premium-only features below Premium and out-of-range shards, before anything is declared. */
function checkRedis(name: string, args: RedisArgs): void {
  const problems: string[] = [];
  const premiumOnly = {
    zoneRedundant: args.zoneRedundant || undefined,
    replicasPerPrimary: args.replicasPerPrimary,
    shardCount: args.shardCount,
    persistence: args.persistence,
  };
  for (const [key, value] of Object.entries(premiumOnly)) {
    if (value !== undefined && args.sku !== "Premium")
      problems.push(`${key} needs the Premium SKU; this cache is ${args.sku}`);
  }
  if (
    args.shardCount !== undefined &&
    (!Number.isInteger(args.shardCount) || args.shardCount < 1 || args.shardCount > 10)
  ) {
    problems.push(`shardCount is ${args.shardCount}; a Premium cluster has 1-10 shards`);
  }
  const replicas = args.replicasPerPrimary;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1 || replicas > REDIS_MAX_REPLICAS)) {
    problems.push(
      `replicasPerPrimary is ${replicas}; a Premium cache has 1-${REDIS_MAX_REPLICAS} replicas per primary`,
    );
  }
  const p = args.persistence;
  // https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-multi-replicas#limitations
  if (p?.kind === "aof" && replicasOf(args) > 1)
    problems.push(`AOF persistence takes one replica per primary; this cache has ${replicasOf(args)}`);
  if (p?.kind === "rdb" && !REDIS_RDB_FREQUENCIES.includes(p.frequencyMinutes ?? 60)) {
    problems.push(
      `persistence.frequencyMinutes is ${p.frequencyMinutes}; expected one of ${REDIS_RDB_FREQUENCIES.join(", ")}`,
    );
  }
  if (p?.kind === "aof" && p.frequencyMinutes !== undefined)
    problems.push("persistence.frequencyMinutes applies to RDB snapshots only");
  if (problems.length) throw new Error(`redis ${name}: ${problems.join("; ")}`);
}

/** Replicas per primary the cache gets: as asked, else two when zone redundant (Premium), else one. */
function replicasOf(args: RedisArgs): number {
  return args.replicasPerPrimary ?? (args.zoneRedundant ? 2 : 1);
}

/**
 * The zones a zone-redundant cache's nodes go to: one node a zone, as many zones as nodes up to the
 * region's three (a zone-redundant Premium cache needs at least two zones and as many nodes as
 * zones: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Redis.AvailabilityZone).
 */
function zonesOf(args: RedisArgs): string[] | undefined {
  return args.zoneRedundant ? ["1", "2", "3"].slice(0, Math.min(replicasOf(args) + 1, 3)) : undefined;
}

/**
 * Azure Cache for Redis on TLS 1.2 only (the non-TLS port is off), reachable only through its
 * private endpoint, with Entra authentication instead of access keys.
 */
export class RedisCache extends pulumi.ComponentResource {
  readonly cacheId: pulumi.Output<string>;
  readonly cacheName: pulumi.Output<string>;
  readonly hostName: pulumi.Output<string>;
  readonly sslPort: pulumi.Output<number>;
  private readonly cache: redis.Redis;

  constructor(
    private readonly name: string,
    private readonly args: RedisArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:data:RedisCache", name, {}, opts);
    checkRedis(name, args);
    const { resourceGroupName, location, namer } = args;
    const persistence = args.persistence;

    const cache = new redis.Redis(
      `${name}-cache`,
      {
        name: namer.name("redis"),
        resourceGroupName,
        location,
        sku: { name: args.sku, family: args.sku === "Premium" ? "P" : "C", capacity: args.capacity },
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        disableAccessKeyAuthentication: true,
        redisConfiguration: {
          aadEnabled: "true",
          maxmemoryPolicy: args.evictionPolicy,
          ...(persistence ? persistenceSettings(persistence) : {}),
        },
        // Persistence writes with the cache's own identity (no storage keys).
        identity: persistence ? { type: "SystemAssigned" } : undefined,
        shardCount: args.shardCount,
        zones: zonesOf(args),
        replicasPerPrimary: args.zoneRedundant || args.replicasPerPrimary ? replicasOf(args) : undefined,
      },
      { parent: this },
    );
    this.cache = cache;
    if (persistence) {
      assignRoles(this, `${name}-persistence`, persistence.storage.accountId, [
        {
          role: "Storage Blob Data Contributor",
          principalId: cache.identity.apply((i) => i?.principalId ?? ""),
          principalType: "ServicePrincipal",
          key: "persistence",
        },
      ]);
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "redis", cache.id, args.privateEndpoint);
    applySharedArgs(this, name, cache.id, args);

    this.cacheId = cache.id;
    this.cacheName = cache.name;
    this.hostName = cache.hostName;
    this.sslPort = cache.sslPort;
    this.registerOutputs({ cacheId: this.cacheId, hostName: this.hostName });
  }

  /**
   * Passive geo-replication to a Premium cache of the same size in another region: the secondary
   * is read-only until an operator fails over. Returns the link, whose geo-primary host name
   * follows the current primary. Neither cache may persist its data: "Persistence isn't supported
   * with geo-replication", and once linked "you can't enable persistence on either cache".
   * Source: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication
   */
  geoReplicateTo(secondary: RedisCache): redis.LinkedServer {
    if (this.args.sku !== "Premium" || secondary.args.sku !== "Premium")
      throw new Error(`redis ${this.name}: geo-replication needs Premium caches on both sides`);
    for (const cache of [this, secondary]) {
      const replicas = replicasOf(cache.args);
      if (replicas > REDIS_GEO_REPLICATION_MAX_REPLICAS)
        throw new Error(
          `redis ${cache.name}: ${replicas} replicas per primary; geo-replication links caches of ${REDIS_GEO_REPLICATION_MAX_REPLICAS} (set replicasPerPrimary: ${REDIS_GEO_REPLICATION_MAX_REPLICAS})`,
        );
      const persistence = cache.args.persistence;
      if (persistence)
        throw new Error(
          `redis ${cache.name}: ${persistence.kind.toUpperCase()} persistence is on; Azure geo-replicates no cache that persists its data (remove persistence, or do not geo-replicate the cache)`,
        );
    }
    return new redis.LinkedServer(
      `${this.name}-geo-link`,
      {
        name: this.cache.name,
        resourceGroupName: this.args.resourceGroupName,
        linkedServerName: secondary.cacheName,
        linkedRedisCacheId: secondary.cacheId,
        linkedRedisCacheLocation: secondary.args.location,
        serverRole: "Secondary",
      },
      { parent: this },
    );
  }

  /**
   * Gives a principal one of Redis' built-in access policies (Entra auth; keys are off): Data
   * Contributor reads and writes keys, Data Reader only reads them
   * (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-configure-role-based-access-control).
   */
  grantCacheAccess(
    key: string,
    principalId: pulumi.Input<string>,
    policy: RedisAccessPolicy = "Data Contributor",
  ): redis.AccessPolicyAssignment {
    return new redis.AccessPolicyAssignment(
      `${this.name}-${key}-${policy.toLowerCase().replace(/ /g, "-")}`,
      {
        cacheName: this.cache.name,
        resourceGroupName: this.args.resourceGroupName,
        accessPolicyAssignmentName: this.cache.id.apply((id) => stableGuid(id, policy, key).replace(/-/g, "")),
        accessPolicyName: policy,
        objectId: principalId,
        objectIdAlias: key,
      },
      { parent: this },
    );
  }
}

/** redisConfiguration for RDB or AOF persistence authenticated by the cache's managed identity. */
function persistenceSettings(p: RedisPersistenceArgs): Record<string, pulumi.Input<string>> {
  const target = pulumi.interpolate`BlobEndpoint=${p.storage.blobEndpoint}`;
  const common = {
    preferredDataPersistenceAuthMethod: "ManagedIdentity",
    storageSubscriptionId: authorization.getClientConfigOutput().subscriptionId,
  };
  return p.kind === "rdb"
    ? {
        ...common,
        rdbBackupEnabled: "true",
        rdbBackupFrequency: String(p.frequencyMinutes ?? 60),
        rdbStorageConnectionString: target,
      }
    : { ...common, aofBackupEnabled: "true", aofStorageConnectionString0: target };
}
