import type { CatalogEntry } from "./types.js";

export const secretsTypes: Record<string, CatalogEntry> = {
  "azure-native:keyvault:Vault": {
    arm: "Microsoft.KeyVault/vaults",
    apiVersion: "2024-11-01",
    names: ["vaultName"],
    taggable: true,
    // Azure returns the vault's properties with the data-plane URI added.
    outputs: ({ name, inputs }) => ({
      properties: { ...inputs.properties, vaultUri: `https://${name}.vault.azure.net/` },
    }),
  },
  "azure-native:keyvault:Secret": {
    arm: "Microsoft.KeyVault/vaults/secrets",
    apiVersion: "2024-11-01",
    names: ["vaultName", "secretName"],
    taggable: true,
    outputs: ({ guid, inputs }) => {
      const uri = `https://${inputs.vaultName}.vault.azure.net/secrets/${inputs.secretName}`;
      return {
        properties: {
          ...inputs.properties,
          secretUri: uri,
          secretUriWithVersion: `${uri}/${guid("version").replace(/-/g, "")}`,
        },
      };
    },
  },
  // A Key Vault's events (expiry reminders, infra/secrets/reminders.ts).
  "azure-native:eventgrid:SystemTopic": {
    arm: "Microsoft.EventGrid/systemTopics",
    apiVersion: "2025-02-15",
    names: ["systemTopicName"],
    taggable: true,
  },
  "azure-native:eventgrid:SystemTopicEventSubscription": {
    arm: "Microsoft.EventGrid/systemTopics/eventSubscriptions",
    apiVersion: "2025-02-15",
    names: ["systemTopicName", "eventSubscriptionName"],
    taggable: false,
  },
};
