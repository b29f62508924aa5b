import type { CatalogEntry } from "./types.js";

/** The managed identity Azure gives a resource with `identity: SystemAssigned`. */
export const systemIdentity = (guid: (purpose: string) => string, inputs: Record<string, any>) =>
  inputs.identity?.type === "SystemAssigned"
    ? { identity: { ...inputs.identity, principalId: guid("principal"), tenantId: guid("tenant") } }
    : {};

export const dataTypes: Record<string, CatalogEntry> = {
  "azure-native:cosmosdb:DatabaseAccount": {
    arm: "Microsoft.DocumentDB/databaseAccounts",
    apiVersion: "2025-10-15",
    names: ["accountName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      documentEndpoint: `https://${name}.documents.azure.com:443/`,
      instanceId: guid("instance"),
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:cosmosdb:SqlResourceSqlDatabase": {
    arm: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
    apiVersion: "2025-10-15",
    names: ["accountName", "databaseName"],
    taggable: true,
  },
  "azure-native:cosmosdb:SqlResourceSqlContainer": {
    arm: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
    apiVersion: "2025-10-15",
    names: ["accountName", "databaseName", "containerName"],
    taggable: true,
  },
  "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": {
    arm: "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
    apiVersion: "2025-10-15",
    names: ["accountName", "roleAssignmentId"],
    taggable: false,
  },
  "azure-native:sql:Server": {
    arm: "Microsoft.Sql/servers",
    apiVersion: "2023-08-01",
    names: ["serverName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      fullyQualifiedDomainName: `${name}.database.windows.net`,
      state: "Ready",
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:sql:Database": {
    arm: "Microsoft.Sql/servers/databases",
    apiVersion: "2023-08-01",
    names: ["serverName", "databaseName"],
    taggable: true,
    outputs: ({ guid }) => ({ databaseId: guid("database"), status: "Online" }),
  },
  "azure-native:sql:FailoverGroup": {
    arm: "Microsoft.Sql/servers/failoverGroups",
    apiVersion: "2023-08-01",
    names: ["serverName", "failoverGroupName"],
    taggable: true,
    outputs: ({ inputs }) => ({
      replicationRole: "Primary",
      replicationState: "CATCH_UP",
      partnerServers: inputs.partnerServers,
    }),
  },
  "azure-native:sql:FirewallRule": {
    arm: "Microsoft.Sql/servers/firewallRules",
    apiVersion: "2023-08-01",
    names: ["serverName", "firewallRuleName"],
    taggable: false,
    undeclared:
      "the estate's SQL servers have no firewall rules (private endpoint only); EST-SQL-011 faults one that opens the server",
  },
  "azure-native:sql:ServerAzureADAdministrator": {
    arm: "Microsoft.Sql/servers/administrators",
    apiVersion: "2023-08-01",
    names: ["serverName", "administratorName"],
    taggable: false,
    undeclared:
      "the estate sets the Entra administrator inline on the server; EST-SQL-003 judges this child as the same setting",
  },
  "azure-native:sql:ServerAzureADOnlyAuthentication": {
    arm: "Microsoft.Sql/servers/azureADOnlyAuthentications",
    apiVersion: "2023-08-01",
    names: ["serverName", "authenticationName"],
    taggable: false,
    undeclared:
      "the estate sets Entra-only authentication inline on the server; EST-SQL-003 judges this child as the same setting",
  },
  "azure-native:sql:ServerBlobAuditingPolicy": {
    arm: "Microsoft.Sql/servers/auditingSettings",
    apiVersion: "2023-08-01",
    names: ["serverName", "blobAuditingPolicyName"],
    taggable: false,
  },
  "azure-native:sql:ServerSecurityAlertPolicy": {
    arm: "Microsoft.Sql/servers/securityAlertPolicies",
    apiVersion: "2023-08-01",
    names: ["serverName", "securityAlertPolicyName"],
    taggable: false,
  },
  "azure-native:sql:TransparentDataEncryption": {
    arm: "Microsoft.Sql/servers/databases/transparentDataEncryption",
    apiVersion: "2023-08-01",
    names: ["serverName", "databaseName", "tdeName"],
    taggable: false,
  },
  "azure-native:sql:BackupShortTermRetentionPolicy": {
    arm: "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies",
    apiVersion: "2023-08-01",
    names: ["serverName", "databaseName", "policyName"],
    taggable: false,
  },
  "azure-native:sql:LongTermRetentionPolicy": {
    arm: "Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies",
    apiVersion: "2023-08-01",
    names: ["serverName", "databaseName", "policyName"],
    taggable: false,
  },
  "azure-native:redis:Redis": {
    arm: "Microsoft.Cache/redis",
    apiVersion: "2024-11-01",
    names: ["name"],
    taggable: true,
    outputs: ({ name }) => ({
      hostName: `${name}.redis.cache.windows.net`,
      port: 6379,
      sslPort: 6380,
      provisioningState: "Succeeded",
    }),
  },
  "azure-native:redis:LinkedServer": {
    arm: "Microsoft.Cache/redis/linkedServers",
    apiVersion: "2024-11-01",
    names: ["name", "linkedServerName"],
    taggable: false,
    outputs: ({ inputs }) => ({
      geoReplicatedPrimaryHostName: `${inputs.name}.geo.redis.cache.windows.net`,
      primaryHostName: `${inputs.name}.redis.cache.windows.net`,
      provisioningState: "Succeeded",
    }),
  },
  "azure-native:redis:AccessPolicyAssignment": {
    arm: "Microsoft.Cache/redis/accessPolicyAssignments",
    apiVersion: "2024-11-01",
    names: ["cacheName", "accessPolicyAssignmentName"],
    taggable: false,
  },
  "azure-native:storage:StorageAccount": {
    arm: "Microsoft.Storage/storageAccounts",
    apiVersion: "2024-01-01",
    names: ["accountName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      primaryEndpoints: {
        blob: `https://${name}.blob.core.windows.net/`,
        dfs: `https://${name}.dfs.core.windows.net/`,
        file: `https://${name}.file.core.windows.net/`,
        queue: `https://${name}.queue.core.windows.net/`,
        table: `https://${name}.table.core.windows.net/`,
        web: `https://${name}.z6.web.core.windows.net/`,
      },
      primaryLocation: inputs.location,
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:storage:BlobServiceProperties": {
    arm: "Microsoft.Storage/storageAccounts/blobServices",
    apiVersion: "2024-01-01",
    names: ["accountName", "blobServicesName"],
    taggable: false,
  },
  "azure-native:storage:BlobContainer": {
    arm: "Microsoft.Storage/storageAccounts/blobServices/containers",
    apiVersion: "2024-01-01",
    names: ["accountName", "=default", "containerName"],
    taggable: false,
  },
  // Not ARM resources: azure-native sets the website and writes blobs on the data plane (infra/static/storage-website.ts).
  "azure-native:storage:StorageAccountStaticWebsite": {
    arm: "",
    apiVersion: "",
    names: [],
    taggable: false,
    outputs: () => ({ containerName: "$web" }),
  },
  "azure-native:storage:Blob": {
    arm: "",
    apiVersion: "",
    names: [],
    taggable: false,
    outputs: ({ inputs }) => ({
      name: inputs.blobName,
      url: `https://${inputs.accountName}.blob.core.windows.net/${inputs.containerName}/${inputs.blobName}`,
    }),
  },
  "azure-native:storage:ManagementPolicy": {
    arm: "Microsoft.Storage/storageAccounts/managementPolicies",
    apiVersion: "2024-01-01",
    names: ["accountName", "managementPolicyName"],
    taggable: false,
  },
  "azure-native:servicebus:Namespace": {
    arm: "Microsoft.ServiceBus/namespaces",
    apiVersion: "2026-01-01",
    names: ["namespaceName"],
    taggable: true,
    outputs: ({ name, guid, inputs }) => ({
      serviceBusEndpoint: `https://${name}.servicebus.windows.net:443/`,
      metricId: `${guid("metric")}:${name}`,
      status: "Active",
      ...systemIdentity(guid, inputs),
    }),
  },
  "azure-native:servicebus:Queue": {
    arm: "Microsoft.ServiceBus/namespaces/queues",
    apiVersion: "2026-01-01",
    names: ["namespaceName", "queueName"],
    taggable: false,
    outputs: () => ({ status: "Active", messageCount: 0 }),
  },
};
