import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as web from "@pulumi/azure-native/web";
import type * as inputs from "@pulumi/azure-native/types/input";
import type { BaseArgs } from "../core/args.js";
import { HEALTH_PATH } from "../core/health.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { WEB_PLAN_SKUS, type FunctionPlanSku, type WebPlanSku } from "./skus.js";

export { FUNCTION_PLAN_SKUS, WEB_PLAN_SKUS, type FunctionPlanSku, type WebPlanSku } from "./skus.js";

/**
 * The blob containers the Functions host keeps its leases and keys in. They must exist in the
 * host storage account: its apps may create nothing there.
 */
export const FUNCTIONS_HOST_CONTAINERS = ["azure-webjobs-hosts", "azure-webjobs-secrets"] as const;

/** A setting's value: plain text, or a Key Vault secret the app resolves with its own identity. */
export type AppSettingValue = pulumi.Input<string> | { keyVaultSecretUri: pulumi.Input<string> };

export interface HostedApp {
  /** The service's name, e.g. `api`: the app's name qualifier and its key in `apps`. */
  name: string;
  kind: "function-app" | "web-app";
  appSettings?: Record<string, AppSettingValue>;
  /**
   * The service's code: a zip in blob storage the app runs from, fetched with the app's own
   * identity (it needs blob read access on the account).
   */
  packageUrl?: pulumi.Input<string>;
}

export interface ComputeArgs extends BaseArgs {
  apps: HostedApp[];
  functionPlanSku: FunctionPlanSku;
  webPlanSku: WebPlanSku;
  /** Always-ready instances (Elastic Premium) and the autoscale floor (web plans). */
  minInstances: number;
  maxInstances: number;
  zoneRedundant: boolean;
  /** Subnet delegated to Microsoft.Web/serverFarms: the apps' outbound calls leave through it. */
  integrationSubnetId: pulumi.Input<string>;
  /** The only subnet allowed to call the apps: API Management's. */
  inboundSubnetId: pulumi.Input<string>;
  appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
  /**
   * The storage account the Functions host keeps its leases and keys in (AzureWebJobsStorage),
   * reached with the app's identity: no account key in any setting. It must hold the
   * FUNCTIONS_HOST_CONTAINERS.
   */
  hostStorage?: { accountName: pulumi.Input<string>; accountId: pulumi.Input<string> };
}

export interface HostedAppOutputs {
  id: pulumi.Output<string>;
  name: pulumi.Output<string>;
  defaultHostName: pulumi.Output<string>;
  principalId: pulumi.Output<string>;
  kind: HostedApp["kind"];
}

/** App settings whose names say they hold a credential: they must be Key Vault references. */
export const SECRET_SETTING = /(password|secret|key|token|connectionstring|credential)/i;
/** Settings the component sets itself; apps may not override them. */
const RESERVED_SETTINGS = new Set([
  "FUNCTIONS_EXTENSION_VERSION",
  "FUNCTIONS_WORKER_RUNTIME",
  "APPLICATIONINSIGHTS_CONNECTION_STRING",
  "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
  "AzureWebJobsStorage__accountName",
  "WEBSITE_RUN_FROM_PACKAGE",
  "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID",
]);

/** Turns the typed settings into App Service's list, refusing secret literals. */
export function appSettingsList(appName: string, settings: Record<string, AppSettingValue>): inputs.web.NameValuePairArgs[] {
  return Object.entries(settings).map(([name, value]) => {
    if (RESERVED_SETTINGS.has(name)) throw new Error(`app ${appName}: setting ${name} is set by the platform; remove it`);
    if (typeof value === "object" && value !== null && "keyVaultSecretUri" in value) {
      return { name, value: pulumi.interpolate`@Microsoft.KeyVault(SecretUri=${value.keyVaultSecretUri})` };
    }
    if (SECRET_SETTING.test(name)) {
      throw new Error(
        `app ${appName}: setting ${name} looks like a secret but is a plain value; pass { keyVaultSecretUri } so the app reads it from Key Vault`,
      );
    }
    return { name, value };
  });
}

/**
 * The hosts of the estate's services: an Elastic Premium plan for Function apps and a PremiumV3
 * (or smaller) plan for web apps, each created only when an app needs it. Every app is
 * VNet-integrated, HTTPS/TLS 1.2 only, reachable only from API Management's subnet (SCM site
 * included), runs with a system-assigned identity, and sends telemetry with Entra auth.
 *
 * Scaling: Elastic Premium scales itself on event load between minInstances (always ready) and
 * maxInstances, so only the web plan gets an autoscale setting (CPU > 70 % for 10 min adds an
 * instance, CPU < 30 % for 10 min removes one).
 */
export class Compute extends pulumi.ComponentResource {
  readonly apps: Record<string, HostedAppOutputs> = {};
  readonly functionPlanId?: pulumi.Output<string>;
  readonly webPlanId?: pulumi.Output<string>;

  constructor(name: string, args: ComputeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:compute:Compute", name, {}, opts);
    const names = args.apps.map((a) => a.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) throw new Error(`compute: app "${duplicate}" is listed twice`);
    if (args.minInstances < 1 || args.minInstances > args.maxInstances) {
      throw new Error(`compute: instances ${args.minInstances}..${args.maxInstances} are not a valid range`);
    }

    const needs = (kind: HostedApp["kind"]) => args.apps.some((a) => a.kind === kind);
    const functionPlan = needs("function-app") ? this.functionPlan(name, args) : undefined;
    const webPlan = needs("web-app") ? this.webPlan(name, args) : undefined;
    this.functionPlanId = functionPlan?.id;
    this.webPlanId = webPlan?.id;

    for (const app of args.apps) {
      const plan = app.kind === "function-app" ? functionPlan! : webPlan!;
      this.apps[app.name] = this.hostApp(name, args, app, plan);
    }
    this.registerOutputs({ apps: this.apps });
  }

  private functionPlan(name: string, args: ComputeArgs): web.AppServicePlan {
    const plan = new web.AppServicePlan(
      `${name}-asp-func`,
      {
        name: args.namer.name("appServicePlan", "func"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        kind: "elastic",
        reserved: true, // Linux
        sku: { name: args.functionPlanSku, tier: "ElasticPremium", capacity: args.minInstances },
        maximumElasticWorkerCount: args.maxInstances,
        zoneRedundant: args.zoneRedundant,
      },
      { parent: this },
    );
    applySharedArgs(this, `${name}-asp-func`, plan.id, args, { logs: false });
    return plan;
  }

  private webPlan(name: string, args: ComputeArgs): web.AppServicePlan {
    const sku = WEB_PLAN_SKUS[args.webPlanSku];
    if (args.zoneRedundant && !sku.zonal) throw new Error(`compute: web plan ${args.webPlanSku} cannot be zone redundant`);
    const plan = new web.AppServicePlan(
      `${name}-asp-web`,
      {
        name: args.namer.name("appServicePlan", "web"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        kind: "linux",
        reserved: true,
        sku: { name: args.webPlanSku, tier: sku.tier, capacity: args.minInstances },
        zoneRedundant: args.zoneRedundant,
      },
      // Autoscale owns the instance count once the plan exists.
      { parent: this, ignoreChanges: ["sku.capacity"] },
    );
    applySharedArgs(this, `${name}-asp-web`, plan.id, args, { logs: false });
    if (args.maxInstances > args.minInstances) this.autoscale(name, args, plan);
    return plan;
  }

  private autoscale(name: string, args: ComputeArgs, plan: web.AppServicePlan): monitor.AutoscaleSetting {
    const cpuRule = (
      operator: "GreaterThan" | "LessThan",
      threshold: number,
      direction: "Increase" | "Decrease",
    ): inputs.monitor.ScaleRuleArgs => ({
      metricTrigger: {
        metricName: "CpuPercentage",
        metricNamespace: "microsoft.web/serverfarms",
        metricResourceUri: plan.id,
        timeGrain: "PT1M",
        statistic: "Average",
        timeWindow: "PT10M",
        timeAggregation: "Average",
        operator,
        threshold,
      },
      scaleAction: { direction, type: "ChangeCount", value: "1", cooldown: "PT10M" },
    });
    return new monitor.AutoscaleSetting(
      `${name}-asp-web-autoscale`,
      {
        autoscaleSettingName: args.namer.name("autoscaleSetting", "web"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        enabled: true,
        targetResourceUri: plan.id,
        profiles: [
          {
            name: "cpu",
            capacity: { minimum: String(args.minInstances), maximum: String(args.maxInstances), default: String(args.minInstances) },
            rules: [cpuRule("GreaterThan", 70, "Increase"), cpuRule("LessThan", 30, "Decrease")],
          },
        ],
      },
      { parent: this },
    );
  }

  private hostApp(name: string, args: ComputeArgs, app: HostedApp, plan: web.AppServicePlan): HostedAppOutputs {
    const isFunction = app.kind === "function-app";
    const logicalName = `${name}-${app.name}`;
    const platformSettings: inputs.web.NameValuePairArgs[] = [
      ...(isFunction
        ? [
            { name: "FUNCTIONS_EXTENSION_VERSION", value: "~4" },
            { name: "FUNCTIONS_WORKER_RUNTIME", value: "node" },
            ...(args.hostStorage ? [{ name: "AzureWebJobsStorage__accountName", value: args.hostStorage.accountName }] : []),
          ]
        : []),
      ...(app.packageUrl
        ? [
            { name: "WEBSITE_RUN_FROM_PACKAGE", value: app.packageUrl },
            // Run-from-package fetches the blob with the app's system-assigned identity, not a SAS.
            { name: "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", value: "SystemAssigned" },
          ]
        : []),
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: args.appInsights.connectionString },
      // App Insights accepts only Entra-authenticated telemetry: the app signs in with its identity.
      { name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", value: "Authorization=AAD" },
    ];
    const onlyFromGateway: inputs.web.IpSecurityRestrictionArgs[] = [
      {
        name: "allow-api-management",
        description: "Only API Management's subnet may call the app; Front Door reaches it through APIM.",
        action: "Allow",
        priority: 100,
        vnetSubnetResourceId: args.inboundSubnetId,
      },
    ];
    const site = new web.WebApp(
      logicalName,
      {
        name: args.namer.name(isFunction ? "functionApp" : "webApp", app.name),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: args.tags,
        kind: isFunction ? "functionapp,linux" : "app,linux",
        reserved: true,
        serverFarmId: plan.id,
        httpsOnly: true,
        clientAffinityEnabled: false,
        identity: { type: "SystemAssigned" },
        virtualNetworkSubnetId: args.integrationSubnetId,
        // Key Vault references resolve with the app's own identity.
        keyVaultReferenceIdentity: "SystemAssigned",
        siteConfig: {
          linuxFxVersion: isFunction ? "NODE|20" : "NODE|20-lts",
          alwaysOn: isFunction ? undefined : true,
          minTlsVersion: "1.2",
          scmMinTlsVersion: "1.2",
          ftpsState: "Disabled",
          remoteDebuggingEnabled: false,
          http20Enabled: true,
          vnetRouteAllEnabled: true,
          healthCheckPath: HEALTH_PATH,
          ipSecurityRestrictions: onlyFromGateway,
          ipSecurityRestrictionsDefaultAction: "Deny",
          // The deployment (SCM) site gets no allow rule at all: nothing reaches it from outside.
          scmIpSecurityRestrictions: [],
          scmIpSecurityRestrictionsDefaultAction: "Deny",
          scmIpSecurityRestrictionsUseMain: false,
          ...(isFunction ? { minimumElasticInstanceCount: args.minInstances, functionAppScaleLimit: args.maxInstances } : {}),
          appSettings: [...platformSettings, ...appSettingsList(app.name, app.appSettings ?? {})],
        },
      },
      { parent: this },
    );
    applySharedArgs(this, logicalName, site.id, args);
    const principalId = site.identity.apply((identity) => {
      if (!identity?.principalId) throw new Error(`app ${app.name}: Azure returned no managed identity`);
      return identity.principalId;
    });
    assignRoles(this, `${logicalName}-telemetry`, args.appInsights.id, [
      { role: "Monitoring Metrics Publisher", principalId, key: app.name },
    ]);
    if (isFunction && args.hostStorage) {
      // The host's blob leases and keys, and nothing else of the account: Owner only on the host's
      // own containers, so an app can neither read other data nor replace any package.
      const { accountId } = args.hostStorage;
      for (const container of FUNCTIONS_HOST_CONTAINERS) {
        assignRoles(this, `${logicalName}-${container}`, pulumi.interpolate`${accountId}/blobServices/default/containers/${container}`, [
          { role: "Storage Blob Data Owner", principalId, key: app.name },
        ]);
      }
    }
    return { id: site.id, name: site.name, defaultHostName: site.defaultHostName, principalId, kind: app.kind };
  }
}
