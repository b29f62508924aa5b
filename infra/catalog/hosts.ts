import type { CatalogEntry } from "./types.js";

/** Static sites, container registries and Container Apps (infra/static, infra/containers). */
export const hostTypes: Record<string, CatalogEntry> = {
  "azure-native:web:StaticSite": {
    arm: "Microsoft.Web/staticSites",
    apiVersion: "2025-05-01",
    names: ["name"],
    taggable: true,
    // Azure picks the host name and its partition (the digit before azurestaticapps.net); the
    // private DNS zone of a private endpoint follows that partition.
    outputs: ({ name, guid, inputs }) => ({
      defaultHostname: `${name}-${guid("host").replace(/-/g, "").slice(0, 9)}.3.azurestaticapps.net`,
      contentDistributionEndpoint: `https://content-${guid("content").slice(0, 8)}.infrastructure.3.azurestaticapps.net`,
      ...(inputs.identity?.type === "SystemAssigned"
        ? { identity: { ...inputs.identity, principalId: guid("principal"), tenantId: guid("tenant") } }
        : {}),
    }),
  },
  "azure-native:web:StaticSiteCustomDomain": {
    arm: "Microsoft.Web/staticSites/customDomains",
    apiVersion: "2025-05-01",
    names: ["name", "domainName"],
    taggable: false,
    outputs: ({ guid }) => ({ status: "Validating", validationToken: guid("validation").replace(/-/g, "") }),
  },
  "azure-native:web:StaticSiteLinkedBackend": {
    arm: "Microsoft.Web/staticSites/linkedBackends",
    apiVersion: "2025-05-01",
    names: ["name", "linkedBackendName"],
    taggable: false,
    outputs: () => ({ provisioningState: "Succeeded" }),
  },
  "azure-native:containerregistry:Registry": {
    arm: "Microsoft.ContainerRegistry/registries",
    apiVersion: "2023-01-01-preview",
    names: ["registryName"],
    taggable: true,
    outputs: ({ name }) => ({ loginServer: `${name}.azurecr.io`, provisioningState: "Succeeded" }),
  },
  "azure-native:app:ManagedEnvironment": {
    arm: "Microsoft.App/managedEnvironments",
    apiVersion: "2025-02-02-preview",
    names: ["environmentName"],
    taggable: true,
    // An internal environment answers on a private address of its subnet, under its own domain.
    outputs: ({ guid, inputs }) => ({
      defaultDomain: `${guid("domain").replace(/-/g, "").slice(0, 12)}.${String(inputs.location ?? "westeurope").toLowerCase()}.azurecontainerapps.io`,
      staticIp: "10.0.8.100",
      provisioningState: "Succeeded",
    }),
  },
  "azure-native:app:ContainerApp": {
    arm: "Microsoft.App/containerApps",
    apiVersion: "2025-02-02-preview",
    names: ["containerAppName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      latestRevisionName: `${name}--${guid("revision").slice(0, 7)}`,
      latestRevisionFqdn: `${name}--${guid("revision").slice(0, 7)}.internal.azurecontainerapps.io`,
      configuration: {
        ...inputs.configuration,
        ingress: inputs.configuration?.ingress && {
          ...inputs.configuration.ingress,
          fqdn: `${name}.internal.${guid("domain").replace(/-/g, "").slice(0, 12)}.azurecontainerapps.io`,
        },
      },
      identity: {
        ...inputs.identity,
        ...(/SystemAssigned/.test(String(inputs.identity?.type))
          ? { principalId: guid("principal"), tenantId: guid("tenant") }
          : {}),
      },
    }),
  },
  "azure-native:privatedns:PrivateRecordSet": {
    arm: "Microsoft.Network/privateDnsZones/A",
    apiVersion: "2024-06-01",
    names: ["privateZoneName", "relativeRecordSetName"],
    taggable: false,
  },
};
