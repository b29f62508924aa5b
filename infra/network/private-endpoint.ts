import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { privateLinkOf, type AnyPrivateLinkService } from "./dns.js";

/**
 * The private endpoint of one data service: in the private-endpoint subnet, connected to the
 * service's sub-resource, with a DNS zone group that writes its A record into the service's
 * private DNS zone. Every data component calls this; none builds its own endpoint.
 */
export function privateEndpoint(
  owner: pulumi.Resource,
  ownerName: string,
  base: Pick<BaseArgs, "resourceGroupName" | "location" | "namer" | "tags">,
  service: AnyPrivateLinkService,
  targetId: pulumi.Input<string>,
  endpoint: PrivateEndpointArgs,
): network.PrivateEndpoint {
  const { groupId, zone } = privateLinkOf(service);
  const endpointName = base.namer.name("privateEndpoint", ownerName);
  const pe = new network.PrivateEndpoint(
    `${ownerName}-pe`,
    {
      privateEndpointName: endpointName,
      resourceGroupName: base.resourceGroupName,
      location: base.location,
      tags: base.tags,
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
      privateDnsZoneConfigs: [{ name: zone.replace(/\./g, "-"), privateDnsZoneId: endpoint.privateDnsZoneId }],
    },
    { parent: owner },
  );
  return pe;
}
