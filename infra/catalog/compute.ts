import type { CatalogEntry } from "./types.js";

export const computeTypes: Record<string, CatalogEntry> = {
  "azure-native:web:AppServicePlan": {
    arm: "Microsoft.Web/serverfarms",
    apiVersion: "2025-05-01",
    names: ["name"],
    taggable: true,
  },
  "azure-native:web:WebApp": {
    arm: "Microsoft.Web/sites",
    apiVersion: "2025-05-01",
    names: ["name"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      defaultHostName: `${name}.azurewebsites.net`,
      identity: { ...inputs.identity, principalId: guid("principal"), tenantId: guid("tenant") },
      outboundIpAddresses: "20.50.1.10,20.50.1.11",
    }),
  },
  // A deployment slot: a site of its own under the app (its identity is its own too).
  "azure-native:web:WebAppSlot": {
    arm: "Microsoft.Web/sites/slots",
    apiVersion: "2025-05-01",
    names: ["name", "slot"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      defaultHostName: `${inputs.name}-${name}.azurewebsites.net`,
      identity: { ...(inputs.identity as object), principalId: guid("principal"), tenantId: guid("tenant") },
    }),
  },
  // The app's authsettingsV2 config: one per site, always named so.
  "azure-native:web:WebAppAuthSettingsV2": {
    arm: "Microsoft.Web/sites/config",
    apiVersion: "2021-02-01",
    names: ["name", "=authsettingsV2"],
    taggable: false,
  },
  "azure-native:monitor:AutoscaleSetting": {
    arm: "Microsoft.Insights/autoscalesettings",
    apiVersion: "2021-05-01-preview",
    names: ["autoscaleSettingName"],
    taggable: true,
  },
  // Not an ARM resource: the deployer's machine uploads a service's zip (infra/compute/deploy.ts).
  "command:local:Command": {
    arm: "",
    apiVersion: "",
    names: [],
    taggable: false,
  },
};
