import * as pulumi from "@pulumi/pulumi";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { stableGuid } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";

/** Cosmos DB's built-in data-plane role "Cosmos DB Built-in Data Contributor" (same id in every account). */
export const COSMOS_DATA_CONTRIBUTOR = "00000000-0000-0000-0000-000000000002";

export interface CosmosContainerArgs {
  name: string;
  /** A single partition key path such as `/tenantId`. */
  partitionKey: string;
  /** Default TTL in seconds; -1 lets items set their own `ttl`; absent: items never expire. */
  defaultTtlSeconds?: number;
  /** Indexing paths; Cosmos' default (everything but `_etag`) when absent. */
  indexing?: { includedPaths?: string[]; excludedPaths?: string[] };
}

export interface CosmosDatabaseArgs {
  name: string;
  containers: CosmosContainerArgs[];
}

export interface CosmosArgs extends BaseArgs {
  /** Serverless (pay per request) or autoscale throughput shared by each database's containers. */
  capacity: "serverless" | "autoscale";
  /** Autoscale only: the database's maximum RU/s (1000 or more, in steps of 1000). */
  autoscaleMaxThroughput?: number;
  zoneRedundant: boolean;
  /** Continuous backup (point-in-time restore, 30 days) or Azure's periodic default. */
  backup: "continuous" | "periodic";
  databases: CosmosDatabaseArgs[];
  privateEndpoint?: PrivateEndpointArgs;
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
    const { resourceGroupName, location, namer, tags } = args;

    const account = new cosmosdb.DatabaseAccount(
      `${name}-account`,
      {
        accountName: namer.name("cosmosAccount"),
        resourceGroupName,
        location,
        tags,
        kind: "GlobalDocumentDB",
        databaseAccountOfferType: "Standard",
        locations: [{ locationName: location, failoverPriority: 0, isZoneRedundant: args.zoneRedundant }],
        consistencyPolicy: { defaultConsistencyLevel: "Session" },
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
          options:
            args.capacity === "autoscale" ? { autoscaleSettings: { maxThroughput: args.autoscaleMaxThroughput ?? 1000 } } : undefined,
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
