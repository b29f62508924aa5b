import type * as pulumi from "@pulumi/pulumi";
import { FUNCTIONS_HOST_CONTAINERS } from "../../infra/compute/index.js";
import {
  DataTier,
  MIN_GRACE_PERIOD_MINUTES,
  REDIS_GEO_REPLICATION_MAX_REPLICAS,
  type DataTierArgs,
  type StorageRedundancy,
} from "../../infra/data/index.js";
import type { CosmosConsistency, CosmosThroughput } from "../../infra/data/cosmos.js";
import { Namer, REGIONS, type Region } from "../../infra/naming/index.js";
import { DEFAULT_PRIVATE_LINK_SERVICES, type PrivateLinkService } from "../../infra/network/dns.js";
import type { DataConfig, ThroughputConfig } from "../config/data.js";
import { secondaryRegion, type DrConfig, type DrTier } from "../config/dr.js";
import type { EstateConfig } from "../config/schema.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";

/** The blob container the services' packages are uploaded to. */
export const DEPLOYMENTS_CONTAINER = "deployments";

/** A Flex Consumption app's own deployment container: One deploy writes its package there with the app's identity. */
export const flexDeploymentContainer = (service: string) => `deploy-${service}`;

/** The services whose packages One deploy publishes: every Function app when the functions run on Flex Consumption. */
export function flexServices({ config, services }: Pick<Foundation, "config" | "services">): string[] {
  return config.compute.functions.plan === "FlexConsumption"
    ? services.filter((service) => service.kind === "function-app").map((service) => service.name)
    : [];
}

/** The data services, each behind a private endpoint in the private-endpoint subnet. */
export interface DataServicesTier {
  data: DataTier;
}

/** The data services; with estate:dr their copies in the secondary region, reached from both regions' VNets. */
export function dataTier(
  foundation: Foundation,
  { network, dns }: NetworkTier,
  secondaryNetwork?: NetworkTier,
): DataServicesTier {
  const { config, base, diagnostics, suppliedSecrets } = foundation;
  const settings = withDisasterRecovery(
    config,
    dataSettings(config.data, flexServices(foundation).map(flexDeploymentContainer)),
  );
  const data = new DataTier("data", {
    ...base,
    diagnostics,
    privateEndpointSubnetId: network.subnetIds.privateEndpoints,
    privateDnsZoneIds: dns.zoneIds,
    ...settings,
    keyVault: { ...settings.keyVault, suppliedSecrets },
    secondary: settings.secondary && {
      ...settings.secondary,
      network: secondaryNetwork && {
        resourceGroupName: secondaryNetwork.site.base.resourceGroupName,
        privateEndpointSubnetId: secondaryNetwork.network.subnetIds.privateEndpoints,
        privateDnsZoneIds: secondaryNetwork.dns.zoneIds,
      },
    },
  });
  return { data };
}

/** What apps connect to for SQL: the failover group's read-write listener when DR is on, else the server. */
export function sqlEndpoint({ data }: DataServicesTier): pulumi.Output<string> | undefined {
  return data.sqlFailoverGroup?.listenerFqdn ?? data.sql?.fullyQualifiedDomainName;
}

/** What apps connect to for Redis: the geo-primary host name when the cache is geo-replicated, else the cache. */
export function redisEndpoint({ data }: DataServicesTier): pulumi.Output<string> | undefined {
  return data.redisGeoPrimaryHostName ?? data.redis?.hostName;
}

/** The region DR replicates to, when DR is on (the config check refuses DR without one). */
export function drSecondary(config: EstateConfig): Region | undefined {
  return config.dr.enabled ? secondaryRegion(config.dr, config.location) : undefined;
}

/** Storage's geo-redundant counterpart with read access in the secondary: zonal stays zonal. */
const GEO_REDUNDANCY: Record<StorageRedundancy, StorageRedundancy> = {
  LRS: "RA-GRS",
  GRS: "RA-GRS",
  "RA-GRS": "RA-GRS",
  ZRS: "RA-GZRS",
  GZRS: "RA-GZRS",
  "RA-GZRS": "RA-GZRS",
};

/**
 * The redundancy of the estate's storage accounts (the data account, a storage website): the
 * stack's, made geo-redundant when estate:dr replicates storage.
 */
export function storageRedundancy(config: EstateConfig): StorageRedundancy {
  const { redundancy } = config.data.storage;
  return drSecondary(config) && config.dr.failover.storage !== "none" ? GEO_REDUNDANCY[redundancy] : redundancy;
}

/**
 * The consistency a Cosmos DB account with a second region needs for the RPO: Session loses up to
 * 15 minutes of writes; Bounded Staleness at most its window (300 seconds or more with several
 * regions, and 100,000 operations); Strong none.
 * Source: https://learn.microsoft.com/azure/cosmos-db/consistency-levels (consistency and data durability;
 * bounded staleness limits for multi-region accounts).
 */
export function cosmosConsistencyFor(rpoMinutes: number): CosmosConsistency {
  if (rpoMinutes >= 15) return { level: "Session" };
  if (rpoMinutes >= 5)
    return { level: "BoundedStaleness", maxIntervalInSeconds: rpoMinutes * 60, maxStalenessPrefix: 100_000 };
  return { level: "Strong" };
}

/**
 * The grace period of an automatic SQL failover group: as long as the RTO leaves room for, never
 * under Azure's minimum of an hour (so an RTO of an hour or less cannot be met automatically;
 * `estate dr` says so).
 */
export function sqlGracePeriodMinutes(rtoMinutes: number): number {
  return Math.max(MIN_GRACE_PERIOD_MINUTES, (Math.ceil(rtoMinutes / 60) - 1) * 60);
}

type DataSettings = Omit<
  DataTierArgs,
  "resourceGroupName" | "location" | "namer" | "diagnostics" | "privateEndpointSubnetId" | "privateDnsZoneIds"
>;

/** The data settings with each replicated tier's copy in the secondary region, as estate:dr asks. */
function withDisasterRecovery(config: EstateConfig, settings: DataSettings): DataSettings {
  const secondary = drSecondary(config);
  if (!secondary) return settings;
  const dr: DrConfig = config.dr;
  const replicated = (tier: DrTier) => dr.failover[tier] !== "none";
  const zones = REGIONS[secondary].zones;
  const { cosmos, sql, redis, serviceBus, storage, postgresql, mysql } = settings;
  const flexible = <T extends { geoRedundantBackup: boolean }>(server: T | undefined, tier: DrTier) =>
    server && replicated(tier) ? { ...server, geoRedundantBackup: true } : server;
  return {
    ...settings,
    cosmos:
      cosmos && replicated("cosmos")
        ? {
            ...cosmos,
            consistency: cosmosConsistencyFor(dr.rpoMinutes),
            replica: {
              location: secondary,
              zoneRedundant: cosmos.zoneRedundant && zones,
              automaticFailover: dr.failover.cosmos === "automatic",
            },
          }
        : cosmos,
    serviceBus:
      serviceBus && replicated("serviceBus")
        ? {
            ...serviceBus,
            geoReplica: { location: secondary, maxReplicationLagSeconds: serviceBusLagSeconds(dr.rpoMinutes) },
          }
        : serviceBus,
    storage: { ...storage, redundancy: storageRedundancy(config) },
    // Geo-replication links caches of one replica per primary only: the nearest shape to the
    // profile's zone-redundant three nodes is two, the primary and its replica in two zones, on
    // both caches (the secondary takes the primary's settings).
    redis: redis && replicated("redis") ? { ...redis, replicasPerPrimary: REDIS_GEO_REPLICATION_MAX_REPLICAS } : redis,
    postgresql: flexible(postgresql, "postgresql"),
    mysql: flexible(mysql, "mysql"),
    secondary: {
      location: secondary,
      namer: new Namer({ workload: config.workload, environment: config.environment, location: secondary }),
      sql:
        sql && replicated("sql")
          ? dr.failover.sql === "automatic"
            ? {
                policy: "Automatic",
                gracePeriodMinutes: sqlGracePeriodMinutes(dr.rtoMinutes),
                zoneRedundant: sql.zoneRedundant && zones,
              }
            : { policy: "Manual", zoneRedundant: sql.zoneRedundant && zones }
          : undefined,
      redis: redis && replicated("redis") ? { zoneRedundant: redis.zoneRedundant && zones } : undefined,
    },
  };
}

/**
 * Service Bus fails writes once its secondary lags more than this: the RPO in seconds, within
 * what Azure allows (0 for synchronous under 5 minutes, else 300-86400 seconds).
 */
function serviceBusLagSeconds(rpoMinutes: number): number {
  if (rpoMinutes < 5) return 0;
  return Math.min(rpoMinutes * 60, 86_400);
}

/** The private-link services whose DNS zones the stack needs: the optional servers' only when they are on. */
export function privateLinkServices(data: DataConfig): PrivateLinkService[] {
  return [
    ...DEFAULT_PRIVATE_LINK_SERVICES,
    ...(["postgresql", "mysql"] as const).filter((server) => data[server].enabled),
  ];
}

/** A flexible server's settings, present only when enabled (the config check refuses one on without its admin). */
function flexibleServer({ enabled, admin, ...settings }: DataConfig["postgresql"]) {
  return enabled && admin ? { ...settings, admin } : undefined;
}

/** The data config as the data tier takes it: optional services present only when enabled. */
function dataSettings(
  {
    lock,
    sql,
    redis,
    storage,
    postgresql,
    mysql,
    cosmos: cosmosConfig,
    serviceBus: serviceBusConfig,
    ...rest
  }: DataConfig,
  deploymentContainers: string[],
) {
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
            containers: db.containers.map((container) => ({
              ...container,
              throughput: throughputOf(container.throughput),
            })),
          })),
        }
      : undefined,
    serviceBus: serviceBusEnabled ? serviceBus : undefined,
    // The services' packages live beside their data, reached through the same private endpoint,
    // and the Functions host keeps its leases and keys in containers of its own there.
    storage: {
      ...storage,
      containers: [
        ...new Set([
          ...storage.containers,
          DEPLOYMENTS_CONTAINER,
          ...deploymentContainers,
          ...FUNCTIONS_HOST_CONTAINERS,
        ]),
      ],
    },
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
