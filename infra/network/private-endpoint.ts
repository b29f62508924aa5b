import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { PRIVATE_LINK, type PrivateLinkService } from "./dns.js";

/** A private-link target the PRIVATE_LINK table cannot name: its zone is known only once it exists. */
export interface PrivateLinkTarget {
  groupId: string;
  zone: pulumi.Input<string>;
}

/**
 * The private endpoint of one data service: in the private-endpoint subnet, connected to the
 * service's sub-resource, with a DNS zone group that writes its A record into the service's
 * private DNS zone. Every data component calls this; none builds its own endpoint.
 */
export function privateEndpoint(
  owner: pulumi.Resource,
  ownerName: string,
  base: Pick<BaseArgs, "resourceGroupName" | "location" | "namer">,
  service: PrivateLinkService | PrivateLinkTarget,
  targetId: pulumi.Input<string>,
  endpoint: PrivateEndpointArgs,
): network.PrivateEndpoint {
  const { groupId, zone } = typeof service === "string" ? PRIVATE_LINK[service] : service;
  const endpointName = base.namer.name("privateEndpoint", ownerName);
  const pe = new network.PrivateEndpoint(
    `${ownerName}-pe`,
    {
      privateEndpointName: endpointName,
      resourceGroupName: base.resourceGroupName,
      location: endpoint.location ?? base.location,
      subnet: { id: endpoint.subnetId },
      customNetworkInterfaceName: `${endpointName}-nic`,
      privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: targetId, groupIds: [groupId] }],
    },
    { parent: owner },
  );
  new network.PrivateDnsZoneGroup(
    `${ownerName}-pe-dns`,
    {
      privateDnsZoneGroupName: "default",
      privateEndpointName: pe.name,
      resourceGroupName: base.resourceGroupName,
      privateDnsZoneConfigs: [
        { name: pulumi.output(zone).apply(configName), privateDnsZoneId: endpoint.privateDnsZoneId },
      ],
    },
    { parent: owner },
  );
  return pe;
}

/** The zone config's name: the zone's, dots turned to dashes. */
const configName = (zone: string) => zone.replace(/\./g, "-");
