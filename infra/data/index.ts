import * as pulumi from "@pulumi/pulumi";
import type { BaseArgs } from "../core/args.js";
import type { Namer } from "../naming/index.js";
import type { PrivateLinkService } from "../network/dns.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { KeyVault, type KeyVaultArgs } from "../secrets/key-vault.js";
import { CosmosDb, type CosmosArgs } from "./cosmos.js";
import { MySqlServer, type MySqlArgs } from "./mysql.js";
import { PostgreSqlServer, type PostgreSqlArgs } from "./postgresql.js";
import { RedisCache, type RedisAccessPolicy, type RedisArgs } from "./redis.js";
import { ServiceBus, type ServiceBusArgs } from "./service-bus.js";
import { SqlDatabase, type SqlArgs } from "./sql.js";
import { SqlFailoverGroup, type SqlFailoverGroupArgs } from "./sql-failover.js";
import { BlobStorage, type StorageArgs } from "./storage.js";

export {
  checkFlexibleServer,
  flexibleServerProblems,
  MYSQL_LIMITS,
  POSTGRESQL_LIMITS,
  type FlexibleServerArgs,
  type FlexibleServerTier,
} from "./flexible-server.js";
export {
  mysqlEntraUser,
  postgresqlEntraRole,
  sqlContainedUser,
  type DatabaseAccess,
  type DatabaseUserStep,
} from "./database-users.js";
export { MySqlServer, type MySqlArgs } from "./mysql.js";
export { PostgreSqlServer, type PostgreSqlArgs } from "./postgresql.js";
export {
  CosmosDb,
  COSMOS_DATA_CONTRIBUTOR,
  type CosmosArgs,
  type CosmosContainerArgs,
  type CosmosDatabaseArgs,
} from "./cosmos.js";
export {
  REDIS_EVICTION_POLICIES,
  REDIS_GEO_REPLICATION_MAX_REPLICAS,
  REDIS_RDB_FREQUENCIES,
  STORAGE_REDUNDANCY,
  ZONAL_REDUNDANCY,
  type RedisEvictionPolicy,
  type StorageRedundancy,
} from "./options.js";
export {
  RedisCache,
  type RedisAccessPolicy,
  type RedisArgs,
  type RedisPersistenceArgs,
  type RedisSku,
} from "./redis.js";
export {
  ServiceBus,
  type QueueAccess,
  type QueueArgs,
  type ServiceBusArgs,
  type ServiceBusSku,
} from "./service-bus.js";
export { SqlDatabase, type SqlArgs, type SqlDatabaseArgs, type SqlEdition } from "./sql.js";
export { MIN_GRACE_PERIOD_MINUTES, SqlFailoverGroup, type SqlFailoverGroupArgs } from "./sql-failover.js";
export { BlobStorage, type BlobAccess, type StorageArgs } from "./storage.js";

/** A data component's own settings: what is left once the tier supplies the shared arguments. */
type Settings<A> = Omit<A, keyof BaseArgs | "privateEndpoint">;

export interface DataTierArgs extends BaseArgs {
  /** The subnet every private endpoint goes into. */
  privateEndpointSubnetId: pulumi.Input<string>;
  /** The private DNS zone of each private-link service (see PrivateDnsZones). */
  privateDnsZoneIds: Partial<Record<PrivateLinkService, pulumi.Input<string>>>;
  /** Absent: no Cosmos DB account. */
  cosmos?: Settings<CosmosArgs>;
  /** Absent: no SQL server. */
  sql?: Settings<SqlArgs>;
  /** Absent: no Redis cache. */
  redis?: Settings<RedisArgs>;
  /** Absent: no PostgreSQL server (its private DNS zone is then not needed either). */
  postgresql?: Settings<PostgreSqlArgs>;
  /** Absent: no MySQL server. */
  mysql?: Settings<MySqlArgs>;
  /** The blob storage account: redundancy, containers, soft delete, lifecycle. */
  storage: Settings<StorageArgs>;
  /** `privateEndpoint` needs Premium: Standard namespaces have none. Absent: no namespace. */
  serviceBus?: Settings<ServiceBusArgs> & { privateEndpoint: boolean };
  /** The Key Vault: SKU, retention, the generated and supplied secrets. */
  keyVault: Settings<KeyVaultArgs>;
  /**
   * Disaster recovery: the copies in the secondary region that are resources of their own (Cosmos
   * DB's second region and Service Bus' replica are settings of their own components). Their
   * private endpoints sit in the primary's subnet: Private Link reaches across regions.
   */
  secondary?: DataSecondaryArgs;
}

export interface DataSecondaryArgs {
  /** Azure region of the DR copies, e.g. `northeurope`. */
  location: string;
  /** Names in the secondary region. */
  namer: Namer;
  /** A partner server and a failover group for the SQL databases; `zoneRedundant` spreads the partner's databases over zones. */
  sql?: Pick<SqlFailoverGroupArgs, "policy" | "gracePeriodMinutes"> & { zoneRedundant: boolean };
  /** A geo-replicated Premium cache of the primary's size; `zoneRedundant` spreads its replicas over zones. */
  redis?: { zoneRedundant: boolean };
  /**
   * The secondary region's VNet: a private endpoint there for each service the secondary region
   * uses once the primary is gone (the account-wide ones: storage, Cosmos DB, Service Bus, Key
   * Vault; and the partner server and linked cache), in its own resource group and DNS zones.
   */
  network?: {
    /** The secondary region's resource group, which holds its endpoints. */
    resourceGroupName: pulumi.Input<string>;
    /** The secondary VNet's private-endpoint subnet. */
    privateEndpointSubnetId: pulumi.Input<string>;
    /** The secondary VNet's own private DNS zones, by service. */
    privateDnsZoneIds: Partial<Record<PrivateLinkService, pulumi.Input<string>>>;
  };
}

/**
 * The estate's private data tier: every data service behind a private endpoint in one subnet
 * (Service Bus Standard excepted: it has none), diagnostics to one workspace, the same lock.
 * The components are exposed so the composition can grant each app exactly the data it uses.
 */
export class DataTier extends pulumi.ComponentResource {
  readonly cosmos?: CosmosDb;
  readonly sql?: SqlDatabase;
  readonly redis?: RedisCache;
  readonly postgresql?: PostgreSqlServer;
  readonly mysql?: MySqlServer;
  readonly storage: BlobStorage;
  readonly serviceBus?: ServiceBus;
  readonly keyVault: KeyVault;
  /** Disaster recovery (args.secondary): the partner SQL server and its failover group, the linked cache. */
  readonly sqlSecondary?: SqlDatabase;
  readonly sqlFailoverGroup?: SqlFailoverGroup;
  readonly redisSecondary?: RedisCache;
  /** The host name that follows the primary cache across a geo-failover. */
  readonly redisGeoPrimaryHostName?: pulumi.Output<string>;

  constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:DataTier", name, {}, opts);
    const { resourceGroupName, location, namer, diagnostics, lock } = args;
    const shared = { resourceGroupName, location, namer, diagnostics, lock };
    const endpoint = (service: PrivateLinkService) => {
      const privateDnsZoneId = args.privateDnsZoneIds[service];
      if (!privateDnsZoneId) throw new Error(`data tier ${name}: no private DNS zone given for ${service}`);
      return { subnetId: args.privateEndpointSubnetId, privateDnsZoneId };
    };
    const child = { parent: this };

    if (args.cosmos)
      this.cosmos = new CosmosDb(
        `${name}-cosmos`,
        { ...shared, ...args.cosmos, privateEndpoint: endpoint("cosmos") },
        child,
      );
    if (args.sql)
      this.sql = new SqlDatabase(`${name}-sql`, { ...shared, ...args.sql, privateEndpoint: endpoint("sql") }, child);
    if (args.redis)
      this.redis = new RedisCache(
        `${name}-redis`,
        { ...shared, ...args.redis, privateEndpoint: endpoint("redis") },
        child,
      );
    if (args.postgresql) {
      this.postgresql = new PostgreSqlServer(
        `${name}-postgresql`,
        { ...shared, ...args.postgresql, privateEndpoint: endpoint("postgresql") },
        child,
      );
    }
    if (args.mysql)
      this.mysql = new MySqlServer(
        `${name}-mysql`,
        { ...shared, ...args.mysql, privateEndpoint: endpoint("mysql") },
        child,
      );
    this.storage = new BlobStorage(
      `${name}-storage`,
      { ...shared, ...args.storage, privateEndpoint: endpoint("blob") },
      child,
    );
    if (args.serviceBus) {
      const { privateEndpoint: serviceBusEndpoint, ...serviceBus } = args.serviceBus;
      this.serviceBus = new ServiceBus(
        `${name}-servicebus`,
        { ...shared, ...serviceBus, privateEndpoint: serviceBusEndpoint ? endpoint("serviceBus") : undefined },
        child,
      );
    }
    this.keyVault = new KeyVault(
      `${name}-keyvault`,
      { ...shared, ...args.keyVault, privateEndpoint: endpoint("keyVault") },
      child,
    );

    const secondary = args.secondary;
    if (secondary) {
      const remote = { ...shared, location: secondary.location, namer: secondary.namer };
      const remoteEndpoint = (service: PrivateLinkService) => ({ ...endpoint(service), location });
      if (this.sql && args.sql && secondary.sql) {
        const { zoneRedundant, ...failover } = secondary.sql;
        this.sqlSecondary = new SqlDatabase(
          `${name}-sql-secondary`,
          { ...remote, admin: args.sql.admin, zoneRedundant, databases: [], privateEndpoint: remoteEndpoint("sql") },
          child,
        );
        this.sqlFailoverGroup = new SqlFailoverGroup(
          `${name}-sql-failover`,
          {
            resourceGroupName,
            namer,
            primaryServerName: this.sql.serverName,
            secondaryServerId: this.sqlSecondary.serverId,
            databaseIds: Object.values(this.sql.databaseIds),
            ...failover,
          },
          child,
        );
      }
      if (this.redis && args.redis && secondary.redis) {
        // The same SKU and size as the primary: geo-replication links equal caches.
        this.redisSecondary = new RedisCache(
          `${name}-redis-secondary`,
          {
            ...remote,
            ...args.redis,
            zoneRedundant: secondary.redis.zoneRedundant,
            privateEndpoint: remoteEndpoint("redis"),
          },
          child,
        );
        this.redisGeoPrimaryHostName = this.redis.geoReplicateTo(this.redisSecondary).geoReplicatedPrimaryHostName;
      }
      if (secondary.network) this.endpointsIn(name, secondary, secondary.network, args);
    }
    this.registerOutputs({});
  }

  /**
   * Gives a principal a Redis access policy on the cache and, when it is geo-replicated, on the
   * linked secondary too: an assignment is a resource of one cache
   * (https://learn.microsoft.com/azure/templates/microsoft.cache/redis/accesspolicyassignments) and
   * geo-replication links the caches' data only, so the apps that fail over to the secondary need
   * theirs there before an operator promotes it.
   */
  grantCacheAccess(key: string, principalId: pulumi.Input<string>, policy?: RedisAccessPolicy): void {
    if (!this.redis) throw new Error(`data tier: no Redis cache to grant ${key} access to`);
    for (const cache of [this.redis, this.redisSecondary]) cache?.grantCacheAccess(key, principalId, policy);
  }

  /** The secondary VNet's private endpoints, through the same helper as every data component's own. */
  private endpointsIn(
    name: string,
    secondary: DataSecondaryArgs,
    network: NonNullable<DataSecondaryArgs["network"]>,
    args: DataTierArgs,
  ): void {
    const base = {
      resourceGroupName: network.resourceGroupName,
      location: secondary.location,
      namer: secondary.namer,
    };
    const targets: Array<[string, PrivateLinkService, pulumi.Output<string> | undefined]> = [
      ["storage", "blob", this.storage.accountId],
      ["keyvault", "keyVault", this.keyVault.vaultId],
      ["cosmos", "cosmos", this.cosmos?.accountId],
      ["servicebus", "serviceBus", args.serviceBus?.privateEndpoint ? this.serviceBus?.namespaceId : undefined],
      ["sql-secondary", "sql", this.sqlSecondary?.serverId],
      ["redis-secondary", "redis", this.redisSecondary?.cacheId],
    ];
    for (const [component, service, targetId] of targets) {
      if (!targetId) continue;
      const privateDnsZoneId = network.privateDnsZoneIds[service];
      if (!privateDnsZoneId) throw new Error(`data tier ${name}: no secondary private DNS zone given for ${service}`);
      privateEndpoint(this, `${name}-${component}-dr`, base, service, targetId, {
        subnetId: network.privateEndpointSubnetId,
        privateDnsZoneId,
      });
    }
  }
}
