import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as sql from "@pulumi/azure-native/sql";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";
import { assignRoles } from "../core/roles.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { sendDiagnostics } from "../observability/diagnostics.js";

export interface SqlDatabaseArgs {
  name: string;
  /** Serverless General Purpose with auto-pause, or provisioned vCores. */
  compute: "serverless" | "provisioned";
  /** Serverless: the maximum vCores; provisioned: the vCores. */
  vCores: number;
  /** Serverless only: minutes idle before the database pauses (-1 never pauses). */
  autoPauseDelayMinutes?: number;
  /** Point-in-time restore window, 1-35 days. */
  backupRetentionDays: number;
}

export interface SqlArgs extends BaseArgs {
  /** The Entra group that administers the server: the only way in (SQL logins are off). */
  admin: { login: string; objectId: string };
  zoneRedundant: boolean;
  databases: SqlDatabaseArgs[];
  privateEndpoint?: PrivateEndpointArgs;
}

/**
 * An Azure SQL logical server with Entra-only authentication and no public access, audited to Log
 * Analytics, and its databases with TDE on and the configured backup retention.
 */
export class SqlDatabase extends pulumi.ComponentResource {
  readonly serverId: pulumi.Output<string>;
  readonly serverName: pulumi.Output<string>;
  readonly fullyQualifiedDomainName: pulumi.Output<string>;
  readonly databaseIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:SqlDatabase", name, {}, opts);
    const { resourceGroupName, location, namer, tags } = args;

    const server = new sql.Server(
      `${name}-server`,
      {
        serverName: namer.name("sqlServer"),
        resourceGroupName,
        location,
        tags,
        version: "12.0",
        identity: { type: "SystemAssigned" },
        administrators: {
          administratorType: "ActiveDirectory",
          azureADOnlyAuthentication: true,
          principalType: "Group",
          login: args.admin.login,
          sid: args.admin.objectId,
          tenantId: authorization.getClientConfigOutput().tenantId,
        },
        minimalTlsVersion: "1.2",
        publicNetworkAccess: "Disabled",
        restrictOutboundNetworkAccess: "Enabled",
      },
      { parent: this },
    );

    // Audit records go to Azure Monitor: the policy turns them on, the master database's
    // diagnostic setting (SQLSecurityAuditEvents is in allLogs) sends them to the workspace.
    new sql.ServerBlobAuditingPolicy(
      `${name}-auditing`,
      {
        serverName: server.name,
        resourceGroupName,
        blobAuditingPolicyName: "default",
        state: "Enabled",
        isAzureMonitorTargetEnabled: true,
        auditActionsAndGroups: [
          "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
          "FAILED_DATABASE_AUTHENTICATION_GROUP",
          "BATCH_COMPLETED_GROUP",
        ],
      },
      { parent: this },
    );
    sendDiagnostics(this, `${name}-master`, pulumi.interpolate`${server.id}/databases/master`, args.diagnostics, { metrics: false });
    // Threat detection (SQL injection, anomalous access) alerts the subscription's admins.
    new sql.ServerSecurityAlertPolicy(
      `${name}-threat-detection`,
      { serverName: server.name, resourceGroupName, securityAlertPolicyName: "Default", state: "Enabled", emailAccountAdmins: true },
      { parent: this },
    );

    for (const db of args.databases) {
      const serverless = db.compute === "serverless";
      const database = new sql.Database(
        `${name}-${db.name}`,
        {
          databaseName: db.name,
          serverName: server.name,
          resourceGroupName,
          location,
          tags,
          sku: { name: serverless ? "GP_S_Gen5" : "GP_Gen5", tier: "GeneralPurpose", family: "Gen5", capacity: db.vCores },
          autoPauseDelay: serverless ? (db.autoPauseDelayMinutes ?? 60) : undefined,
          minCapacity: serverless ? 0.5 : undefined,
          zoneRedundant: args.zoneRedundant,
          // Zone-redundant estates (prod) keep backups in zones and in the paired region.
          requestedBackupStorageRedundancy: args.zoneRedundant ? "GeoZone" : "Local",
        },
        { parent: this },
      );
      new sql.TransparentDataEncryption(
        `${name}-${db.name}-tde`,
        { serverName: server.name, databaseName: database.name, resourceGroupName, tdeName: "current", state: "Enabled" },
        { parent: this },
      );
      new sql.BackupShortTermRetentionPolicy(
        `${name}-${db.name}-backup`,
        {
          serverName: server.name,
          databaseName: database.name,
          resourceGroupName,
          policyName: "default",
          retentionDays: db.backupRetentionDays,
        },
        { parent: this },
      );
      sendDiagnostics(this, `${name}-${db.name}`, database.id, args.diagnostics);
      this.databaseIds[db.name] = database.id;
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "sql", server.id, args.privateEndpoint);
    lockResource(this, name, server.id, args.lock);
    assignRoles(this, name, server.id, args.roleAssignments);

    this.serverId = server.id;
    this.serverName = server.name;
    this.fullyQualifiedDomainName = server.fullyQualifiedDomainName;
    this.registerOutputs({ serverId: this.serverId, fullyQualifiedDomainName: this.fullyQualifiedDomainName });
  }
}
