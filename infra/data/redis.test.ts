import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { RedisCache, type RedisArgs } from "./redis.js";

const DEV: RedisArgs = { ...BASE, sku: "Standard", capacity: 0, zoneRedundant: false, privateEndpoint: PRIVATE_ENDPOINT };

let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const cache = new RedisCache("redis", DEV);
    cache.grantCacheAccess("api", "33333333-3333-4333-8333-333333333333");
    return { host: cache.hostName };
  });
  prod = await planComponents(() => {
    new RedisCache("redis", { ...DEV, sku: "Premium", capacity: 1, zoneRedundant: true });
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

  it("spreads a Premium cache over zones", () => {
    expect(oneOfType(prod, "azure-native:redis:Redis").inputs).toMatchObject({ sku: { name: "Premium", family: "P" }, zones: ["1", "2", "3"] });
    expect(oneOfType(dev, "azure-native:redis:Redis").inputs.zones).toBeUndefined();
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
