import * as pulumi from "@pulumi/pulumi";
import * as resources from "@pulumi/azure-native/resources";
import { DataTier } from "../infra/data/index.js";
import { Namer } from "../infra/naming/index.js";
import { PrivateDnsZones } from "../infra/network/dns.js";
import { Network, planSubnets } from "../infra/network/index.js";
import { Monitoring } from "../infra/observability/monitoring.js";
import { enforceRequiredTags, requiredTags } from "../infra/tags/index.js";
import type { DataConfig } from "./config/data.js";
import type { EstateConfig } from "./config/schema.js";

/** What the estate exports as stack outputs (and what the CLI prints after a plan or an `up`). */
export interface EstateOutputs {
  resourceGroupName: pulumi.Output<string>;
  vnetId: pulumi.Output<string>;
  /** The data tier's ids and endpoints: what hosted apps and their settings need. */
  data: {
    cosmosAccountId: pulumi.Output<string>;
    cosmosEndpoint: pulumi.Output<string>;
    storageAccountId: pulumi.Output<string>;
    blobEndpoint: pulumi.Output<string>;
    serviceBusNamespaceId: pulumi.Output<string>;
    serviceBusFqdn: pulumi.Output<string>;
    keyVaultId: pulumi.Output<string>;
    keyVaultUri: pulumi.Output<string>;
    /** Absent when the stack has no SQL server / no Redis cache. */
    sqlServerFqdn?: pulumi.Output<string>;
    redisHostName?: pulumi.Output<string>;
  };
}

/**
 * The whole estate for one stack, composed from the components in infra/. Decides what to build
 * from the resolved config; knows no resource details.
 */
export function composeEstate(config: EstateConfig): EstateOutputs {
  const namer = new Namer({ workload: config.workload, environment: config.environment, location: config.location });
  const tags = requiredTags({
    environment: config.environment,
    owner: config.owner,
    costCentre: config.costCentre,
    expiresAt: config.expiresAt,
    extra: config.tags,
  });
  enforceRequiredTags(tags);

  const group = new resources.ResourceGroup("rg", {
    resourceGroupName: namer.name("resourceGroup"),
    location: config.location,
  });
  const base = { resourceGroupName: group.name, location: group.location, namer };

  // Monitoring comes first: every other component sends its diagnostics to its workspace.
  const monitoring = new Monitoring("monitoring", { ...base, retentionDays: config.observability.retentionDays });
  const diagnostics = { workspaceId: monitoring.workspaceId };

  const network = new Network("network", {
    ...base,
    diagnostics,
    addressSpace: config.network.addressSpace,
    subnets: planSubnets(config.network.addressSpace, config.network.subnets),
  });

  // ── Data tier ─────────────────────────────────────────────────────────────────────────────
  // One private DNS zone per private-link service, linked to the VNet; then every data service
  // behind a private endpoint in the private-endpoint subnet.
  const dns = new PrivateDnsZones("dns", { ...base, vnetId: network.vnetId });
  const data = new DataTier("data", {
    ...base,
    diagnostics,
    privateEndpointSubnetId: network.subnetIds.privateEndpoints,
    privateDnsZoneIds: dns.zoneIds,
    ...dataSettings(config.data),
  });

  return {
    resourceGroupName: group.name,
    vnetId: network.vnetId,
    data: {
      cosmosAccountId: data.cosmos.accountId,
      cosmosEndpoint: data.cosmos.documentEndpoint,
      storageAccountId: data.storage.accountId,
      blobEndpoint: data.storage.blobEndpoint,
      serviceBusNamespaceId: data.serviceBus.namespaceId,
      serviceBusFqdn: data.serviceBus.fullyQualifiedNamespace,
      keyVaultId: data.keyVault.vaultId,
      keyVaultUri: data.keyVault.vaultUri,
      sqlServerFqdn: data.sql?.fullyQualifiedDomainName,
      redisHostName: data.redis?.hostName,
    },
  };
}

/** The data config as the data tier takes it: optional services present only when enabled. */
function dataSettings({ lock, sql, redis, ...rest }: DataConfig) {
  const { enabled: sqlEnabled, admin, ...sqlSettings } = sql;
  const { enabled: redisEnabled, ...redisSettings } = redis;
  return {
    ...rest,
    lock: lock === "none" ? undefined : lock,
    // The config check refuses an enabled server without its admin group.
    sql: sqlEnabled && admin ? { ...sqlSettings, admin } : undefined,
    redis: redisEnabled ? redisSettings : undefined,
  };
}
