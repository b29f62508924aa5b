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
};
