import type { CatalogEntry } from "./types.js";

export const observabilityTypes: Record<string, CatalogEntry> = {
  "azure-native:operationalinsights:Workspace": {
    arm: "Microsoft.OperationalInsights/workspaces",
    apiVersion: "2023-09-01",
    names: ["workspaceName"],
    taggable: true,
    outputs: ({ guid }) => ({ customerId: guid("customer") }),
  },
  "azure-native:applicationinsights:Component": {
    arm: "Microsoft.Insights/components",
    apiVersion: "2020-02-02",
    names: ["resourceName"],
    taggable: true,
    outputs: ({ guid, inputs }) => {
      const key = guid("instrumentation");
      return {
        appId: guid("app"),
        instrumentationKey: key,
        connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${inputs.location}-0.in.applicationinsights.azure.com/`,
      };
    },
  },
};
