import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { BUILT_IN_ROLES } from "../core/roles.js";
import { RedisCache, type RedisArgs } from "./redis.js";

const DEV: RedisArgs = {
  ...BASE,
  sku: "Standard",
  capacity: 0,
  zoneRedundant: false,
  privateEndpoint: PRIVATE_ENDPOINT,
};

const STORAGE = {
  accountId: "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sttest",
  blobEndpoint: "https://sttest.blob.core.windows.net/",
};

let dev: Plan;
let prod: Plan;
let clustered: Plan;
let geo: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const cache = new RedisCache("redis", DEV);
    cache.grantCacheAccess("api", "33333333-3333-4333-8333-333333333333");
    return { host: cache.hostName };
  });
  prod = await planComponents(() => {
    new RedisCache("redis", { ...DEV, sku: "Premium", capacity: 1, zoneRedundant: true });
  });
  geo = await planComponents(() => {
    const zonal = { ...DEV, sku: "Premium" as const, capacity: 1, zoneRedundant: true, replicasPerPrimary: 1 };
    const primary = new RedisCache("primary", zonal);
    primary.geoReplicateTo(new RedisCache("secondary", { ...zonal, location: "northeurope" }));
  });
  clustered = await planComponents(() => {
    new RedisCache("redis", {
      ...DEV,
      sku: "Premium",
      capacity: 2,
      zoneRedundant: true,
      shardCount: 3,
      evictionPolicy: "allkeys-lru",
      persistence: { kind: "rdb", frequencyMinutes: 60, storage: STORAGE },
    });
  });
});

describe("Redis", () => {
  it("speaks TLS 1.2 only, with Entra auth instead of keys, never publicly", () => {
    expect(oneOfType(dev, "azure-native:redis:Redis").inputs).toMatchObject({
      enableNonSslPort: false,
      minimumTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
      disableAccessKeyAuthentication: true,
      redisConfiguration: { aadEnabled: "true" },
      sku: { name: "Standard", family: "C", capacity: 0 },
    });
  });

  it("spreads a Premium cache over zones, a node in each of three", () => {
    expect(oneOfType(prod, "azure-native:redis:Redis").inputs).toMatchObject({
      sku: { name: "Premium", family: "P" },
      zones: ["1", "2", "3"],
      replicasPerPrimary: 2,
    });
    expect(oneOfType(dev, "azure-native:redis:Redis").inputs.zones).toBeUndefined();
    expect(oneOfType(dev, "azure-native:redis:Redis").inputs.replicasPerPrimary).toBeUndefined();
  });

  it("geo-replicates caches of one replica, a zone-redundant one over two zones", () => {
    const caches = ofType(geo, "azure-native:redis:Redis");
    expect(caches.map((c) => [c.inputs.location, c.inputs.replicasPerPrimary, c.inputs.zones])).toEqual([
      [BASE.location, 1, ["1", "2"]],
      ["northeurope", 1, ["1", "2"]],
    ]);
    expect(oneOfType(geo, "azure-native:redis:LinkedServer").inputs).toMatchObject({
      linkedRedisCacheLocation: "northeurope",
      serverRole: "Secondary",
    });
  });

  it("is reachable through a private endpoint on redisCache with its DNS zone group", () => {
    const cache = oneOfType(dev, "azure-native:redis:Redis");
    expect(endpointOf(dev, cache.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["redisCache"] }),
    ]);
    expect(dev.outputs.host).toBe(`${cache.physicalName}.redis.cache.windows.net`);
  });

  it("grants data access through the Data Contributor access policy", () => {
    expect(oneOfType(dev, "azure-native:redis:AccessPolicyAssignment").inputs).toMatchObject({
      accessPolicyName: "Data Contributor",
      objectId: "33333333-3333-4333-8333-333333333333",
    });
  });
});

describe("Redis tiers", () => {
  it("clusters a Premium cache over shards, with the eviction policy asked for", () => {
    const inputs = oneOfType(clustered, "azure-native:redis:Redis").inputs;
    expect(inputs).toMatchObject({
      shardCount: 3,
      redisConfiguration: { aadEnabled: "true", maxmemoryPolicy: "allkeys-lru" },
    });
    expect(oneOfType(dev, "azure-native:redis:Redis").inputs.shardCount).toBeUndefined();
  });

  it("persists RDB snapshots with the cache's own identity, granted blob access on that account only", () => {
    const cache = oneOfType(clustered, "azure-native:redis:Redis");
    expect(cache.inputs.identity).toEqual({ type: "SystemAssigned" });
    expect(cache.inputs.redisConfiguration).toMatchObject({
      rdbBackupEnabled: "true",
      rdbBackupFrequency: "60",
      preferredDataPersistenceAuthMethod: "ManagedIdentity",
      rdbStorageConnectionString: `BlobEndpoint=${STORAGE.blobEndpoint}`,
    });
    const grant = ofType(clustered, "azure-native:authorization:RoleAssignment").find(
      (r) => r.inputs.scope === STORAGE.accountId,
    );
    expect(grant?.inputs.roleDefinitionId).toContain(BUILT_IN_ROLES["Storage Blob Data Contributor"]);
    expect(JSON.stringify(cache.inputs.redisConfiguration)).not.toMatch(/AccountKey/);
  });

  const refused = (args: Partial<RedisArgs>) => planComponents(() => void new RedisCache("redis", { ...DEV, ...args }));

  it("refuses clustering and persistence below Premium, and more than 10 shards", async () => {
    await expect(refused({ shardCount: 2, persistence: { kind: "aof", storage: STORAGE } })).rejects.toThrow(
      "redis redis: shardCount needs the Premium SKU; this cache is Standard; persistence needs the Premium SKU; this cache is Standard",
    );
    await expect(refused({ sku: "Premium", capacity: 1, shardCount: 11 })).rejects.toThrow(
      "shardCount is 11; a Premium cluster has 1-10 shards",
    );
  });

  it("refuses replicas outside 1-3 or below Premium, and AOF persistence with more than one", async () => {
    await expect(refused({ replicasPerPrimary: 2 })).rejects.toThrow(
      "redis redis: replicasPerPrimary needs the Premium SKU; this cache is Standard",
    );
    await expect(refused({ sku: "Premium", capacity: 1, replicasPerPrimary: 4 })).rejects.toThrow(
      "replicasPerPrimary is 4; a Premium cache has 1-3 replicas per primary",
    );
    await expect(
      refused({ sku: "Premium", capacity: 1, zoneRedundant: true, persistence: { kind: "aof", storage: STORAGE } }),
    ).rejects.toThrow("AOF persistence takes one replica per primary; this cache has 2");
  });

  it("refuses to geo-replicate a cache of more than one replica (Azure refuses the link)", async () => {
    const premium = { ...DEV, sku: "Premium" as const, capacity: 1 };
    await expect(
      planComponents(() => {
        const primary = new RedisCache("primary", { ...premium, zoneRedundant: true });
        primary.geoReplicateTo(new RedisCache("secondary", { ...premium, replicasPerPrimary: 1 }));
      }),
    ).rejects.toThrow(
      "redis primary: 2 replicas per primary; geo-replication links caches of 1 (set replicasPerPrimary: 1)",
    );
  });

  it("refuses to geo-replicate a cache that persists its data, on either side (Azure refuses persistence with geo-replication)", async () => {
    const premium = { ...DEV, sku: "Premium" as const, capacity: 1 };
    const link = (primary: Partial<RedisArgs>, secondary: Partial<RedisArgs>) =>
      planComponents(() => {
        const cache = new RedisCache("primary", { ...premium, ...primary });
        cache.geoReplicateTo(new RedisCache("secondary", { ...premium, ...secondary, location: "northeurope" }));
      });
    await expect(link({ persistence: { kind: "rdb", frequencyMinutes: 60, storage: STORAGE } }, {})).rejects.toThrow(
      "redis primary: RDB persistence is on; Azure geo-replicates no cache that persists its data (remove persistence, or do not geo-replicate the cache)",
    );
    await expect(link({}, { persistence: { kind: "aof", storage: STORAGE } })).rejects.toThrow(
      "redis secondary: AOF persistence is on; Azure geo-replicates no cache that persists its data",
    );
  });

  it("refuses an RDB interval Azure does not offer", async () => {
    await expect(
      refused({
        sku: "Premium",
        capacity: 1,
        persistence: { kind: "rdb", frequencyMinutes: 45 as 60, storage: STORAGE },
      }),
    ).rejects.toThrow("persistence.frequencyMinutes is 45; expected one of 15, 30, 60, 360, 720, 1440");
  });
});
