import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  Compute,
  FUNCTIONS_HOST_CONTAINERS,
  STAGING_SLOT,
  type AppInbound,
  type FunctionsHostContainer,
  type FunctionsHosting,
} from "../../infra/compute/index.js";
import { deployServicePackage, publishPackage, type AppCode } from "../../infra/compute/deploy.js";
import { PackageRun } from "../../infra/compute/package.js";
import type { ContainerRegistry } from "../../infra/containers/index.js";
import { REGIONS } from "../../infra/naming/index.js";
import { StaticSite, StorageWebsite } from "../../infra/static/index.js";
import { isAppService, type AppServiceManifest } from "../../services/manifest.js";
import { staticSiteRegion } from "../config/hosts.js";
import type { EstateConfig } from "../config/schema.js";
import { serviceSettings, type SettingSources } from "../services.js";
import { gatewaySubnetRole } from "./network.js";
import {
  databaseUserSteps,
  grantSecretReads,
  grantServiceData,
  serviceIdentity,
  type ServiceDatabaseUser,
  type ServiceIdentity,
} from "./bindings.js";
import {
  DEPLOYMENTS_CONTAINER,
  flexDeploymentContainer,
  flexServices,
  redisEndpoint,
  sqlEndpoint,
  storageRedundancy,
  type DataServicesTier,
} from "./data.js";
import type { Foundation, Site } from "./foundation.js";
import { containerHosts, estateRegistry, type ContainerHosts } from "./containers.js";
import { kubernetesHosts, type KubernetesHosts } from "./kubernetes.js";
import type { NetworkTier } from "./network.js";
import type { PlatformServicesTier } from "./platform.js";

/** The hosts of the services, each app with its package deployed and its identity granted its data. */
export interface HostsTier {
  compute: Compute;
  /** The same apps in the secondary region (estate:dr), on a plan of their own in its VNet. */
  secondary?: { compute: Compute; site: Site };
  /** The estate's own registry, when container services on Container Apps or AKS pull from it. */
  registry?: ContainerRegistry;
  /** The Container Apps environment and apps of the container services, when there are any. */
  containers?: ContainerHosts;
  /** The AKS cluster and the container services deployed into it, when the stack enables it. */
  kubernetes?: KubernetesHosts;
  /** The static-site services, by name (at most one: Front Door has one site origin group), on the host estate:hosts.staticSites.host names. */
  staticSites: Record<string, StaticSite | StorageWebsite>;
  /** Entra tenant whose caller tokens the services (and the gateway in front of them) accept. */
  tenantId: pulumi.Output<string>;
  /** The database users the services' SQL, PostgreSQL and MySQL bindings need: statements for each server's Entra administrator. */
  databaseUsers: ServiceDatabaseUser[];
}

export function hostsTier(
  foundation: Foundation,
  networkTier: NetworkTier,
  dataTier: DataServicesTier,
  platform: PlatformServicesTier,
  secondaryNetwork?: NetworkTier,
): HostsTier {
  const { data } = dataTier;
  const { config, clientConfig } = foundation;
  // App Service hosts the services built from an entry file; static sites are served by their own host.
  const services = foundation.services.filter(isAppService);

  // Each Node service is bundled into a zip during the program and uploaded by the deployer's own
  // identity; a code change changes only that service's blob name and its app's setting.
  // Flex Consumption apps, and Python apps (built in Azure), get theirs by zip deploy once they exist (regionalApps).
  const flex = flexServices(foundation);
  const published = services.filter((service) => flex.includes(service.name) || service.runtime === "python");
  const uploaded = services.filter((service) => !published.includes(service));
  const deployer = uploaded.length
    ? data.storage.grantBlobAccess("deployer", clientConfig.objectId, "write", DEPLOYMENTS_CONTAINER)
    : undefined;
  const rootDir = pulumi.runtime.getRootDirectory() || process.cwd();
  // The sources do not change while the program runs: each file the packages bundle is checked once.
  const packageRun = new PackageRun();
  const packageTarget = {
    accountName: data.storage.accountName,
    blobEndpoint: data.storage.blobEndpoint,
    containerName: DEPLOYMENTS_CONTAINER,
  };
  const packageUrls = Object.fromEntries(
    uploaded.map((service) => {
      const { url } = deployServicePackage(
        service.name,
        { kind: service.kind, code: codeOf(service), rootDir, packageRun, target: packageTarget },
        // Not the whole storage component: the apps' grants inside it wait for these packages.
        { dependsOn: [data.storage.containers[DEPLOYMENTS_CONTAINER], deployer!] },
      );
      return [service.name, url];
    }),
  );

  const tenantId = pulumi.output(config.gateway.auth.tenantId ?? clientConfig.tenantId);
  const settingSources: SettingSources = {
    cosmosEndpoint: data.cosmos?.documentEndpoint,
    blobEndpoint: data.storage.blobEndpoint,
    serviceBusNamespace: data.serviceBus?.fullyQualifiedNamespace,
    tenantId,
    audience: config.gateway.auth.audience,
    queues: config.data.serviceBus.queues,
    behindGateway: config.gateway.sku !== "none",
    generatedSecretUri: (name: string) => data.keyVault.generatedSecret(name),
    // The failover group's listener and the geo-primary cache name when DR is on: they follow a failover.
    redisHostName: redisEndpoint(dataTier),
    sqlServerFqdn: sqlEndpoint(dataTier),
    postgresqlFqdn: data.postgresql?.fullyQualifiedDomainName,
    mysqlFqdn: data.mysql?.fullyQualifiedDomainName,
    searchEndpoint: platform.search?.endpoint,
    openAiEndpoint: platform.openAi?.endpoint,
    realtime: platform.realtime && { kind: platform.realtime.kind, endpoint: platform.realtime.endpoint },
    appConfigEndpoint: platform.appConfiguration?.endpoint,
    suppliedSecretUri: (name: string) => data.keyVault.secretUri(name),
  };
  // Services with identity bindings sign in as an identity of their own, made before their app.
  const identities = Object.fromEntries(
    services.map((service) => [service.name, serviceIdentity(foundation, service)]),
  );
  const hosting: AppHosting = {
    services,
    flex,
    published,
    rootDir,
    packageRun,
    packageUrls,
    settingSources,
    identities,
  };
  const compute = regionalApps(foundation, networkTier, dataTier, platform, hosting);
  // The secondary region (estate:dr) runs the same packages with the same settings: the names they
  // point at (the SQL listener, the geo-primary cache, Cosmos DB's and Service Bus' own) follow a failover.
  const secondary = secondaryNetwork && {
    compute: regionalApps(foundation, secondaryNetwork, dataTier, platform, hosting),
    site: secondaryNetwork.site,
  };

  // A service identity is one principal for both regions: its bindings are granted once.
  const databaseUsers: ServiceDatabaseUser[] = [];
  for (const service of services) {
    const identity = identities[service.name];
    if (!identity) continue;
    grantServiceData(service, { key: `${service.name}-identity`, principalId: identity.principalId }, data, platform, {
      bindings: true,
    });
    databaseUsers.push(...databaseUserSteps(service, identity, data));
  }
  const registry = estateRegistry(foundation, networkTier);
  const containers = containerHosts(foundation, networkTier, dataTier, platform, settingSources, registry);
  const kubernetes = kubernetesHosts(foundation, networkTier, dataTier, platform, settingSources, registry);
  return {
    compute,
    ...(secondary ? { secondary } : {}),
    registry,
    containers,
    kubernetes,
    staticSites: staticSitesOf(foundation, networkTier, rootDir, compute),
    tenantId,
    databaseUsers: [...databaseUsers, ...(containers?.databaseUsers ?? []), ...(kubernetes?.databaseUsers ?? [])],
  };
}

/** What every region's apps share: the services, their packages, settings and service identities. */
interface AppHosting {
  services: AppServiceManifest[];
  /** The services on Flex Consumption, published to each app by One deploy. */
  flex: string[];
  /** The services deployed to each app once it exists (Flex and Python), not from an uploaded package. */
  published: AppServiceManifest[];
  rootDir: string;
  /** What the run's packages have learnt about builds (infra/compute/package.ts). */
  packageRun: PackageRun;
  packageUrls: Record<string, pulumi.Output<string>>;
  settingSources: SettingSources;
  identities: Record<string, ServiceIdentity | undefined>;
}

/**
 * One region's plan and apps, in that region's resource group and VNet, each app's own identity
 * granted its data, its package and its secrets (a staging slot's too).
 */
function regionalApps(
  foundation: Foundation,
  networkTier: NetworkTier,
  { data }: DataServicesTier,
  platform: PlatformServicesTier,
  { services, flex, published, rootDir, packageRun, packageUrls, settingSources, identities }: AppHosting,
): Compute {
  const { config, diagnostics, appInsights } = foundation;
  const { network, site } = networkTier;
  const compute = new Compute(`compute${site.suffix}`, {
    ...site.base,
    diagnostics,
    functions: functionsHosting(config, { data }),
    web: config.compute.web,
    zoneRedundant: config.zoneRedundant && REGIONS[site.location].zones,
    apps: services.map((service) => ({
      name: service.name,
      kind: service.kind,
      runtime: service.runtime === "python" ? { name: "python" as const, version: service.pythonVersion } : undefined,
      appSettings: serviceSettings(service, settingSources, identities[service.name]),
      packageUrl: packageUrls[service.name],
      userAssignedIdentityId: identities[service.name]?.id,
    })),
    integrationSubnetId: network.subnetIds.integration,
    inbound: appInbound(config, networkTier),
    // The deploy runs inside the region's VNet (README, "In every plan"): zip deploys reach the SCM site from there.
    deployerSubnetId: network.subnetIds.management,
    roleKeySuffix: site.suffix,
    appInsights,
    hostStorage: {
      accountName: data.storage.accountName,
      containerIds: Object.fromEntries(
        FUNCTIONS_HOST_CONTAINERS.map((container) => [container, data.storage.containers[container]!.id]),
      ) as Record<FunctionsHostContainer, pulumi.Output<string>>,
    },
  });

  // Each service's identity gets exactly the data its manifest lists, and read access to its package.
  // A staging slot runs the same package with an identity of its own: it gets the same grants.
  const publishGrants: pulumi.Resource[] = [];
  for (const service of services) {
    const app = compute.apps[service.name];
    const key = `${service.name}${site.suffix}`;
    const own = [{ key, principalId: app.principalId }];
    if (app.stagingSlot) own.push({ key: `${key}-${STAGING_SLOT}`, principalId: app.stagingSlot.principalId });
    // With a service identity the code signs in as it (AZURE_CLIENT_ID): the bindings are its alone.
    for (const grantee of own)
      grantServiceData(service, grantee, data, platform, { bindings: !identities[service.name] });
    for (const { key, principalId } of own) {
      // Flex: One deploy writes the package to the app's own container with the app's identity.
      if (flex.includes(service.name))
        publishGrants.push(
          data.storage.grantBlobAccess(key, principalId, "write", flexDeploymentContainer(service.name)),
        );
      // Zip deploy keeps a Python app's build in the app itself: no package blob to read.
      else if (!published.includes(service))
        data.storage.grantBlobAccess(key, principalId, "read", DEPLOYMENTS_CONTAINER);
      // App Service resolves each reference with the app's own identity, which exists only once the app does.
      grantSecretReads(service, { key, principalId }, data);
    }
  }
  for (const service of published) {
    const app = compute.apps[service.name];
    const target = { resourceGroupName: site.base.resourceGroupName, name: app.name };
    const publish = { kind: service.kind, code: codeOf(service), rootDir, packageRun };
    // Flex: once the apps may write their containers, One deploy stores the package with the app's identity.
    publishPackage(
      `${service.name}${site.suffix}`,
      { ...publish, app: target },
      { dependsOn: flex.includes(service.name) ? publishGrants : [] },
    );
    // The staging slot is an app of its own to zip deploy: it gets the same package.
    if (app.stagingSlot)
      publishPackage(`${service.name}${site.suffix}-${STAGING_SLOT}`, {
        ...publish,
        app: { ...target, slot: STAGING_SLOT },
      });
  }
  return compute;
}

/** A hosted app's code as the estate builds it: the Node entry file, or the Python source folder. */
function codeOf(service: AppServiceManifest): AppCode {
  return service.runtime === "python"
    ? { runtime: "python", sourcePath: service.sourcePath }
    : { runtime: "node", entryPath: service.entryPath };
}

/** Where the gateway sends a routed service's calls: its App Service app or its container app. */
export interface Backend {
  kind: "app-service" | "container-app";
  /** The Azure resource's name (the backend registration's display name). */
  name: pulumi.Output<string>;
  hostName: pulumi.Output<string>;
}

export function backendOf(
  { compute, containers }: Pick<HostsTier, "compute" | "containers">,
  service: string,
): Backend {
  const app = compute.apps[service];
  if (app) return { kind: "app-service", name: app.name, hostName: app.defaultHostName };
  const container = containers?.apps[service];
  if (container) return { kind: "container-app", name: container.name, hostName: container.fqdn };
  throw new Error(`hosts: service ${service} has routes but no App Service app or container app hosts it`);
}

/**
 * Each static-site service's build output on a Static Web App (region and SKU from estate:hosts),
 * with the linked backend's app behind `/api` when the stack names one; or, with host `storage`,
 * on a private storage static website the deployer uploads to through the blob private endpoint.
 */
function staticSitesOf(
  { config, base, services, diagnostics, clientConfig }: Foundation,
  { network, dns }: NetworkTier,
  rootDir: string,
  compute: Compute,
): Record<string, StaticSite | StorageWebsite> {
  const settings = config.hosts.staticSites;
  // loadHostedServices refuses a linked backend that is not one of these apps.
  const backend = settings.linkedBackend === undefined ? undefined : compute.apps[settings.linkedBackend];
  const sites = services.filter((service) => service.kind === "static-site");
  return Object.fromEntries(
    sites.map((service) => {
      const content = { folder: path.relative(rootDir, service.buildPath!), rootDir };
      if (settings.host === "storage") {
        const website = new StorageWebsite(`website-${service.name}`, {
          ...base,
          diagnostics,
          name: service.name,
          content,
          redundancy: storageRedundancy(config),
          softDeleteDays: config.data.storage.softDeleteDays,
          privateEndpoint: { subnetId: network.subnetIds.privateEndpoints, privateDnsZoneId: dns.zoneIds.blob! },
          deployerPrincipalId: clientConfig.objectId,
        });
        return [service.name, website];
      }
      // loadHostedServices refuses a static site the stack has no region for, before anything is declared.
      const region = staticSiteRegion(config.hosts, config.location)!;
      const site = new StaticSite(`site-${service.name}`, {
        ...base,
        name: service.name,
        sku: settings.sku,
        region,
        content,
        customDomains: settings.customDomains.map((hostName) => ({ hostName })),
        stagingEnvironments: settings.stagingEnvironments,
        allowConfigFileUpdates: settings.allowConfigFileUpdates,
        linkedBackend: backend && { resourceId: backend.id, region: config.location },
      });
      return [service.name, site];
    }),
  );
}

/** The functions plan from config; Flex Consumption deploys from the packages' container. */
function functionsHosting(config: EstateConfig, { data }: DataServicesTier): FunctionsHosting {
  const { plan, sku, instanceMemoryMB, alwaysReady, maxInstances } = config.compute.functions;
  if (plan === "ElasticPremium") return { plan, sku, alwaysReady, maxInstances };
  // Through the container's name: each app waits for the container it deploys from.
  const deploymentContainerUrl = (app: string) =>
    pulumi.interpolate`${data.storage.blobEndpoint}${data.storage.containers[flexDeploymentContainer(app)]!.name}`;
  return { plan, instanceMemoryMB, alwaysReady, maxInstances, deploymentContainerUrl };
}

/**
 * The apps' one allowed caller, after the tier in front of them: API Management by its subnet
 * (injected or VNet-integrated); API Management in no VNet has no fixed addresses
 * (https://learn.microsoft.com/azure/api-management/api-management-howto-ip-addresses), so
 * Azure's own ranges in the region, the app registration then admitting only the gateway's
 * identity; Front Door straight to the apps by its service tag; nothing in front: anyone, the
 * apps validating callers' tokens themselves.
 */
function appInbound(config: EstateConfig, { network, site }: NetworkTier): AppInbound | undefined {
  const gateway = config.gateway.sku;
  if (gateway !== "none") {
    if (gatewaySubnetRole(config)) {
      return {
        name: "allow-api-management",
        description: "Only API Management's subnet may call the app; Front Door reaches it through APIM.",
        subnetId: network.subnetIds.gateway,
      };
    }
    return {
      name: "allow-api-management",
      description: `API Management ${gateway} has no VNet: Azure's ranges in the region; the app's Entra registration admits only the gateway's identity.`,
      serviceTag: `AzureCloud.${site.location}`,
    };
  }
  if (config.edge.sku !== "none") {
    return {
      name: "allow-front-door",
      description: "Only Front Door's back end may call the app.",
      serviceTag: "AzureFrontDoor.Backend",
    };
  }
  return undefined;
}
