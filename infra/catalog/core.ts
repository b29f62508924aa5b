import type { CatalogEntry } from "./types.js";

export const coreTypes: Record<string, CatalogEntry> = {
  // Shared by every component that gives a workload its own identity (registry pulls, AKS, MySQL's Entra admin).
  // https://learn.microsoft.com/azure/templates/microsoft.managedidentity/userassignedidentities (2023-01-31)
  "azure-native:managedidentity:UserAssignedIdentity": {
    arm: "Microsoft.ManagedIdentity/userAssignedIdentities",
    apiVersion: "2023-01-31",
    names: ["resourceName"],
    taggable: true,
    outputs: ({ guid }) => ({ principalId: guid("principal"), clientId: guid("client"), tenantId: guid("tenant") }),
  },
  "azure-native:resources:ResourceGroup": {
    arm: "Microsoft.Resources/resourceGroups",
    apiVersion: "2024-03-01",
    names: ["resourceGroupName"],
    taggable: true,
  },
  "azure-native:authorization:RoleAssignment": {
    arm: "Microsoft.Authorization/roleAssignments",
    apiVersion: "2022-04-01",
    names: ["roleAssignmentName"],
    scopeInput: "scope",
    taggable: false,
  },
  "azure-native:authorization:ManagementLockByScope": {
    arm: "Microsoft.Authorization/locks",
    apiVersion: "2020-05-01",
    names: ["lockName"],
    scopeInput: "scope",
    taggable: false,
  },
  "azure-native:monitor:DiagnosticSetting": {
    arm: "Microsoft.Insights/diagnosticSettings",
    apiVersion: "2021-05-01-preview",
    names: ["name"],
    scopeInput: "resourceUri",
    taggable: false,
  },
  "random:index/randomPassword:RandomPassword": {
    arm: "",
    apiVersion: "",
    names: [],
    taggable: false,
    outputs: ({ guid }) => ({ result: guid("password") }),
  },
};
