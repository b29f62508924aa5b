import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as mysql from "@pulumi/azure-native/dbformysql";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import * as random from "@pulumi/random";
import { applySharedArgs } from "../core/shared.js";
import { privateEndpoint } from "../network/private-endpoint.js";
import { checkFlexibleServer, MYSQL_LIMITS, type FlexibleServerArgs } from "./flexible-server.js";

export interface MySqlArgs extends FlexibleServerArgs {
  /** e.g. "8.0.21". */
  version: string;
}

/**
 * Server parameters the estate fixes: encrypted connections only, TLS 1.2 or 1.3, connection
 * audit logs (sent by the diagnostic setting), and Entra sign-in only once the admin exists.
 * Sources: https://learn.microsoft.com/azure/mysql/flexible-server/concepts-networking#tls-and-ssl,
 * https://learn.microsoft.com/azure/mysql/flexible-server/concepts-audit-logs,
 * https://learn.microsoft.com/azure/mysql/flexible-server/concepts-azure-ad-authentication
 */
const PARAMETERS = {
  require_secure_transport: "ON",
  tls_version: "TLSv1.2,TLSv1.3",
  audit_log_enabled: "ON",
  audit_log_events: "CONNECTION",
  aad_auth_only: "ON",
};

/**
 * Azure Database for MySQL flexible server with Microsoft Entra authentication only, public access
 * off and a private endpoint, TLS enforced, the configured HA and backups, and its databases.
 *
 * MySQL asks for an administrator login and password when the server is created; the password is
 * random, kept only in state as a secret, and unusable once `aad_auth_only` is ON. Entra sign-in
 * needs a user-assigned identity on the server (it reads the directory through Microsoft Graph:
 * grant it User.Read.All, GroupMember.Read.All and Application.Read.All, or make it a member of
 * Directory Readers, outside the estate).
 */
export class MySqlServer extends pulumi.ComponentResource {
  readonly serverId: pulumi.Output<string>;
  readonly serverName: pulumi.Output<string>;
  readonly fullyQualifiedDomainName: pulumi.Output<string>;
  /** The principal of the server's identity, for the directory-read grant. */
  readonly identityPrincipalId: pulumi.Output<string>;
  readonly databaseIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: MySqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:MySqlServer", name, {}, opts);
    checkFlexibleServer(name, args, MYSQL_LIMITS);
    const { resourceGroupName, location, namer } = args;
    const tenantId = authorization.getClientConfigOutput().tenantId;

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceName: namer.name("managedIdentity", "mysql"), resourceGroupName, location },
      { parent: this },
    );
    const password = new random.RandomPassword(
      `${name}-bootstrap-password`,
      { length: 32, special: true, minSpecial: 2 },
      { parent: this },
    );

    const server = new mysql.Server(
      `${name}-server`,
      {
        serverName: namer.name("mysqlServer"),
        resourceGroupName,
        location,
        version: args.version,
        sku: args.sku,
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        administratorLogin: "bootstrapadmin",
        administratorLoginPassword: password.result,
        storage: { storageSizeGB: args.storageSizeGB, autoGrow: "Enabled", autoIoScaling: "Enabled" },
        network: { publicNetworkAccess: "Disabled" },
        highAvailability: { mode: args.highAvailability },
        backup: {
          backupRetentionDays: args.backupRetentionDays,
          geoRedundantBackup: args.geoRedundantBackup ? "Enabled" : "Disabled",
        },
      },
      { parent: this, additionalSecretOutputs: ["administratorLoginPassword"] },
    );

    // The server applies one change at a time, and aad_auth_only needs the Entra admin first.
    let previous: pulumi.Resource = new mysql.AzureADAdministrator(
      `${name}-admin`,
      {
        serverName: server.name,
        resourceGroupName,
        administratorName: "ActiveDirectory",
        administratorType: "ActiveDirectory",
        identityResourceId: identity.id,
        login: args.admin.principalName,
        sid: args.admin.objectId,
        tenantId,
      },
      { parent: this },
    );
    for (const [parameter, value] of Object.entries(PARAMETERS)) {
      previous = new mysql.Configuration(
        `${name}-${parameter.replace(/_/g, "-")}`,
        { serverName: server.name, resourceGroupName, configurationName: parameter, value, source: "user-override" },
        { parent: this, dependsOn: [previous] },
      );
    }
    for (const db of args.databases) {
      const database = new mysql.Database(
        `${name}-${db}`,
        {
          serverName: server.name,
          resourceGroupName,
          databaseName: db,
          charset: "utf8mb4",
          collation: "utf8mb4_0900_ai_ci",
        },
        { parent: this, dependsOn: [previous] },
      );
      previous = database;
      this.databaseIds[db] = database.id;
    }

    if (args.privateEndpoint) privateEndpoint(this, name, args, "mysql", server.id, args.privateEndpoint);
    applySharedArgs(this, name, server.id, args);

    this.serverId = server.id;
    this.serverName = server.name;
    this.fullyQualifiedDomainName = server.fullyQualifiedDomainName;
    this.identityPrincipalId = identity.principalId;
    this.registerOutputs({ serverId: this.serverId, fullyQualifiedDomainName: this.fullyQualifiedDomainName });
  }
}
