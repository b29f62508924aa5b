import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type { BaseArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";
import { applySharedArgs } from "../core/shared.js";
import { sendDiagnostics } from "./diagnostics.js";

export interface MonitoringArgs extends Omit<BaseArgs, "diagnostics"> {
  /** Days the Log Analytics workspace (and App Insights on it) keeps data; Azure accepts 30-730. */
  retentionDays: number;
}

/**
 * The estate's Log Analytics workspace and the workspace-based Application Insights on it.
 * Created first: every other component sends its diagnostics here.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly workspaceId: pulumi.Output<string>;
  readonly appInsightsId: pulumi.Output<string>;
  readonly appInsightsConnectionString: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:observability:Monitoring", name, {}, opts);
    const { resourceGroupName, location, namer } = args;

    const workspace = new operationalinsights.Workspace(
      `${name}-log`,
      {
        workspaceName: namer.name("logAnalytics"),
        resourceGroupName,
        location,
        sku: { name: "PerGB2018" },
        retentionInDays: args.retentionDays,
        features: { enableLogAccessUsingOnlyResourcePermissions: true },
      },
      { parent: this },
    );
    // The workspace's own audit logs (who queried what) land in the workspace itself.
    const self = { workspaceId: workspace.id };
    applySharedArgs(this, `${name}-log`, workspace.id, { ...args, diagnostics: self });

    const appInsights = new applicationinsights.Component(
      `${name}-appi`,
      {
        resourceName: namer.name("appInsights"),
        resourceGroupName,
        location,
        kind: "web",
        applicationType: "web",
        workspaceResourceId: workspace.id,
        ingestionMode: "LogAnalytics",
        // Telemetry is sent with Entra tokens (managed identity), never the instrumentation key alone.
        disableLocalAuth: true,
        retentionInDays: args.retentionDays,
      },
      { parent: this },
    );

    sendDiagnostics(this, `${name}-appi`, appInsights.id, self);
    lockResource(this, `${name}-appi`, appInsights.id, args.lock);

    this.workspaceId = workspace.id;
    this.appInsightsId = appInsights.id;
    this.appInsightsConnectionString = appInsights.connectionString;
    this.registerOutputs({ workspaceId: this.workspaceId, appInsightsId: this.appInsightsId });
  }
}
