import * as pulumi from "@pulumi/pulumi";
import type { BaseArgs } from "../core/args.js";
import type { PrivateLinkService } from "../network/dns.js";
import { KeyVault, type KeyVaultArgs } from "../secrets/key-vault.js";
import { CosmosDb, type CosmosArgs } from "./cosmos.js";
import { MySqlServer, type MySqlArgs } from "./mysql.js";
import { PostgreSqlServer, type PostgreSqlArgs } from "./postgresql.js";
import { RedisCache, type RedisArgs } from "./redis.js";
import { ServiceBus, type ServiceBusArgs } from "./service-bus.js";
import { SqlDatabase, type SqlArgs } from "./sql.js";
import { BlobStorage, type StorageArgs } from "./storage.js";

export { checkFlexibleServer, flexibleServerProblems, MYSQL_LIMITS, POSTGRESQL_LIMITS, type FlexibleServerArgs, type FlexibleServerTier } from "./flexible-server.js";
export { mysqlEntraUser, postgresqlEntraRole, sqlContainedUser, type DatabaseAccess, type DatabaseUserStep } from "./database-users.js";
export { MySqlServer, type MySqlArgs } from "./mysql.js";
export { PostgreSqlServer, type PostgreSqlArgs } from "./postgresql.js";
export { CosmosDb, COSMOS_DATA_CONTRIBUTOR, type CosmosArgs, type CosmosContainerArgs, type CosmosDatabaseArgs } from "./cosmos.js";
export { REDIS_EVICTION_POLICIES, REDIS_RDB_FREQUENCIES, STORAGE_REDUNDANCY, ZONAL_REDUNDANCY, type RedisEvictionPolicy, type StorageRedundancy } from "./options.js";
export { RedisCache, type RedisAccessPolicy, type RedisArgs, type RedisPersistenceArgs, type RedisSku } from "./redis.js";
export { ServiceBus, type QueueAccess, type QueueArgs, type ServiceBusArgs, type ServiceBusSku } from "./service-bus.js";
export { SqlDatabase, type SqlArgs, type SqlDatabaseArgs, type SqlEdition } from "./sql.js";
export { BlobStorage, type BlobAccess, type StorageArgs } from "./storage.js";

/** A data component's own settings: what is left once the tier supplies the shared arguments. */
type Settings<A> = Omit<A, keyof BaseArgs | "privateEndpoint">;

export interface DataTierArgs extends Omit<BaseArgs, "roleAssignments"> {
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
  storage: Settings<StorageArgs>;
  /** `privateEndpoint` needs Premium: Standard namespaces have none. Absent: no namespace. */
  serviceBus?: Settings<ServiceBusArgs> & { privateEndpoint: boolean };
  keyVault: Settings<KeyVaultArgs>;
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

  constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:DataTier", name, {}, opts);
    const { resourceGroupName, location, namer, tags, diagnostics, lock } = args;
    const shared = { resourceGroupName, location, namer, tags, diagnostics, lock };
    const endpoint = (service: PrivateLinkService) => {
      const privateDnsZoneId = args.privateDnsZoneIds[service];
      if (!privateDnsZoneId) throw new Error(`data tier ${name}: no private DNS zone given for ${service}`);
      return { subnetId: args.privateEndpointSubnetId, privateDnsZoneId };
    };
    const child = { parent: this };

    if (args.cosmos) this.cosmos = new CosmosDb(`${name}-cosmos`, { ...shared, ...args.cosmos, privateEndpoint: endpoint("cosmos") }, child);
    if (args.sql) this.sql = new SqlDatabase(`${name}-sql`, { ...shared, ...args.sql, privateEndpoint: endpoint("sql") }, child);
    if (args.redis) this.redis = new RedisCache(`${name}-redis`, { ...shared, ...args.redis, privateEndpoint: endpoint("redis") }, child);
    if (args.postgresql) {
      this.postgresql = new PostgreSqlServer(`${name}-postgresql`, { ...shared, ...args.postgresql, privateEndpoint: endpoint("postgresql") }, child);
    }
    if (args.mysql) this.mysql = new MySqlServer(`${name}-mysql`, { ...shared, ...args.mysql, privateEndpoint: endpoint("mysql") }, child);
    this.storage = new BlobStorage(`${name}-storage`, { ...shared, ...args.storage, privateEndpoint: endpoint("blob") }, child);
    if (args.serviceBus) {
      const { privateEndpoint: serviceBusEndpoint, ...serviceBus } = args.serviceBus;
      this.serviceBus = new ServiceBus(
        `${name}-servicebus`,
        { ...shared, ...serviceBus, privateEndpoint: serviceBusEndpoint ? endpoint("serviceBus") : undefined },
        child,
      );
    }
    this.keyVault = new KeyVault(`${name}-keyvault`, { ...shared, ...args.keyVault, privateEndpoint: endpoint("keyVault") }, child);
    this.registerOutputs({});
  }
}
