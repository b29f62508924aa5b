import * as pulumi from "@pulumi/pulumi";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { stableGuid } from "../core/guid.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

/** Cosmos DB's built-in data-plane role "Cosmos DB Built-in Data Contributor" (same id in every account). */
export const COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";

/**
 * Provisioned throughput: a fixed number of RU/s (400 or more, in steps of 100), or autoscale up
 * to a maximum (1000 RU/s or more, in steps of 1000), scaling between a tenth of it and it.
 * Sources: https://learn.microsoft.com/azure/cosmos-db/set-throughput and
 * https://learn.microsoft.com/azure/cosmos-db/provision-throughput-autoscale
 */
export type CosmosThroughput = { manual: number } | { autoscaleMax: number };

export interface CosmosContainerArgs {
  /** The container's id within its database, e.g. `events`. */
  name: string;
  /** Dedicated throughput of this container (provisioned accounts); else it shares its database's. */
  throughput?: CosmosThroughput;
  /** A single partition key path such as `/tenantId`. */
  partitionKey: string;
  /** Default TTL in seconds; -1 lets items set their own `ttl`; absent: items never expire. */
  defaultTtlSeconds?: number;
  /** Indexing: `includedPaths` and `excludedPaths` (e.g. `/tenantId/?`, `/*`); Cosmos' default (everything but `_etag`) when absent. */
  indexing?: { includedPaths?: string[]; excludedPaths?: string[] };
}

export interface CosmosDatabaseArgs {
  /** The SQL (NoSQL API) database's id in the account. */
  name: string;
  /** Throughput shared by the containers that have none of their own (provisioned accounts). */
  throughput?: CosmosThroughput;
  /** The database's containers, each with its partition key, TTL and throughput. */
  containers: CosmosContainerArgs[];
}

/**
 * The account's default consistency. Session is Azure's default; with a second region the RPO
 * follows from it: Session, Consistent Prefix and Eventual lose up to 15 minutes of writes,
 * Bounded Staleness at most its staleness window, Strong none.
 * Source: https://learn.microsoft.com/azure/cosmos-db/consistency-levels (consistency and data durability).
 */
export type CosmosConsistency =
  | { level: "Session" | "Strong" }
  | { level: "BoundedStaleness"; maxIntervalInSeconds: number; maxStalenessPrefix: number };

/** A second, read region for disaster recovery (failover priority 1). */
export interface CosmosReplicaArgs {
  /** Azure region of the read replica, e.g. `northeurope` (the primary's pair for DR). */
  location: string;
  /** Spread the replica region over its availability zones (the region must have them). */
  zoneRedundant: boolean;
  /** Service-managed failover: Azure moves writes to the replica when the primary region is lost. */
  automaticFailover: boolean;
}

export interface CosmosArgs extends BaseArgs {
  /** Serverless (pay per request) or provisioned throughput, per database and/or per container. */
  capacity: "serverless" | "provisioned";
  /** Spread the primary region over its availability zones (the region must have them). */
  zoneRedundant: boolean;
  /** Continuous backup (point-in-time restore, 30 days) or Azure's periodic default. */
  backup: "continuous" | "periodic";
  /** The databases and their containers, created in the account. */
  databases: CosmosDatabaseArgs[];
  /**
   * Where the account's private endpoint goes; absent: none, and public network
   * access stays disabled.
   */
  privateEndpoint?: PrivateEndpointArgs;
  /** Session unless given. */
  consistency?: CosmosConsistency;
  /** Absent: a single-region account. */
  replica?: CosmosReplicaArgs;
}

/**
 * A Cosmos DB for NoSQL account reachable only through its private endpoint, with Entra-only
 * data access: keys are disabled, principals get the built-in data role through grantDataAccess.
 */
export class CosmosDb extends pulumi.ComponentResource {
  readonly accountId: pulumi.Output<string>;
  readonly accountName: pulumi.Output<string>;
  readonly documentEndpoint: pulumi.Output<string>;
  private readonly account: cosmosdb.DatabaseAccount;

  constructor(
    private readonly name: string,
    private readonly args: CosmosArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("estate:data:CosmosDb", name, {}, opts);
    const { resourceGroupName, location, namer } = args;
    checkThroughput(args);

    const account = new cosmosdb.DatabaseAccount(
      `${name}-account`,
      {
        accountName: namer.name("cosmosAccount"),
        resourceGroupName,
        location,
        kind: "GlobalDocumentDB",
        databaseAccountOfferType: "Standard",
        locations: [
          { locationName: location, failoverPriority: 0, isZoneRedundant: args.zoneRedundant },
          ...(args.replica
            ? [
                {
                  locationName: args.replica.location,
                  failoverPriority: 1,
                  isZoneRedundant: args.replica.zoneRedundant,
                },
              ]
            : []),
        ],
        enableAutomaticFailover: args.replica ? args.replica.automaticFailover : undefined,
        consistencyPolicy: consistencyPolicy(args.consistency ?? { level: "Session" }),
        capabilities: args.capacity === "serverless" ? [{ name: "EnableServerless" }] : [],
        publicNetworkAccess: "Disabled",
        networkAclBypass: "None",
        disableLocalAuth: true,
        disableKeyBasedMetadataWriteAccess: true,
        minimalTlsVersion: "Tls12",
        backupPolicy:
          args.backup === "continuous"
            ? { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } }
            : {
                type: "Periodic",
                periodicModeProperties: {
                  backupIntervalInMinutes: 240,
                  backupRetentionIntervalInHours: 8,
                  backupStorageRedundancy: args.zoneRedundant ? "Zone" : "Local",
                },
              },
      },
      { parent: this },
    );
    this.account = account;

    for (const db of args.databases) {
      const database = new cosmosdb.SqlResourceSqlDatabase(
        `${name}-${db.name}`,
        {
          accountName: account.name,
          resourceGroupName,
          databaseName: db.name,
          resource: { id: db.name },
          options: throughputOptions(db.throughput),
        },
        { parent: this },
      );
      for (const c of db.containers) {
        new cosmosdb.SqlResourceSqlContainer(
          `${name}-${db.name}-${c.name}`,
          {
            accountName: account.name,
            resourceGroupName,
            databaseName: database.name,
            containerName: c.name,
            options: throughputOptions(c.throughput),
            resource: {
              id: c.name,
              partitionKey: { paths: [c.partitionKey], kind: "Hash", version: 2 },
              defaultTtl: c.defaultTtlSeconds,
              indexingPolicy: {
                indexingMode: "consistent",
                automatic: true,
                includedPaths: (c.indexing?.includedPaths ?? ["/*"]).map((path) => ({ path })),
                excludedPaths: (c.indexing?.excludedPaths ?? ['/"_etag"/?']).map((path) => ({ path })),
              },
            },
          },
          { parent: this },
        );
      }
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "cosmos", account.id, args.privateEndpoint);
    applySharedArgs(this, name, account.id, args);

    this.accountId = account.id;
    this.accountName = account.name;
    this.documentEndpoint = account.documentEndpoint;
    this.registerOutputs({ accountId: this.accountId, documentEndpoint: this.documentEndpoint });
  }

  /**
   * Gives a principal the built-in Data Contributor role on the whole account (data plane; ARM
   * roles such as Contributor do not reach the data with local auth off).
   */
  grantDataAccess(key: string, principalId: pulumi.Input<string>): cosmosdb.SqlResourceSqlRoleAssignment {
    return new cosmosdb.SqlResourceSqlRoleAssignment(
      `${this.name}-${key}-data-contributor`,
      {
        accountName: this.account.name,
        resourceGroupName: this.args.resourceGroupName,
        roleAssignmentId: this.account.id.apply((id) => stableGuid(id, COSMOS_DATA_CONTRIBUTOR, key)),
        roleDefinitionId: pulumi.interpolate`${this.account.id}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
        scope: this.account.id,
        principalId,
      },
      { parent: this },
    );
  }
}

function consistencyPolicy(consistency: CosmosConsistency) {
  return consistency.level === "BoundedStaleness"
    ? {
        defaultConsistencyLevel: consistency.level,
        maxIntervalInSeconds: consistency.maxIntervalInSeconds,
        maxStalenessPrefix: consistency.maxStalenessPrefix,
      }
    : { defaultConsistencyLevel: consistency.level };
}

function throughputOptions(
  throughput: CosmosThroughput | undefined,
): { throughput?: number; autoscaleSettings?: { maxThroughput: number } } | undefined {
  if (!throughput) return undefined;
  return "manual" in throughput
    ? { throughput: throughput.manual }
    : { autoscaleSettings: { maxThroughput: throughput.autoscaleMax } };
}

/** Throughput Azure accepts: none on serverless accounts, valid amounts, and some for every container of a provisioned one. */
function checkThroughput(args: CosmosArgs): void {
  const check = (where: string, throughput: CosmosThroughput | undefined) => {
    if (!throughput) return;
    if (args.capacity === "serverless")
      throw new Error(`cosmos: ${where} has throughput, but serverless accounts have none to provision`);
    if ("manual" in throughput && (throughput.manual < 400 || throughput.manual % 100 !== 0)) {
      throw new Error(
        `cosmos: ${where}: manual throughput ${throughput.manual} RU/s is not 400 or more in steps of 100`,
      );
    }
    if ("autoscaleMax" in throughput && (throughput.autoscaleMax < 1000 || throughput.autoscaleMax % 1000 !== 0)) {
      throw new Error(
        `cosmos: ${where}: autoscale maximum ${throughput.autoscaleMax} RU/s is not 1000 or more in steps of 1000`,
      );
    }
  };
  for (const db of args.databases) {
    check(`database ${db.name}`, db.throughput);
    for (const c of db.containers) {
      check(`container ${db.name}/${c.name}`, c.throughput);
      if (args.capacity === "provisioned" && !db.throughput && !c.throughput) {
        throw new Error(
          `cosmos: container ${db.name}/${c.name} has no throughput: give it its own or its database shared throughput`,
        );
      }
    }
  }
}
