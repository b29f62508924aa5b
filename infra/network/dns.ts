import * as pulumi from "@pulumi/pulumi";
import * as privatedns from "@pulumi/azure-native/privatedns";
import type { BaseArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";

/**
 * Each private-link service the estate uses: the private DNS zone that answers for its endpoints
 * and the sub-resource (group id) its private endpoint connects to.
 * Source: Azure "private endpoint DNS zone values".
 */
export const PRIVATE_LINK = {
  cosmos: { zone: "privatelink.documents.azure.com", groupId: "Sql" },
  sql: { zone: "privatelink.database.windows.net", groupId: "sqlServer" },
  redis: { zone: "privatelink.redis.cache.windows.net", groupId: "redisCache" },
  blob: { zone: "privatelink.blob.core.windows.net", groupId: "blob" },
  serviceBus: { zone: "privatelink.servicebus.windows.net", groupId: "namespace" },
  keyVault: { zone: "privatelink.vaultcore.azure.net", groupId: "vault" },
  postgresql: { zone: "privatelink.postgres.database.azure.com", groupId: "postgresqlServer" },
  mysql: { zone: "privatelink.mysql.database.azure.com", groupId: "mysqlServer" },
  // Premium registries only; the zone also answers for the regional data endpoints.
  containerRegistry: { zone: "privatelink.azurecr.io", groupId: "registry" },
  // The platform services (infra/platform).
  search: { zone: "privatelink.search.windows.net", groupId: "searchService" },
  openAi: { zone: "privatelink.openai.azure.com", groupId: "account" },
  signalR: { zone: "privatelink.service.signalr.net", groupId: "signalr" },
  webPubSub: { zone: "privatelink.webpubsub.azure.com", groupId: "webpubsub" },
  appConfiguration: { zone: "privatelink.azconfig.io", groupId: "configurationStores" },
} as const;

export type PrivateLinkService = keyof typeof PRIVATE_LINK;
export const PRIVATE_LINK_SERVICES = Object.keys(PRIVATE_LINK) as PrivateLinkService[];
/**
 * The zones every estate gets: its data services'. The others (the optional databases', a
 * registry's, the platform services') come only with the component that needs them, so an estate
 * declares no empty zone.
 */
export const DEFAULT_PRIVATE_LINK_SERVICES: PrivateLinkService[] = [
  "cosmos",
  "sql",
  "redis",
  "blob",
  "serviceBus",
  "keyVault",
];

export interface PrivateDnsZonesArgs extends Omit<BaseArgs, "location" | "diagnostics"> {
  /** The VNet every zone is linked to, so resources inside it resolve the private addresses. */
  vnetId: pulumi.Input<string>;
  /** Which services get a zone; DEFAULT_PRIVATE_LINK_SERVICES unless given. */
  services?: PrivateLinkService[];
}

/**
 * One private DNS zone per private-link service, each linked to the estate's VNet. Registration
 * stays off: the zones hold only the A records the private endpoints' zone groups write.
 * Private DNS zones have no diagnostic settings in Azure, so none are sent.
 */
export class PrivateDnsZones extends pulumi.ComponentResource {
  readonly zoneIds: Partial<Record<PrivateLinkService, pulumi.Output<string>>>;

  constructor(name: string, args: PrivateDnsZonesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:network:PrivateDnsZones", name, {}, opts);
    const { resourceGroupName, namer } = args;
    this.zoneIds = {};
    for (const service of args.services ?? DEFAULT_PRIVATE_LINK_SERVICES) {
      const zone = new privatedns.PrivateZone(
        `${name}-${service}`,
        { privateZoneName: PRIVATE_LINK[service].zone, resourceGroupName, location: "global" },
        { parent: this },
      );
      new privatedns.VirtualNetworkLink(
        `${name}-${service}-link`,
        {
          virtualNetworkLinkName: namer.name("privateDnsZoneLink", service),
          privateZoneName: zone.name,
          resourceGroupName,
          location: "global",
          virtualNetwork: { id: args.vnetId },
          registrationEnabled: false,
        },
        { parent: this },
      );
      lockResource(this, `${name}-${service}`, zone.id, args.lock);
      this.zoneIds[service] = zone.id;
    }
    this.registerOutputs({ zoneIds: this.zoneIds });
  }
}
