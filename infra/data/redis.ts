import * as pulumi from "@pulumi/pulumi";
import * as redis from "@pulumi/azure-native/redis";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { stableGuid } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

export type RedisSku = "Basic" | "Standard" | "Premium";

export interface RedisArgs extends BaseArgs {
  sku: RedisSku;
  /** C0-C6 for Basic and Standard, P1-P5 for Premium. */
  capacity: number;
  /** Premium only: replicas spread over the region's zones. */
  zoneRedundant: boolean;
  privateEndpoint?: PrivateEndpointArgs;
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
    const { resourceGroupName, location, namer, tags } = args;

    const cache = new redis.Redis(
      `${name}-cache`,
      {
        name: namer.name("redis"),
        resourceGroupName,
        location,
        tags,
        sku: { name: args.sku, family: args.sku === "Premium" ? "P" : "C", capacity: args.capacity },
        enableNonSslPort: false,
        minimumTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        disableAccessKeyAuthentication: true,
        redisConfiguration: { aadEnabled: "true" },
        zones: args.zoneRedundant ? ["1", "2", "3"] : undefined,
        replicasPerPrimary: args.zoneRedundant ? 2 : undefined,
      },
      { parent: this },
    );
    this.cache = cache;

    if (args.privateEndpoint) privateEndpoint(this, name, args, "redis", cache.id, args.privateEndpoint);
    applySharedArgs(this, name, cache.id, args);

    this.cacheId = cache.id;
    this.cacheName = cache.name;
    this.hostName = cache.hostName;
    this.sslPort = cache.sslPort;
    this.registerOutputs({ cacheId: this.cacheId, hostName: this.hostName });
  }

  /** Gives a principal Redis' built-in "Data Contributor" access policy (Entra auth; keys are off). */
  grantCacheAccess(key: string, principalId: pulumi.Input<string>): redis.AccessPolicyAssignment {
    return new redis.AccessPolicyAssignment(
      `${this.name}-${key}-data-contributor`,
      {
        cacheName: this.cache.name,
        resourceGroupName: this.args.resourceGroupName,
        accessPolicyAssignmentName: this.cache.id.apply((id) => stableGuid(id, "Data Contributor", key).replace(/-/g, "")),
        accessPolicyName: "Data Contributor",
        objectId: principalId,
        objectIdAlias: key,
      },
      { parent: this },
    );
  }
}
