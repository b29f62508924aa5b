import { systemIdentity } from "./data.js";
import type { CatalogEntry } from "./types.js";

/** AI Search, Azure OpenAI, SignalR / Web PubSub and App Configuration (infra/platform). */
export const platformTypes: Record<string, CatalogEntry> = {
  "azure-native:search:Service": {
    arm: "Microsoft.Search/searchServices",
    apiVersion: "2025-05-01",
    names: ["searchServiceName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      status: "running",
      provisioningState: "succeeded",
      endpoint: `https://${name}.search.windows.net`,
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:cognitiveservices:Account": {
    arm: "Microsoft.CognitiveServices/accounts",
    apiVersion: "2025-06-01",
    names: ["accountName"],
    taggable: true,
    // Azure answers on the custom subdomain; an OpenAI account's endpoint is under openai.azure.com.
    outputs: ({ guid, inputs }) => ({
      properties: {
        ...inputs.properties,
        endpoint: `https://${inputs.properties?.customSubDomainName}.openai.azure.com/`,
        provisioningState: "Succeeded",
      },
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:cognitiveservices:Deployment": {
    arm: "Microsoft.CognitiveServices/accounts/deployments",
    apiVersion: "2025-06-01",
    names: ["accountName", "deploymentName"],
    taggable: false,
  },
  "azure-native:cognitiveservices:RaiPolicy": {
    arm: "Microsoft.CognitiveServices/accounts/raiPolicies",
    apiVersion: "2025-06-01",
    names: ["accountName", "raiPolicyName"],
    taggable: false,
  },
  "azure-native:signalrservice:SignalR": {
    arm: "Microsoft.SignalRService/signalR",
    apiVersion: "2024-03-01",
    names: ["resourceName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({ hostName: `${name}.service.signalr.net`, ...systemIdentity(guid, inputs) }),
  },
  "azure-native:webpubsub:WebPubSub": {
    arm: "Microsoft.SignalRService/webPubSub",
    apiVersion: "2024-03-01",
    names: ["resourceName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({ hostName: `${name}.webpubsub.azure.com`, ...systemIdentity(guid, inputs) }),
  },
  "azure-native:appconfiguration:ConfigurationStore": {
    arm: "Microsoft.AppConfiguration/configurationStores",
    apiVersion: "2024-05-01",
    names: ["configStoreName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      endpoint: `https://${name}.azconfig.io`,
      provisioningState: "Succeeded",
      ...systemIdentity(guid, inputs),
    }),
  },
};
