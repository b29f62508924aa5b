import type { CatalogEntry } from "./types.js";

/**
 * Azure Database for PostgreSQL and MySQL flexible servers, their children, and the user-assigned
 * identity MySQL's Entra authentication needs. API versions are the azure-native v3 defaults.
 */
export const flexibleServerTypes: Record<string, CatalogEntry> = {
  "azure-native:dbforpostgresql:Server": {
    arm: "Microsoft.DBforPostgreSQL/flexibleServers",
    apiVersion: "2025-08-01",
    names: ["serverName"],
    taggable: true,
    outputs: ({ name }) => ({ fullyQualifiedDomainName: `${name}.postgres.database.azure.com`, state: "Ready" }),
  },
  "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra": {
    arm: "Microsoft.DBforPostgreSQL/flexibleServers/administrators",
    apiVersion: "2025-08-01",
    names: ["serverName", "objectId"],
    taggable: false,
  },
  "azure-native:dbforpostgresql:Configuration": {
    arm: "Microsoft.DBforPostgreSQL/flexibleServers/configurations",
    apiVersion: "2025-08-01",
    names: ["serverName", "configurationName"],
    taggable: false,
  },
  "azure-native:dbforpostgresql:Database": {
    arm: "Microsoft.DBforPostgreSQL/flexibleServers/databases",
    apiVersion: "2025-08-01",
    names: ["serverName", "databaseName"],
    taggable: false,
  },
  "azure-native:dbformysql:Server": {
    arm: "Microsoft.DBforMySQL/flexibleServers",
    apiVersion: "2024-02-01-preview",
    names: ["serverName"],
    taggable: true,
    outputs: ({ name }) => ({ fullyQualifiedDomainName: `${name}.mysql.database.azure.com`, state: "Ready" }),
  },
  "azure-native:dbformysql:AzureADAdministrator": {
    arm: "Microsoft.DBforMySQL/flexibleServers/administrators",
    apiVersion: "2023-12-30",
    names: ["serverName", "administratorName"],
    taggable: false,
  },
  "azure-native:dbformysql:Configuration": {
    arm: "Microsoft.DBforMySQL/flexibleServers/configurations",
    apiVersion: "2023-12-30",
    names: ["serverName", "configurationName"],
    taggable: false,
  },
  "azure-native:dbformysql:Database": {
    arm: "Microsoft.DBforMySQL/flexibleServers/databases",
    apiVersion: "2023-12-30",
    names: ["serverName", "databaseName"],
    taggable: false,
  },
};
