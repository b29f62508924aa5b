import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as web from "@pulumi/azure-native/web";
import type * as inputs from "@pulumi/azure-native/types/input";
import type { BaseArgs } from "../core/args.js";
import { HEALTH_PATH } from "../core/health.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import {
  ELASTIC_MAX_INSTANCES,
  FLEX_INSTANCE_MEMORY_MB,
  FLEX_MAX_INSTANCES,
  WEB_PLAN_SKUS,
  type FlexInstanceMemory,
  type FunctionPlanSku,
  type WebPlanSku,
} from "./skus.js";
import { FUNCTIONS_HOST_ID_LENGTH, hostIdClashes } from "./host-ids.js";
import { STAGING_SLOT, webHostingProblems, type WebHosting } from "./web.js";

export { STAGING_SLOT, webHostingProblems, type WebAutoscale, type WebHosting } from "./web.js";
export { FUNCTION_PLAN_SKUS, WEB_PLAN_SKUS, type FunctionPlanSku, type WebPlanSku } from "./skus.js";

/**
 * The blob containers the Functions host keeps its leases and keys in. They must exist in the
 * host storage account: its apps may create nothing there.
 */
export const FUNCTIONS_HOST_CONTAINERS = ["azure-webjobs-hosts", "azure-webjobs-secrets"] as const;
export type FunctionsHostContainer = (typeof FUNCTIONS_HOST_CONTAINERS)[number];

/** A setting's value: plain text, or a Key Vault secret the app resolves with its own identity. */
export type AppSettingValue = pulumi.Input<string> | { keyVaultSecretUri: pulumi.Input<string> };

/**
 * What an app's code runs on: Node 20 by default, or a Python version (its source built in Azure:
 * the app gets the remote-build settings, and its package by zip deploy, never a package URL).
 */
export type AppRuntime = { name: "node" } | { name: "python"; version: string };

export interface HostedApp {
  /** The service's name, e.g. `api`: the app's name qualifier and its key in `apps`. */
  name: string;
  kind: "function-app" | "web-app";
  runtime?: AppRuntime;
  appSettings?: Record<string, AppSettingValue>;
  /**
   * The service's code: a zip in blob storage the app runs from, fetched with the app's own
   * identity (it needs blob read access on the account). Not on Flex Consumption, whose apps
   * receive their package by One deploy once they exist, nor on Python apps, built in Azure from
   * theirs by zip deploy (`publishPackage`).
   */
  packageUrl?: pulumi.Input<string>;
  /**
   * A user-assigned identity the app (and its staging slot) also carries, beside its own: one
   * principal known before the app exists and the same on both slots, for data that names its
   * users (Redis users, database users).
   */
  userAssignedIdentityId?: pulumi.Input<string>;
}

/** The plan Function apps run on, with its scale settings. */
export type FunctionsHosting =
  | {
      plan: "ElasticPremium";
      sku: FunctionPlanSku;
      /** Always-ready instances (at least one) ... */
      alwaysReady: number;
      /** ... and the burst ceiling (at most 100). */
      maxInstances: number;
    }
  | {
      plan: "FlexConsumption";
      instanceMemoryMB: FlexInstanceMemory;
      /** Always-ready instances of the HTTP scale group; 0 scales to zero. */
      alwaysReady: number;
      /** Per-app instance ceiling, 40-1000. */
      maxInstances: number;
      /**
       * The blob container of each app (by service name) that One deploy writes its package to
       * and the platform runs it from (functionAppConfig deployment storage), used with the app's
       * own identity: no connection string, and no app can touch another's package.
       */
      deploymentContainerUrl(app: string): pulumi.Input<string>;
    };

/**
 * Who may call the apps: one allow rule in front of a deny-by-default, either a subnet (a gateway
 * in the VNet) or a service tag with optional header filters (Front Door with its X-Azure-FDID).
 */
export interface AppInbound {
  name: string;
  description: string;
  subnetId?: pulumi.Input<string>;
  serviceTag?: string;
  headers?: Record<string, pulumi.Input<string>[]>;
}

export interface ComputeArgs extends BaseArgs {
  /** The Function apps and web apps to host, one per service: each gets its app, its staging slot and its settings. */
  apps: HostedApp[];
  /** The plan the Function apps run on (Elastic Premium or Flex Consumption) and its scale settings. */
  functions: FunctionsHosting;
  /** The App Service plan the web apps run on: SKU, instance counts, autoscale. */
  web: WebHosting;
  /** Spread the plans over the region's availability zones (the plan SKU must support it). */
  zoneRedundant: boolean;
  /**
   * The apps' outbound calls leave through this subnet: delegated to Microsoft.Web/serverFarms, or
   * to Microsoft.App/environments when the functions run on Flex Consumption.
   */
  integrationSubnetId: pulumi.Input<string>;
  /** The only caller allowed in; without it the apps are the estate's entry point and open to anyone. */
  inbound?: AppInbound;
  /**
   * The subnet the deploy runs in (a runner in the management subnet, with the Microsoft.Web service
   * endpoint): the one caller the SCM site admits on apps that receive their code through it (Flex
   * Consumption's One deploy, Python's zip deploy). Every other app's SCM site admits nobody.
   */
  deployerSubnetId?: pulumi.Input<string>;
  /**
   * Appended to the keys of the apps' role assignments on shared scopes (App Insights, the host
   * storage's containers), so the same apps in another region get assignments of their own.
   */
  roleKeySuffix?: string;
  /** The Application Insights resource the apps report to: its resource `id` and its `connectionString`. */
  appInsights: { id: pulumi.Input<string>; connectionString: pulumi.Input<string> };
  /**
   * The storage account the Functions host keeps its leases and keys in (AzureWebJobsStorage),
   * reached with the app's identity: no account key in any setting. It must hold the
   * FUNCTIONS_HOST_CONTAINERS: the account's `accountName`, and the `containerIds` by container
   * name, so the host's grants wait for them.
   */
  hostStorage?: {
    accountName: pulumi.Input<string>;
    containerIds: Record<FunctionsHostContainer, pulumi.Input<string>>;
  };
}

export interface HostedAppOutputs {
  id: pulumi.Output<string>;
  name: pulumi.Output<string>;
  defaultHostName: pulumi.Output<string>;
  principalId: pulumi.Output<string>;
  kind: HostedApp["kind"];
  /** The `staging` slot (web apps, when the plan has stagingSlot on): its own identity needs the app's grants. */
  stagingSlot?: { name: pulumi.Output<string>; principalId: pulumi.Output<string> };
}

/**
 * The settings that make App Service build a Linux app from its source on zip deploy (Oryx: pip
 * install -r requirements.txt), https://learn.microsoft.com/azure/azure-functions/functions-deployment-technologies#remote-build.
 * Flex Consumption takes none: its remote build is asked for at deploy (`--build-remote true`).
 */
const REMOTE_BUILD = { SCM_DO_BUILD_DURING_DEPLOYMENT: "true", ENABLE_ORYX_BUILD: "true" };

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
  ...Object.keys(REMOTE_BUILD),
]);

/** Turns the typed settings into App Service's list, refusing secret literals. */
export function appSettingsList(
  appName: string,
  settings: Record<string, AppSettingValue>,
): inputs.web.NameValuePairArgs[] {
  return Object.entries(settings).map(([name, value]) => {
    if (RESERVED_SETTINGS.has(name))
      throw new Error(`app ${appName}: setting ${name} is set by the platform; remove it`);
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
 * The hosts of the estate's services: an Elastic Premium or Flex Consumption (FC1) plan for
 * Function apps and a PremiumV3 (or smaller) plan for web apps, each created only when an app
 * needs it. Every app is VNet-integrated, HTTPS/TLS 1.2 only, reachable only from its one allowed
 * caller (`inbound`: the gateway's subnet, or Front Door; the SCM site from nowhere), runs with a
 * system-assigned identity, and sends telemetry with Entra auth.
 *
 * Scaling: Elastic Premium scales itself on event load between its always-ready instances and
 * maxInstances; Flex Consumption scales each app from zero (or its always-ready instances) to
 * its own ceiling. Only the web plan gets an autoscale setting, its CPU rules from `web.autoscale`
 * (+1 instance above scaleOut, -1 below scaleIn, then the cooldown).
 *
 * Web apps take WebSockets (`web.webSockets`) and, on Standard or higher, a `staging` slot
 * (`web.stagingSlot`) with the same site settings and package and a system-assigned identity of
 * its own; ARR affinity is always off (the apps keep no state in instances).
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
    const needs = (kind: HostedApp["kind"]) => args.apps.some((a) => a.kind === kind);
    // Each plan's limits are checked only when an app runs on it.
    if (needs("function-app")) checkFunctionsHosting(args.functions);
    if (args.hostStorage) checkHostIds(args);
    if (needs("web-app") && (args.web.minInstances < 1 || args.web.minInstances > args.web.maxInstances)) {
      throw new Error(
        `compute: web instances ${args.web.minInstances}..${args.web.maxInstances} are not a valid range`,
      );
    }
    if (needs("web-app")) {
      const problems = webHostingProblems(args.web);
      if (problems.length)
        throw new Error(`compute: ${problems.map((p) => `web.${p.path.join(".")}: ${p.message}`).join("; ")}`);
    }
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
    const hosting = args.functions;
    const common = {
      name: args.namer.name("appServicePlan", "func"),
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      reserved: true, // Linux
      zoneRedundant: args.zoneRedundant,
    };
    const plan = new web.AppServicePlan(
      `${name}-asp-func`,
      hosting.plan === "ElasticPremium"
        ? {
            ...common,
            kind: "elastic",
            sku: { name: hosting.sku, tier: "ElasticPremium", capacity: hosting.alwaysReady },
            maximumElasticWorkerCount: hosting.maxInstances,
          }
        : // Flex Consumption scales per app (functionAppConfig); the plan carries only its SKU.
          { ...common, kind: "functionapp", sku: { name: "FC1", tier: "FlexConsumption" } },
      { parent: this },
    );
    applySharedArgs(this, `${name}-asp-func`, plan.id, args, { logs: false });
    return plan;
  }

  private webPlan(name: string, args: ComputeArgs): web.AppServicePlan {
    const sku = WEB_PLAN_SKUS[args.web.sku];
    if (args.zoneRedundant && !sku.zonal) throw new Error(`compute: web plan ${args.web.sku} cannot be zone redundant`);
    const plan = new web.AppServicePlan(
      `${name}-asp-web`,
      {
        name: args.namer.name("appServicePlan", "web"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "linux",
        reserved: true,
        sku: { name: args.web.sku, tier: sku.tier, capacity: args.web.minInstances },
        zoneRedundant: args.zoneRedundant,
      },
      // Autoscale owns the instance count once the plan exists.
      { parent: this, ignoreChanges: ["sku.capacity"] },
    );
    applySharedArgs(this, `${name}-asp-web`, plan.id, args, { logs: false });
    if (args.web.maxInstances > args.web.minInstances) this.autoscale(name, args, plan);
    return plan;
  }

  private autoscale(name: string, args: ComputeArgs, plan: web.AppServicePlan): monitor.AutoscaleSetting {
    const { scaleOut, scaleIn, cooldownMinutes } = args.web.autoscale;
    const cpuRule = (
      operator: "GreaterThan" | "LessThan",
      trigger: { cpuPercent: number; minutes: number },
      direction: "Increase" | "Decrease",
    ): inputs.monitor.ScaleRuleArgs => ({
      metricTrigger: {
        metricName: "CpuPercentage",
        metricNamespace: "microsoft.web/serverfarms",
        metricResourceUri: plan.id,
        timeGrain: "PT1M",
        statistic: "Average",
        timeWindow: `PT${trigger.minutes}M`,
        timeAggregation: "Average",
        operator,
        threshold: trigger.cpuPercent,
      },
      scaleAction: { direction, type: "ChangeCount", value: "1", cooldown: `PT${cooldownMinutes}M` },
    });
    return new monitor.AutoscaleSetting(
      `${name}-asp-web-autoscale`,
      {
        autoscaleSettingName: args.namer.name("autoscaleSetting", "web"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        enabled: true,
        targetResourceUri: plan.id,
        profiles: [
          {
            name: "cpu",
            capacity: {
              minimum: String(args.web.minInstances),
              maximum: String(args.web.maxInstances),
              default: String(args.web.minInstances),
            },
            rules: [cpuRule("GreaterThan", scaleOut, "Increase"), cpuRule("LessThan", scaleIn, "Decrease")],
          },
        ],
      },
      { parent: this },
    );
  }

  private hostApp(name: string, args: ComputeArgs, app: HostedApp, plan: web.AppServicePlan): HostedAppOutputs {
    const isFunction = app.kind === "function-app";
    // Flex Consumption takes runtime, scale and package from functionAppConfig and refuses the
    // settings and site properties that say the same elsewhere.
    const flex = isFunction && args.functions.plan === "FlexConsumption" ? args.functions : undefined;
    const elastic = isFunction && args.functions.plan === "ElasticPremium" ? args.functions : undefined;
    const runtime = app.runtime ?? { name: "node" };
    if (flex && app.packageUrl)
      throw new Error(
        `compute: app ${app.name} runs on Flex Consumption, which deploys by One deploy, not from a package URL`,
      );
    if (runtime.name === "python" && app.packageUrl)
      throw new Error(
        `compute: app ${app.name} runs Python, built in Azure from its source by zip deploy, not run from a package URL`,
      );
    const logicalName = `${name}-${app.name}`;
    const platformSettings: inputs.web.NameValuePairArgs[] = [
      ...(elastic
        ? [
            { name: "FUNCTIONS_EXTENSION_VERSION", value: "~4" },
            { name: "FUNCTIONS_WORKER_RUNTIME", value: runtime.name },
          ]
        : []),
      ...(runtime.name === "python" && !flex
        ? Object.entries(REMOTE_BUILD).map(([settingName, value]) => ({ name: settingName, value }))
        : []),
      ...(isFunction && args.hostStorage
        ? [{ name: "AzureWebJobsStorage__accountName", value: args.hostStorage.accountName }]
        : []),
      ...(app.packageUrl && !flex
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
    // Flex and Python apps get their code by zip deploy, through the SCM site (publishPackage).
    const zipDeployed = !!flex || runtime.name === "python";
    const scmAllowed: inputs.web.IpSecurityRestrictionArgs[] =
      zipDeployed && args.deployerSubnetId
        ? [
            {
              name: "deployer",
              description: "The deploy runner's subnet: zip deploy of the app's package",
              action: "Allow",
              priority: 100,
              vnetSubnetResourceId: args.deployerSubnetId,
            },
          ]
        : [];
    const inbound = args.inbound;
    const allowed: inputs.web.IpSecurityRestrictionArgs[] = inbound
      ? [
          {
            name: inbound.name,
            description: inbound.description,
            action: "Allow",
            priority: 100,
            ...(inbound.subnetId
              ? { vnetSubnetResourceId: inbound.subnetId }
              : { ipAddress: inbound.serviceTag, tag: "ServiceTag" }),
            headers: inbound.headers,
          },
        ]
      : [];
    const siteArgs: Omit<web.WebAppSlotArgs, "name" | "slot"> = {
      resourceGroupName: args.resourceGroupName,
      location: args.location,
      kind: isFunction ? "functionapp,linux" : "app,linux",
      reserved: true,
      serverFarmId: plan.id,
      httpsOnly: true,
      clientAffinityEnabled: false,
      identity: app.userAssignedIdentityId
        ? { type: "SystemAssigned, UserAssigned", userAssignedIdentities: [app.userAssignedIdentityId] }
        : { type: "SystemAssigned" },
      virtualNetworkSubnetId: args.integrationSubnetId,
      // Key Vault references resolve with the app's own identity.
      keyVaultReferenceIdentity: "SystemAssigned",
      functionAppConfig: flex && {
        deployment: {
          storage: {
            type: "blobContainer",
            // The package arrives after the app exists (One deploy, infra/compute/deploy.ts).
            value: flex.deploymentContainerUrl(app.name),
            authentication: { type: "SystemAssignedIdentity" },
          },
        },
        runtime: runtime.name === "python" ? runtime : { name: "node", version: NODE_VERSION },
        scaleAndConcurrency: {
          instanceMemoryMB: flex.instanceMemoryMB,
          maximumInstanceCount: flex.maxInstances,
          alwaysReady: flex.alwaysReady > 0 ? [{ name: "http", instanceCount: flex.alwaysReady }] : [],
        },
      },
      siteConfig: {
        linuxFxVersion: flex ? undefined : linuxFxVersion(runtime, isFunction),
        alwaysOn: isFunction ? undefined : true,
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "Disabled",
        remoteDebuggingEnabled: false,
        http20Enabled: true,
        vnetRouteAllEnabled: true,
        healthCheckPath: HEALTH_PATH,
        ipSecurityRestrictions: allowed,
        ipSecurityRestrictionsDefaultAction: inbound ? "Deny" : "Allow",
        // The deployment (SCM) site admits the deploy runner where the code arrives through it, else nobody.
        scmIpSecurityRestrictions: scmAllowed,
        scmIpSecurityRestrictionsDefaultAction: "Deny",
        scmIpSecurityRestrictionsUseMain: false,
        ...(elastic
          ? { minimumElasticInstanceCount: elastic.alwaysReady, functionAppScaleLimit: elastic.maxInstances }
          : {}),
        appSettings: [...platformSettings, ...appSettingsList(app.name, app.appSettings ?? {})],
        webSocketsEnabled: isFunction ? undefined : args.web.webSockets,
      },
    };
    const site = new web.WebApp(
      logicalName,
      { ...siteArgs, name: args.namer.name(isFunction ? "functionApp" : "webApp", app.name) },
      { parent: this },
    );
    applySharedArgs(this, logicalName, site.id, args);
    const principalId = principalOf(app.name, site.identity);
    // The slot runs the same package with the same settings; its identity is its own (identities
    // do not swap), so it gets the same grants as the app. Linux apps have no auto swap
    // (https://learn.microsoft.com/azure/app-service/deploy-staging-slots#configure-auto-swap): swap
    // with `az webapp deployment slot swap --slot staging --target-slot production`.
    const stagingSlot =
      !isFunction && args.web.stagingSlot
        ? this.slot(`${logicalName}-${STAGING_SLOT}`, app.name, site, siteArgs, args)
        : undefined;
    assignRoles(this, `${logicalName}-telemetry`, args.appInsights.id, [
      { role: "Monitoring Metrics Publisher", principalId, key: `${app.name}${args.roleKeySuffix ?? ""}` },
    ]);
    if (isFunction && args.hostStorage) {
      // The host's blob leases and keys, and nothing else of the account: Owner only on the host's
      // own containers, so an app can neither read other data nor replace any package.
      for (const container of FUNCTIONS_HOST_CONTAINERS) {
        assignRoles(this, `${logicalName}-${container}`, args.hostStorage.containerIds[container], [
          { role: "Storage Blob Data Owner", principalId, key: `${app.name}${args.roleKeySuffix ?? ""}` },
        ]);
      }
    }
    return {
      id: site.id,
      name: site.name,
      defaultHostName: site.defaultHostName,
      principalId,
      kind: app.kind,
      stagingSlot,
    };
  }

  private slot(
    logicalName: string,
    appName: string,
    site: web.WebApp,
    siteArgs: Omit<web.WebAppSlotArgs, "name" | "slot">,
    args: ComputeArgs,
  ): HostedAppOutputs["stagingSlot"] {
    const slot = new web.WebAppSlot(
      logicalName,
      { ...siteArgs, name: site.name, slot: STAGING_SLOT },
      { parent: this },
    );
    applySharedArgs(this, logicalName, slot.id, args);
    const principalId = principalOf(`${appName} slot ${STAGING_SLOT}`, slot.identity);
    assignRoles(this, `${logicalName}-telemetry`, args.appInsights.id, [
      {
        role: "Monitoring Metrics Publisher",
        principalId,
        key: `${appName}-${STAGING_SLOT}${args.roleKeySuffix ?? ""}`,
      },
    ]);
    return { name: slot.name, principalId };
  }
}

/** The Node major the estate's bundles target (SERVICE_BUILD's node20). */
const NODE_VERSION = "20";

/**
 * App Service's stack string: `NODE|20` for function apps, `NODE|20-lts` for web apps, `PYTHON|3.x`
 * for both (https://learn.microsoft.com/azure/app-service/configure-language-python#configure-python-version).
 */
function linuxFxVersion(runtime: AppRuntime, isFunction: boolean): string {
  if (runtime.name === "python") return `PYTHON|${runtime.version}`;
  return isFunction ? `NODE|${NODE_VERSION}` : `NODE|${NODE_VERSION}-lts`;
}

function principalOf(
  what: string,
  identity: pulumi.Output<{ principalId?: string } | undefined>,
): pulumi.Output<string> {
  return identity.apply((value) => {
    if (!value?.principalId) throw new Error(`app ${what}: Azure returned no managed identity`);
    return value.principalId;
  });
}

/** Refuses Function apps sharing host storage whose host ids are the same. */
function checkHostIds(args: ComputeArgs): void {
  const functionApps = args.apps.filter((a) => a.kind === "function-app").map((a) => a.name);
  const [clash] = hostIdClashes(functionApps, args.namer);
  if (clash) {
    throw new Error(
      `compute: Function apps "${clash.other}" and "${clash.app}" would share the Functions host id "${clash.hostId}" (the first ${FUNCTIONS_HOST_ID_LENGTH} characters of the app name) in one host storage account; shorten or rename one service`,
    );
  }
}

/** The functions plan's own limits, whatever the stack config already checked. */
function checkFunctionsHosting(hosting: FunctionsHosting): void {
  if (hosting.plan === "ElasticPremium") {
    if (
      hosting.alwaysReady < 1 ||
      hosting.alwaysReady > hosting.maxInstances ||
      hosting.maxInstances > ELASTIC_MAX_INSTANCES
    ) {
      throw new Error(
        `compute: Elastic Premium instances ${hosting.alwaysReady}..${hosting.maxInstances} are not a valid range (1..${ELASTIC_MAX_INSTANCES})`,
      );
    }
    return;
  }
  if (!FLEX_INSTANCE_MEMORY_MB.includes(hosting.instanceMemoryMB)) {
    throw new Error(
      `compute: Flex Consumption instance memory ${hosting.instanceMemoryMB} MB is not one of ${FLEX_INSTANCE_MEMORY_MB.join(", ")}`,
    );
  }
  if (
    hosting.maxInstances < FLEX_MAX_INSTANCES.min ||
    hosting.maxInstances > FLEX_MAX_INSTANCES.max ||
    hosting.alwaysReady < 0 ||
    hosting.alwaysReady > hosting.maxInstances
  ) {
    throw new Error(
      `compute: Flex Consumption instances ${hosting.alwaysReady}..${hosting.maxInstances} are not a valid range (always ready 0 or more, ceiling ${FLEX_MAX_INSTANCES.min}-${FLEX_MAX_INSTANCES.max})`,
    );
  }
}
