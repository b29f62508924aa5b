import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { Compute, FUNCTIONS_HOST_CONTAINERS } from "../infra/compute/index.js";
import { deployServicePackage } from "../infra/compute/deploy.js";
import { HEALTH_PATH } from "../infra/core/health.js";
import { DataTier } from "../infra/data/index.js";
import { Edge } from "../infra/edge/index.js";
import { BackendAuth } from "../infra/gateway/backend-auth.js";
import { Gateway } from "../infra/gateway/index.js";
import { entraJwt } from "../infra/gateway/policy-xml.js";
import { Namer } from "../infra/naming/index.js";
import { PrivateDnsZones } from "../infra/network/dns.js";
import { Network, planSubnets } from "../infra/network/index.js";
import { Alerts, type MetricAlertTarget } from "../infra/observability/alerts.js";
import { Budget } from "../infra/observability/budget.js";
import { Monitoring } from "../infra/observability/monitoring.js";
import { enforceRequiredTags, requiredTags } from "../infra/tags/index.js";
import type { DataConfig } from "./config/data.js";
import { GATEWAY_ZONES } from "./config/gateway.js";
import type { EstateConfig } from "./config/schema.js";
import { serviceSettings, type HostedService } from "./services.js";

/** What the estate exports as stack outputs (and what the CLI prints after a plan or an `up`). */
export interface EstateOutputs {
  resourceGroupName: pulumi.Output<string>;
  vnetId: pulumi.Output<string>;
  /** The data tier's ids and endpoints: what hosted apps and their settings need. */
  data: {
    cosmosAccountId: pulumi.Output<string>;
    cosmosEndpoint: pulumi.Output<string>;
    storageAccountId: pulumi.Output<string>;
    blobEndpoint: pulumi.Output<string>;
    serviceBusNamespaceId: pulumi.Output<string>;
    serviceBusFqdn: pulumi.Output<string>;
    keyVaultId: pulumi.Output<string>;
    keyVaultUri: pulumi.Output<string>;
    /** Absent when the stack has no SQL server / no Redis cache. */
    sqlServerFqdn?: pulumi.Output<string>;
    redisHostName?: pulumi.Output<string>;
  };
  /** The estate's public entry point: Front Door's endpoint. */
  frontDoorUrl: pulumi.Output<string>;
  /** API Management's gateway (reachable only through Front Door). */
  gatewayUrl: pulumi.Output<string>;
  /** Each hosted app's default host name (reachable only from API Management). */
  appHostNames: Record<string, pulumi.Output<string>>;
}

/**
 * The whole estate for one stack, composed from the components in infra/. Decides what to build
 * from the resolved config; knows no resource details.
 */
export function composeEstate(config: EstateConfig, services: HostedService[]): EstateOutputs {
  const namer = new Namer({ workload: config.workload, environment: config.environment, location: config.location });
  const tags = requiredTags({
    environment: config.environment,
    owner: config.owner,
    costCentre: config.costCentre,
    expiresAt: config.expiresAt,
    extra: config.tags,
  });
  enforceRequiredTags(tags);

  const group = new resources.ResourceGroup("rg", {
    resourceGroupName: namer.name("resourceGroup"),
    location: config.location,
  });
  const base = { resourceGroupName: group.name, location: group.location, namer };

  // Monitoring comes first: every other component sends its diagnostics to its workspace.
  const monitoring = new Monitoring("monitoring", { ...base, retentionDays: config.observability.retentionDays });
  const diagnostics = { workspaceId: monitoring.workspaceId };

  const network = new Network("network", {
    ...base,
    diagnostics,
    addressSpace: config.network.addressSpace,
    subnets: planSubnets(config.network.addressSpace, config.network.subnets),
  });

  // ── Data tier ─────────────────────────────────────────────────────────────────────────────
  // One private DNS zone per private-link service, linked to the VNet; then every data service
  // behind a private endpoint in the private-endpoint subnet.
  const dns = new PrivateDnsZones("dns", { ...base, vnetId: network.vnetId });
  const data = new DataTier("data", {
    ...base,
    diagnostics,
    privateEndpointSubnetId: network.subnetIds.privateEndpoints,
    privateDnsZoneIds: dns.zoneIds,
    ...dataSettings(config.data),
  });
  const clientConfig = authorization.getClientConfigOutput();

  // ── Service packages ─────────────────────────────────────────────────────────────────────
  // Each service is bundled into a zip during the program and uploaded by the deployer's own
  // identity; a code change changes only that service's blob name and its app's setting.
  const deployer = data.storage.grantBlobAccess("deployer", clientConfig.objectId, "write", DEPLOYMENTS_CONTAINER);
  const rootDir = pulumi.runtime.getRootDirectory() || process.cwd();
  const packageTarget = { accountName: data.storage.accountName, blobEndpoint: data.storage.blobEndpoint, containerName: DEPLOYMENTS_CONTAINER };
  const packageUrls = Object.fromEntries(
    services.map((service) => {
      const { url } = deployServicePackage(
        service.name,
        { kind: service.kind, entryPath: service.entryPath, rootDir, target: packageTarget },
        // Not the whole storage component: the apps' grants inside it wait for these packages.
        { dependsOn: [data.storage.containers[DEPLOYMENTS_CONTAINER], deployer] },
      );
      return [service.name, url];
    }),
  );

  // ── Edge, gateway and hosts ──────────────────────────────────────────────────────────────
  // Internet → Front Door (WAF) → API Management (VNet-injected) → apps (inbound from APIM only).
  const appInsights = { id: monitoring.appInsightsId, connectionString: monitoring.appInsightsConnectionString };
  const tenantId = pulumi.output(config.gateway.auth.tenantId ?? clientConfig.tenantId);
  const settingSources = {
    cosmosEndpoint: data.cosmos.documentEndpoint,
    blobEndpoint: data.storage.blobEndpoint,
    serviceBusNamespace: data.serviceBus.fullyQualifiedNamespace,
    tenantId,
    audience: config.gateway.auth.audience,
    queues: config.data.serviceBus.queues,
  };
  const compute = new Compute("compute", {
    ...base,
    diagnostics,
    ...config.compute,
    zoneRedundant: config.zoneRedundant,
    apps: services.map((service) => ({
      name: service.name,
      kind: service.kind,
      appSettings: serviceSettings(service, settingSources),
      packageUrl: packageUrls[service.name],
    })),
    integrationSubnetId: network.subnetIds.integration,
    inboundSubnetId: network.subnetIds.gateway,
    appInsights,
    hostStorage: { accountName: data.storage.accountName, accountId: data.storage.accountId },
  });

  // Each service's identity gets exactly the data its manifest lists, and read access to its package.
  for (const service of services) {
    const { principalId } = compute.apps[service.name];
    if (service.cosmos.length) data.cosmos.grantDataAccess(service.name, principalId);
    // Blob roles are per container: an app can touch neither another's data nor any package.
    for (const blob of service.blobContainers) {
      data.storage.grantBlobAccess(service.name, principalId, blob.access === "readwrite" ? "write" : "read", blob.name);
    }
    data.storage.grantBlobAccess(service.name, principalId, "read", DEPLOYMENTS_CONTAINER);
    for (const queue of service.queues) data.serviceBus.grantQueueAccess(service.name, principalId, queue.name, queue.access);
  }

  // Each app behind the gateway gets an Entra app registration: the audience of the gateway's
  // managed-identity token. It lives in the deployer's tenant, where the gateway's identity gets
  // its tokens, which may differ from the tenant whose caller tokens the gateway validates.
  const routed = services.filter((service) => service.routes.length > 0);
  const backendAuth = Object.fromEntries(
    routed.map((service) => [
      service.name,
      new BackendAuth(`${service.name}-backend-auth`, {
        appName: compute.apps[service.name].name,
        tenantId: clientConfig.tenantId,
        owners: [clientConfig.objectId],
      }),
    ]),
  );

  const privateLinkOrigin = config.edge.originAccess === "private-link";
  const { auth, rateLimit, quota } = config.gateway;
  const gateway = new Gateway("gateway", {
    ...base,
    diagnostics,
    sku: config.gateway.sku,
    capacity: config.gateway.capacity,
    zones: config.zoneRedundant ? GATEWAY_ZONES : undefined,
    publisherEmail: publisherEmail(config),
    publisherName: `${config.workload} platform (${config.owner})`,
    // Azure allows no inbound private endpoint on an injected gateway: private link replaces injection.
    subnetId: privateLinkOrigin ? undefined : network.subnetIds.gateway,
    appInsights,
    samplingPercentage: config.gateway.samplingPercentage,
    apis: routed.map((service) => ({
      service: service.name,
      routes: service.routes,
      backend: { hostName: compute.apps[service.name].defaultHostName, resource: backendAuth[service.name].identifierUri },
    })),
    jwt: tenantId.apply((tenantId) => entraJwt(tenantId, auth.audience, auth.requiredClaims)),
    rateLimit: { calls: rateLimit.callsPerMinute, renewalPeriodSeconds: 60, key: rateLimit.key },
    quota: { calls: quota.callsPerDay, renewalPeriodSeconds: 86_400, key: quota.key },
    cors: {
      allowedOrigins: config.gateway.corsOrigins,
      allowedMethods: [...new Set(services.flatMap((s) => s.routes.flatMap((r) => r.methods)))],
      allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
    },
  });

  const edge = new Edge("edge", {
    ...base,
    diagnostics,
    sku: config.edge.sku,
    origin: {
      hostName: gateway.gatewayHostName,
      privateLink: privateLinkOrigin ? { resourceId: gateway.id, location: config.location } : undefined,
    },
    waf: {
      mode: config.edge.wafMode,
      enabled: config.edge.wafEnabled,
      managedRules: config.edge.managedRules,
      rateLimitPerMinute: config.edge.rateLimitPerMinute,
      allowedCountries: config.edge.geoFilter?.allowedCountries,
    },
    cachedPaths: config.edge.cachedPaths,
  });
  gateway.acceptOnlyFrontDoor(edge.frontDoorId);
  // The apps answer only the gateway's identity (health probes aside).
  for (const [name, registration] of Object.entries(backendAuth)) {
    registration.admitOnly(gateway.principalId, { name: compute.apps[name].name, resourceGroupName: group.name });
  }

  // ── Alerts and budget ────────────────────────────────────────────────────────────────────
  const receivers = { emails: alertEmails(config), webhooks: config.observability.alerts.webhooks };
  const metricAlerts: MetricAlertTarget[] = [
    ...Object.entries(compute.apps).map(([key, app]) => ({ rule: "http5xx" as const, key, resourceId: app.id })),
    { rule: "cosmosRu", key: "cosmos", resourceId: data.cosmos.accountId },
    { rule: "deadLetters", key: "servicebus", resourceId: data.serviceBus.namespaceId },
    ...(data.redis ? [{ rule: "redisMemory" as const, key: "redis", resourceId: data.redis.cacheId }] : []),
    ...Object.entries(data.sql?.databaseIds ?? {}).map(([key, id]) => ({ rule: "sqlCpu" as const, key, resourceId: id })),
  ];
  const alerts = new Alerts("alerts", {
    ...base,
    receivers,
    severity: config.observability.alerts.severity,
    appInsightsId: monitoring.appInsightsId,
    metricAlerts,
    availabilityUrl: pulumi.interpolate`${edge.url}${HEALTH_PATH}`,
  });
  new Budget("budget", {
    namer,
    scope: group.id,
    monthlyAmount: config.observability.budget.monthlyAmount,
    emails: receivers.emails,
    actionGroupId: alerts.actionGroupId,
  });

  return {
    resourceGroupName: group.name,
    vnetId: network.vnetId,
    frontDoorUrl: edge.url,
    gatewayUrl: gateway.gatewayUrl,
    appHostNames: Object.fromEntries(Object.entries(compute.apps).map(([key, app]) => [key, app.defaultHostName])),
    data: {
      cosmosAccountId: data.cosmos.accountId,
      cosmosEndpoint: data.cosmos.documentEndpoint,
      storageAccountId: data.storage.accountId,
      blobEndpoint: data.storage.blobEndpoint,
      serviceBusNamespaceId: data.serviceBus.namespaceId,
      serviceBusFqdn: data.serviceBus.fullyQualifiedNamespace,
      keyVaultId: data.keyVault.vaultId,
      keyVaultUri: data.keyVault.vaultUri,
      sqlServerFqdn: data.sql?.fullyQualifiedDomainName,
      redisHostName: data.redis?.hostName,
    },
  };
}

/** The blob container the services' packages are uploaded to. */
const DEPLOYMENTS_CONTAINER = "deployments";

/** The data config as the data tier takes it: optional services present only when enabled. */
function dataSettings({ lock, sql, redis, storage, ...rest }: DataConfig) {
  const { enabled: sqlEnabled, admin, ...sqlSettings } = sql;
  const { enabled: redisEnabled, ...redisSettings } = redis;
  return {
    ...rest,
    // The services' packages live beside their data, reached through the same private endpoint.
    // and the Functions host keeps its leases and keys in containers of its own there.
    storage: { ...storage, containers: [...new Set([...storage.containers, DEPLOYMENTS_CONTAINER, ...FUNCTIONS_HOST_CONTAINERS])] },
    lock: lock === "none" ? undefined : lock,
    // The config check refuses an enabled server without its admin group.
    sql: sqlEnabled && admin ? { ...sqlSettings, admin } : undefined,
    redis: redisEnabled ? redisSettings : undefined,
  };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Alert emails from config; without any, the stack's owner when the owner is an email address. */
function alertEmails(config: EstateConfig): string[] {
  const { emails, webhooks } = config.observability.alerts;
  if (emails.length || webhooks.length) return emails;
  if (EMAIL.test(config.owner)) return [config.owner];
  throw new Error(
    `estate:observability.alerts has no emails or webhooks and estate:owner "${config.owner}" is not an email address; alerts would reach nobody`,
  );
}

/** API Management needs a publisher email: the gateway setting, else the owner when it is one. */
function publisherEmail(config: EstateConfig): string {
  const email = config.gateway.publisherEmail ?? config.owner;
  if (!EMAIL.test(email)) {
    throw new Error(`estate:gateway.publisherEmail is not set and estate:owner "${config.owner}" is not an email address; set estate:gateway.publisherEmail`);
  }
  return email;
}
