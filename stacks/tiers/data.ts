import { FUNCTIONS_HOST_CONTAINERS } from "../../infra/compute/index.js";
import { DataTier } from "../../infra/data/index.js";
import type { CosmosThroughput } from "../../infra/data/cosmos.js";
import { DEFAULT_PRIVATE_LINK_SERVICES, type PrivateLinkService } from "../../infra/network/dns.js";
import type { DataConfig, ThroughputConfig } from "../config/data.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";

/** The blob container the services' packages are uploaded to. */
export const DEPLOYMENTS_CONTAINER = "deployments";

/** A Flex Consumption app's own deployment container: One deploy writes its package there with the app's identity. */
export const flexDeploymentContainer = (service: string) => `deploy-${service}`;

/** The services whose packages One deploy publishes: every Function app when the functions run on Flex Consumption. */
export function flexServices({ config, services }: Pick<Foundation, "config" | "services">): string[] {
  return config.compute.functions.plan === "FlexConsumption" ? services.filter((service) => service.kind === "function-app").map((service) => service.name) : [];
}

/** The data services, each behind a private endpoint in the private-endpoint subnet. */
export interface DataServicesTier {
  data: DataTier;
}

export function dataTier(foundation: Foundation, { network, dns }: NetworkTier): DataServicesTier {
  const { config, base, diagnostics, suppliedSecrets } = foundation;
  const settings = dataSettings(config.data, flexServices(foundation).map(flexDeploymentContainer));
  const data = new DataTier("data", {
    ...base,
    diagnostics,
    privateEndpointSubnetId: network.subnetIds.privateEndpoints,
    privateDnsZoneIds: dns.zoneIds,
    ...settings,
    keyVault: { ...settings.keyVault, suppliedSecrets },
  });
  return { data };
}

/** The private-link services whose DNS zones the stack needs: the optional servers' only when they are on. */
export function privateLinkServices(data: DataConfig): PrivateLinkService[] {
  return [...DEFAULT_PRIVATE_LINK_SERVICES, ...(["postgresql", "mysql"] as const).filter((server) => data[server].enabled)];
}

/** A flexible server's settings, present only when enabled (the config check refuses one on without its admin). */
function flexibleServer({ enabled, admin, ...settings }: DataConfig["postgresql"]) {
  return enabled && admin ? { ...settings, admin } : undefined;
}

/** The data config as the data tier takes it: optional services present only when enabled. */
function dataSettings({ lock, sql, redis, storage, postgresql, mysql, cosmos: cosmosConfig, serviceBus: serviceBusConfig, ...rest }: DataConfig, deploymentContainers: string[]) {
  const { enabled: cosmosEnabled, ...cosmos } = cosmosConfig;
  const { enabled: serviceBusEnabled, ...serviceBus } = serviceBusConfig;
  const { enabled: sqlEnabled, admin, ...sqlSettings } = sql;
  const { enabled: redisEnabled, ...redisSettings } = redis;
  return {
    ...rest,
    cosmos: cosmosEnabled
      ? {
          ...cosmos,
          databases: cosmos.databases.map((db) => ({
            ...db,
            throughput: throughputOf(db.throughput),
            containers: db.containers.map((container) => ({ ...container, throughput: throughputOf(container.throughput) })),
          })),
        }
      : undefined,
    serviceBus: serviceBusEnabled ? serviceBus : undefined,
    // The services' packages live beside their data, reached through the same private endpoint,
    // and the Functions host keeps its leases and keys in containers of its own there.
    storage: { ...storage, containers: [...new Set([...storage.containers, DEPLOYMENTS_CONTAINER, ...deploymentContainers, ...FUNCTIONS_HOST_CONTAINERS])] },
    lock: lock === "none" ? undefined : lock,
    // The config check refuses an enabled server without its admin group.
    sql: sqlEnabled && admin ? { ...sqlSettings, admin } : undefined,
    redis: redisEnabled ? redisSettings : undefined,
    postgresql: flexibleServer(postgresql),
    mysql: flexibleServer(mysql),
  };
}

/** The config check leaves exactly one of the two set. */
function throughputOf(config: ThroughputConfig | undefined): CosmosThroughput | undefined {
  if (!config) return undefined;
  return config.manual !== undefined ? { manual: config.manual } : { autoscaleMax: config.autoscaleMax! };
}
