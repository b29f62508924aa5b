import * as pulumi from "@pulumi/pulumi";
import * as sql from "@pulumi/azure-native/sql";
import type { Namer } from "../naming/index.js";

export interface SqlFailoverGroupArgs {
  /** Resource group of the primary server, where the failover group lives. */
  resourceGroupName: pulumi.Input<string>;
  /** Names the group; its listener is `<name>.database.windows.net`. */
  namer: Namer;
  /** Name of the primary SQL server, whose databases the group replicates. */
  primaryServerName: pulumi.Input<string>;
  /** Resource id of the partner server in the secondary region. */
  secondaryServerId: pulumi.Input<string>;
  /** The primary's databases: Azure seeds their geo-secondaries on the partner server. */
  databaseIds: pulumi.Input<string>[];
  /**
   * Manual: an operator starts the geo-failover (customer-managed). Automatic: Azure fails over
   * once the primary has been unreachable for the grace period (Microsoft-managed), at least 60 minutes.
   */
  policy: "Manual" | "Automatic";
  /**
   * Automatic policy only: minutes the primary must be unreachable before Azure fails over with data loss
   * (at least 60).
   */
  gracePeriodMinutes?: number;
}

/** Microsoft-managed failover waits at least an hour. Source: https://learn.microsoft.com/azure/azure-sql/database/failover-group-sql-db */
export const MIN_GRACE_PERIOD_MINUTES = 60;

/**
 * An Azure SQL failover group: the primary server's databases geo-replicated to a partner server
 * in another region, behind a read-write listener (`<group>.database.windows.net`) that follows the
 * primary across a geo-failover, so apps never change their connection string.
 */
export class SqlFailoverGroup extends pulumi.ComponentResource {
  readonly groupId: pulumi.Output<string>;
  /** The read-write listener apps connect to. */
  readonly listenerFqdn: pulumi.Output<string>;

  constructor(name: string, args: SqlFailoverGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:data:SqlFailoverGroup", name, {}, opts);
    const automatic = args.policy === "Automatic";
    if (automatic && (args.gracePeriodMinutes ?? 0) < MIN_GRACE_PERIOD_MINUTES) {
      throw new Error(
        `sql failover group ${name}: an automatic policy needs a grace period of ${MIN_GRACE_PERIOD_MINUTES} minutes or more; got ${args.gracePeriodMinutes}`,
      );
    }
    const groupName = args.namer.name("sqlFailoverGroup");
    const group = new sql.FailoverGroup(
      `${name}-group`,
      {
        failoverGroupName: groupName,
        serverName: args.primaryServerName,
        resourceGroupName: args.resourceGroupName,
        partnerServers: [{ id: args.secondaryServerId }],
        databases: args.databaseIds,
        readWriteEndpoint: automatic
          ? { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: args.gracePeriodMinutes }
          : { failoverPolicy: "Manual" },
        // Read-only traffic stays on the primary while the secondary is unreachable.
        readOnlyEndpoint: { failoverPolicy: "Disabled" },
      },
      { parent: this },
    );
    this.groupId = group.id;
    this.listenerFqdn = pulumi.output(`${groupName}.database.windows.net`);
    this.registerOutputs({ groupId: this.groupId, listenerFqdn: this.listenerFqdn });
  }
}
