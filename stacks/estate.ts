import type * as pulumi from "@pulumi/pulumi";
import { REGION_PAIRS } from "./config/dr.js";
import type { EstateConfig } from "./config/schema.js";
import type { HostedService } from "./services.js";
import { alertsTier } from "./tiers/alerts.js";
import type { ServiceDatabaseUser } from "./tiers/bindings.js";
import { dataTier, drSecondary, redisEndpoint, sqlEndpoint } from "./tiers/data.js";
import { edgeTier } from "./tiers/edge.js";
import { foundationTier } from "./tiers/foundation.js";
import { gatewayTier } from "./tiers/gateway.js";
import { hostsTier } from "./tiers/hosts.js";
import { networkTier } from "./tiers/network.js";
import { platformOutputs, platformTier } from "./tiers/platform.js";

/** What the estate exports as stack outputs (and what the CLI prints after a plan or an `up`). */
export interface EstateOutputs {
  resourceGroupName: pulumi.Output<string>;
  vnetId: pulumi.Output<string>;
  /** The data tier's ids and endpoints: what hosted apps and their settings need. */
  data: {
    /** Absent when the stack has no Cosmos DB account / no Service Bus namespace. */
    cosmosAccountId?: pulumi.Output<string>;
    cosmosEndpoint?: pulumi.Output<string>;
    storageAccountId: pulumi.Output<string>;
    blobEndpoint: pulumi.Output<string>;
    serviceBusNamespaceId?: pulumi.Output<string>;
    serviceBusFqdn?: pulumi.Output<string>;
    keyVaultId: pulumi.Output<string>;
    keyVaultUri: pulumi.Output<string>;
    /** Absent when the stack has no SQL server / no Redis cache. */
    sqlServerFqdn?: pulumi.Output<string>;
    redisHostName?: pulumi.Output<string>;
  };
  /** Disaster recovery as declared (estate:dr), for `estate dr`: absent when DR is off. */
  dr?: {
    primary: string;
    secondary: string;
    pair: string;
    rpoMinutes: number;
    rtoMinutes: number;
    failover: Record<string, string>;
  };
  /** The enabled platform services' endpoints (`estate:platform`); absent when none is enabled. */
  platform?: Record<string, pulumi.Output<string>>;
  /** The estate's public entry point: Front Door's endpoint (absent without Front Door). */
  frontDoorUrl?: pulumi.Output<string>;
  /** API Management's gateway (reachable only through Front Door when there is one; absent without a gateway). */
  gatewayUrl?: pulumi.Output<string>;
  /** Each hosted app's default host name (reachable only from the tier in front of it). */
  appHostNames: Record<string, pulumi.Output<string>>;
  /** Each static site's own host name (also served by Front Door at its endpoint). */
  siteHostNames: Record<string, pulumi.Output<string>>;
  /**
   * What each server's Entra administrator must still run for the services' SQL, PostgreSQL and
   * MySQL bindings (ARM cannot create users inside a database); absent when no service binds one.
   */
  databaseUsers?: ServiceDatabaseUser[];
}

/**
 * The whole estate for one stack: the tiers in stacks/tiers/, each composed from the resolved
 * config and the outputs of the tiers it builds on. This file only wires them.
 */
export function composeEstate(config: EstateConfig, services: HostedService[]): EstateOutputs {
  const foundation = foundationTier(config, services);
  const network = networkTier(foundation);
  const secondaryNetwork = foundation.secondary && networkTier(foundation, foundation.secondary);
  const data = dataTier(foundation, network, secondaryNetwork);
  const platform = platformTier(foundation, network);
  const hosts = hostsTier(foundation, network, data, platform, secondaryNetwork);
  const gateway = gatewayTier(foundation, network, hosts, secondaryNetwork);
  const edge = edgeTier(foundation, gateway, hosts);
  alertsTier(foundation, data, hosts, gateway, edge);

  return {
    resourceGroupName: foundation.group.name,
    vnetId: network.network.vnetId,
    // Only the tiers the stack has: Pulumi shows no undefined output.
    ...(edge ? { frontDoorUrl: edge.edge.url } : {}),
    ...(gateway ? { gatewayUrl: gateway.gateway.gatewayUrl } : {}),
    appHostNames: Object.fromEntries([
      ...Object.entries(hosts.compute.apps).map(([key, app]) => [key, app.defaultHostName]),
      ...Object.entries(hosts.containers?.apps ?? {}).map(([key, app]) => [key, app.fqdn]),
    ]),
    siteHostNames: Object.fromEntries(
      Object.entries(hosts.staticSites).map(([key, site]) => [key, site.defaultHostname]),
    ),
    data: {
      ...(data.data.cosmos
        ? { cosmosAccountId: data.data.cosmos.accountId, cosmosEndpoint: data.data.cosmos.documentEndpoint }
        : {}),
      storageAccountId: data.data.storage.accountId,
      blobEndpoint: data.data.storage.blobEndpoint,
      ...(data.data.serviceBus
        ? {
            serviceBusNamespaceId: data.data.serviceBus.namespaceId,
            serviceBusFqdn: data.data.serviceBus.fullyQualifiedNamespace,
          }
        : {}),
      keyVaultId: data.data.keyVault.vaultId,
      keyVaultUri: data.data.keyVault.vaultUri,
      // The failover group's listener and the geo-primary cache name when DR is on: they follow a failover.
      sqlServerFqdn: sqlEndpoint(data),
      redisHostName: redisEndpoint(data),
    },
    ...drOutput(config),
    ...(Object.keys(platform).length ? { platform: platformOutputs(platform) } : {}),
    ...(hosts.databaseUsers.length ? { databaseUsers: hosts.databaseUsers } : {}),
  };
}

function drOutput(config: EstateConfig): Pick<EstateOutputs, "dr"> {
  const secondary = drSecondary(config);
  if (!secondary) return {};
  const { rpoMinutes, rtoMinutes, failover } = config.dr;
  return {
    dr: { primary: config.location, secondary, pair: REGION_PAIRS[config.location], rpoMinutes, rtoMinutes, failover },
  };
}
