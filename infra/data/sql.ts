import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as sql from "@pulumi/azure-native/sql";
import type { BaseArgs, PrivateEndpointArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { sendDiagnostics } from "../observability/diagnostics.js";

/** The vCore service tiers the estate offers; serverless exists on General Purpose only. */
export type SqlEdition = "GeneralPurpose" | "BusinessCritical";

/** SKU names per edition and compute. Source: https://learn.microsoft.com/azure/azure-sql/database/resource-limits-vcore-single-databases */
const SQL_SKUS = {
  GeneralPurpose: { serverless: "GP_S_Gen5", provisioned: "GP_Gen5" },
  BusinessCritical: { provisioned: "BC_Gen5" },
} as const;

export interface SqlDatabaseArgs {
  /** The database's name on the server, e.g. `orders`. */
  name: string;
  /** Serverless (General Purpose only) bills per vCore-second and can pause; provisioned runs its vCores all the time. */
  compute: "serverless" | "provisioned";
  /** General Purpose unless given; Business Critical keeps replicas on local SSD (zone redundancy included). */
  edition?: SqlEdition;
  /** Serverless: the maximum vCores; provisioned: the vCores. */
  vCores: number;
  /** Serverless only: the vCores always allocated (0.5 unless given). */
  minVCores?: number;
  /** Serverless only: minutes idle before the database pauses (-1 never pauses). */
  autoPauseDelayMinutes?: number;
  /** The database's maximum data size; Azure's default for the SKU unless given. */
  maxSizeGB?: number;
  /** Point-in-time restore window, 1-35 days. */
  backupRetentionDays: number;
  /**
   * Long-term retention of full backups, each an ISO 8601 duration: `weekly` (e.g. P12W), `monthly`
   * (e.g. P12M), `yearly` (e.g. P5Y), the yearly one taken in week `weekOfYear` (1-52). Absent: none.
   */
  longTermRetention?: { weekly?: string; monthly?: string; yearly?: string; weekOfYear?: number };
}

export interface SqlArgs extends BaseArgs {
  /** The Entra group that administers the server, the only way in (SQL logins are off): its display name `login` and its `objectId`. */
  admin: { login: string; objectId: string };
  /** Spread the databases over the region's availability zones (General Purpose and Business Critical). */
  zoneRedundant: boolean;
  /** The databases on the server. */
  databases: SqlDatabaseArgs[];
  /** Where the server's private endpoint goes; absent: none (public network access stays disabled). */
  privateEndpoint?: PrivateEndpointArgs;
}

/**
 * An Azure SQL logical server with Entra-only authentication and no public access, audited to Log
 * Analytics, and its databases (serverless or provisioned, General Purpose or Business Critical) with
 * TDE on, the configured point-in-time retention and, where asked, long-term retention.
 */
export class SqlDatabase extends pulumi.ComponentResource {
  readonly serverId: pulumi.Output<string>;
  readonly serverName: pulumi.Output<string>;
  readonly fullyQualifiedDomainName: pulumi.Output<string>;
  readonly databaseIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: SqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:SqlDatabase", name, {}, opts);
    const { resourceGroupName, location, namer } = args;

    const server = new sql.Server(
      `${name}-server`,
      {
        serverName: namer.name("sqlServer"),
        resourceGroupName,
        location,
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
    sendDiagnostics(this, `${name}-master`, pulumi.interpolate`${server.id}/databases/master`, args.diagnostics, {
      metrics: false,
    });
    // Threat detection (SQL injection, anomalous access) alerts the subscription's admins.
    new sql.ServerSecurityAlertPolicy(
      `${name}-threat-detection`,
      {
        serverName: server.name,
        resourceGroupName,
        securityAlertPolicyName: "Default",
        state: "Enabled",
        emailAccountAdmins: true,
      },
      { parent: this },
    );

    for (const db of args.databases) {
      const serverless = db.compute === "serverless";
      const edition = db.edition ?? "GeneralPurpose";
      const skus: Partial<Record<SqlDatabaseArgs["compute"], string>> = SQL_SKUS[edition];
      const skuName = skus[db.compute];
      if (!skuName)
        throw new Error(
          `sql ${name}: database ${db.name} asks for ${db.compute} ${edition}; serverless exists on GeneralPurpose only`,
        );
      const database = new sql.Database(
        `${name}-${db.name}`,
        {
          databaseName: db.name,
          serverName: server.name,
          resourceGroupName,
          location,
          sku: { name: skuName, tier: edition, family: "Gen5", capacity: db.vCores },
          autoPauseDelay: serverless ? (db.autoPauseDelayMinutes ?? 60) : undefined,
          minCapacity: serverless ? (db.minVCores ?? 0.5) : undefined,
          maxSizeBytes: db.maxSizeGB === undefined ? undefined : db.maxSizeGB * 1024 ** 3,
          zoneRedundant: args.zoneRedundant,
          // Zone-redundant estates (prod) keep backups in zones and in the paired region.
          requestedBackupStorageRedundancy: args.zoneRedundant ? "GeoZone" : "Local",
        },
        { parent: this },
      );
      new sql.TransparentDataEncryption(
        `${name}-${db.name}-tde`,
        {
          serverName: server.name,
          databaseName: database.name,
          resourceGroupName,
          tdeName: "current",
          state: "Enabled",
        },
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
      if (db.longTermRetention) {
        const { weekly, monthly, yearly, weekOfYear } = db.longTermRetention;
        new sql.LongTermRetentionPolicy(
          `${name}-${db.name}-ltr`,
          {
            serverName: server.name,
            databaseName: database.name,
            resourceGroupName,
            policyName: "default",
            weeklyRetention: weekly,
            monthlyRetention: monthly,
            yearlyRetention: yearly,
            weekOfYear: yearly ? (weekOfYear ?? 1) : undefined,
          },
          { parent: this },
        );
      }
      sendDiagnostics(this, `${name}-${db.name}`, database.id, args.diagnostics);
      this.databaseIds[db.name] = database.id;
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "sql", server.id, args.privateEndpoint);
    lockResource(this, name, server.id, args.lock);

    this.serverId = server.id;
    this.serverName = server.name;
    this.fullyQualifiedDomainName = server.fullyQualifiedDomainName;
    this.registerOutputs({ serverId: this.serverId, fullyQualifiedDomainName: this.fullyQualifiedDomainName });
  }
}
