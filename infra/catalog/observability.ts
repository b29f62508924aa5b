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
  "azure-native:monitor:ActionGroup": {
    arm: "Microsoft.Insights/actionGroups",
    apiVersion: "2024-10-01-preview",
    names: ["actionGroupName"],
    taggable: true,
  },
  "azure-native:monitor:MetricAlert": {
    arm: "Microsoft.Insights/metricAlerts",
    apiVersion: "2018-03-01",
    names: ["ruleName"],
    taggable: true,
  },
  "azure-native:monitor:ScheduledQueryRule": {
    arm: "Microsoft.Insights/scheduledQueryRules",
    apiVersion: "2025-01-01-preview",
    names: ["ruleName"],
    taggable: true,
  },
  "azure-native:applicationinsights:WebTest": {
    arm: "Microsoft.Insights/webtests",
    apiVersion: "2022-06-15",
    names: ["webTestName"],
    taggable: true,
  },
  "azure-native:consumption:Budget": {
    arm: "Microsoft.Consumption/budgets",
    apiVersion: "2024-08-01",
    names: ["budgetName"],
    scopeInput: "scope",
    taggable: false,
  },
};
