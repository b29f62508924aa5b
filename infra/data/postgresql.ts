import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as postgresql from "@pulumi/azure-native/dbforpostgresql";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { checkFlexibleServer, POSTGRESQL_LIMITS, type FlexibleServerArgs } from "./flexible-server.js";

export interface PostgreSqlArgs extends FlexibleServerArgs {
  /** Major version, e.g. "16" or "17". */
  version: string;
}

/**
 * Server parameters the estate fixes: TLS required, 1.2 at least.
 * Source: https://learn.microsoft.com/azure/postgresql/flexible-server/security-tls
 */
const PARAMETERS = { require_secure_transport: "on", ssl_min_protocol_version: "TLSv1.2" };

/**
 * Azure Database for PostgreSQL flexible server with Microsoft Entra authentication only (password
 * authentication off, an Entra administrator), public network access off and a private endpoint
 * (Private Link rather than VNet injection: no delegated subnet, the same private-endpoint subnet
 * and DNS pattern as every other data service, and public access can stay disabled), TLS
 * enforced, the configured HA and backups, and its databases.
 */
export class PostgreSqlServer extends pulumi.ComponentResource {
  readonly serverId: pulumi.Output<string>;
  readonly serverName: pulumi.Output<string>;
  readonly fullyQualifiedDomainName: pulumi.Output<string>;
  readonly databaseIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: PostgreSqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:PostgreSqlServer", name, {}, opts);
    checkFlexibleServer(name, args, POSTGRESQL_LIMITS);
    const { resourceGroupName, location, namer } = args;
    const tenantId = authorization.getClientConfigOutput().tenantId;

    const server = new postgresql.Server(
      `${name}-server`,
      {
        serverName: namer.name("postgresqlServer"),
        resourceGroupName,
        location,
        version: args.version,
        sku: args.sku,
        storage: { storageSizeGB: args.storageSizeGB, autoGrow: "Enabled" },
        authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled", tenantId },
        network: { publicNetworkAccess: "Disabled" },
        highAvailability: { mode: args.highAvailability },
        backup: {
          backupRetentionDays: args.backupRetentionDays,
          geoRedundantBackup: args.geoRedundantBackup ? "Enabled" : "Disabled",
        },
      },
      { parent: this },
    );

    // The server applies one change at a time: each child waits for the one before it.
    let previous: pulumi.Resource = new postgresql.AdministratorsMicrosoftEntra(
      `${name}-admin`,
      {
        serverName: server.name,
        resourceGroupName,
        objectId: args.admin.objectId,
        principalName: args.admin.principalName,
        principalType: args.admin.principalType,
        tenantId,
      },
      { parent: this },
    );
    for (const [parameter, value] of Object.entries(PARAMETERS)) {
      previous = new postgresql.Configuration(
        `${name}-${parameter.replace(/_/g, "-")}`,
        { serverName: server.name, resourceGroupName, configurationName: parameter, value, source: "user-override" },
        { parent: this, dependsOn: [previous] },
      );
    }
    for (const db of args.databases) {
      const database = new postgresql.Database(
        `${name}-${db}`,
        { serverName: server.name, resourceGroupName, databaseName: db, charset: "UTF8", collation: "en_US.utf8" },
        { parent: this, dependsOn: [previous] },
      );
      previous = database;
      this.databaseIds[db] = database.id;
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "postgresql", server.id, args.privateEndpoint);
    applySharedArgs(this, name, server.id, args);

    this.serverId = server.id;
    this.serverName = server.name;
    this.fullyQualifiedDomainName = server.fullyQualifiedDomainName;
    this.registerOutputs({ serverId: this.serverId, fullyQualifiedDomainName: this.fullyQualifiedDomainName });
  }
}
