import type { CatalogEntry } from "./types.js";

const child = (arm: string, names: string[]): CatalogEntry => ({
  arm: `Microsoft.ApiManagement/service/${arm}`,
  apiVersion: "2024-05-01",
  names: ["serviceName", ...names],
  taggable: false,
});

const UNDECLARED_APIM =
  "the estate's APIs need no products or named values yet; EST-APIM-* judge them when a program declares them";

export const gatewayTypes: Record<string, CatalogEntry> = {
  "azure-native:apimanagement:ApiManagementService": {
    arm: "Microsoft.ApiManagement/service",
    apiVersion: "2024-05-01",
    names: ["serviceName"],
    taggable: true,
    // Each region's own gateway: https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region
    outputs: ({ name, guid, inputs }) => ({
      gatewayUrl: `https://${name}.azure-api.net`,
      gatewayRegionalUrl: `https://${name}-${String(inputs.location)}-01.regional.azure-api.net`,
      ...(Array.isArray(inputs.additionalLocations)
        ? {
            additionalLocations: (inputs.additionalLocations as Array<Record<string, unknown>>).map((extra) => ({
              ...extra,
              gatewayRegionalUrl: `https://${name}-${String(extra.location)}-01.regional.azure-api.net`,
            })),
          }
        : {}),
      developerPortalUrl: `https://${name}.developer.azure-api.net`,
      managementApiUrl: `https://${name}.management.azure-api.net`,
      publicIPAddresses: ["20.50.0.10"],
      identity: { ...inputs.identity, principalId: guid("principal"), tenantId: guid("tenant") },
    }),
  },
  "azure-native:apimanagement:Api": child("apis", ["apiId"]),
  "azure-native:apimanagement:ApiOperation": child("apis/operations", ["apiId", "operationId"]),
  "azure-native:apimanagement:ApiPolicy": child("apis/policies", ["apiId", "policyId"]),
  "azure-native:apimanagement:ApiOperationPolicy": child("apis/operations/policies", [
    "apiId",
    "operationId",
    "policyId",
  ]),
  "azure-native:apimanagement:Policy": child("policies", ["policyId"]),
  "azure-native:apimanagement:Logger": child("loggers", ["loggerId"]),
  "azure-native:apimanagement:Diagnostic": child("diagnostics", ["diagnosticId"]),
  "azure-native:apimanagement:Backend": child("backends", ["backendId"]),
  // A named value's `tags` are API Management tags (a list of names), not ARM tags.
  "azure-native:apimanagement:Product": { ...child("products", ["productId"]), undeclared: UNDECLARED_APIM },
  "azure-native:apimanagement:ProductPolicy": {
    ...child("products/policies", ["productId", "policyId"]),
    undeclared: UNDECLARED_APIM,
  },
  "azure-native:apimanagement:NamedValue": { ...child("namedValues", ["namedValueId"]), undeclared: UNDECLARED_APIM },
};
