import type { CatalogEntry } from "./types.js";

export const networkTypes: Record<string, CatalogEntry> = {
  "azure-native:network:VirtualNetwork": {
    arm: "Microsoft.Network/virtualNetworks",
    apiVersion: "2024-05-01",
    names: ["virtualNetworkName"],
    taggable: true,
    outputs: ({ guid }) => ({ resourceGuid: guid("vnet") }),
  },
  "azure-native:network:Subnet": {
    arm: "Microsoft.Network/virtualNetworks/subnets",
    apiVersion: "2024-05-01",
    names: ["virtualNetworkName", "subnetName"],
    taggable: false,
  },
  "azure-native:network:NetworkSecurityGroup": {
    arm: "Microsoft.Network/networkSecurityGroups",
    apiVersion: "2024-05-01",
    names: ["networkSecurityGroupName"],
    taggable: true,
  },
  "azure-native:network:SecurityRule": {
    arm: "Microsoft.Network/networkSecurityGroups/securityRules",
    apiVersion: "2024-05-01",
    names: ["networkSecurityGroupName", "securityRuleName"],
    taggable: false,
    undeclared:
      "the estate writes its rules inline in each NSG (infra/network/nsg-rules.ts); EST-NET-* judge a standalone rule too",
  },
  "azure-native:network:PublicIPAddress": {
    arm: "Microsoft.Network/publicIPAddresses",
    apiVersion: "2024-05-01",
    names: ["publicIpAddressName"],
    taggable: true,
    undeclared:
      "the estate declares no public IP address; EST-STK-005 reports one as an internet entry besides Front Door",
  },
  "azure-native:network:PrivateEndpoint": {
    arm: "Microsoft.Network/privateEndpoints",
    apiVersion: "2024-05-01",
    names: ["privateEndpointName"],
    taggable: true,
    outputs: ({ id, inputs }) => ({
      networkInterfaces: [
        {
          id: `${id.split("/providers/")[0]}/providers/Microsoft.Network/networkInterfaces/${inputs.customNetworkInterfaceName}`,
        },
      ],
    }),
  },
  "azure-native:network:PrivateDnsZoneGroup": {
    arm: "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    apiVersion: "2024-05-01",
    names: ["privateEndpointName", "privateDnsZoneGroupName"],
    taggable: false,
  },
  "azure-native:privatedns:PrivateZone": {
    arm: "Microsoft.Network/privateDnsZones",
    apiVersion: "2024-06-01",
    names: ["privateZoneName"],
    taggable: true,
    outputs: () => ({ numberOfRecordSets: 1, maxNumberOfRecordSets: 25000 }),
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    arm: "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    apiVersion: "2024-06-01",
    names: ["privateZoneName", "virtualNetworkLinkName"],
    taggable: true,
    outputs: () => ({ virtualNetworkLinkState: "Completed" }),
  },
};
