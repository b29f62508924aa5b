import type { CatalogEntry } from "./types.js";

export const secretsTypes: Record<string, CatalogEntry> = {
  "azure-native:keyvault:Vault": {
    arm: "Microsoft.KeyVault/vaults",
    apiVersion: "2024-11-01",
    names: ["vaultName"],
    taggable: true,
    // Azure returns the vault's properties with the data-plane URI added.
    outputs: ({ name, inputs }) => ({ properties: { ...inputs.properties, vaultUri: `https://${name}.vault.azure.net/` } }),
  },
  "azure-native:keyvault:Secret": {
    arm: "Microsoft.KeyVault/vaults/secrets",
    apiVersion: "2024-11-01",
    names: ["vaultName", "secretName"],
    taggable: true,
    outputs: ({ guid, inputs }) => {
      const uri = `https://${inputs.vaultName}.vault.azure.net/secrets/${inputs.secretName}`;
      return {
        properties: { ...inputs.properties, secretUri: uri, secretUriWithVersion: `${uri}/${guid("version").replace(/-/g, "")}` },
      };
    },
  },
};
