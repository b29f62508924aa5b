import * as pulumi from "@pulumi/pulumi";
import type { AppSettingValue } from "../../infra/compute/index.js";
import { ContainerApp, ContainerAppsEnvironment, ContainerRegistry } from "../../infra/containers/index.js";
import { isKeyVaultSetting } from "../../services/manifest.js";
import type { HostedService } from "../services.js";
import { serviceSettings, type SettingSources } from "../services.js";
import {
  databaseUserSteps,
  grantSecretReads,
  grantServiceData,
  ownIdentity,
  serviceIdentity,
  type ServiceDatabaseUser,
  type ServiceIdentity,
} from "./bindings.js";
import type { DataServicesTier } from "./data.js";
import type { Foundation } from "./foundation.js";
import { containersOn, needsEstateRegistry } from "../container-hosts.js";
import { gatewaySubnetRole, type NetworkTier } from "./network.js";
import type { PlatformServicesTier } from "./platform.js";

/** The container services' hosts: one internal Container Apps environment, one app per service. */
export interface ContainerHosts {
  environment: ContainerAppsEnvironment;
  /** By service name. */
  apps: Record<string, ContainerApp>;
  /** The database users the container services' SQL, PostgreSQL and MySQL bindings need. */
  databaseUsers: ServiceDatabaseUser[];
}

/** The estate's own registry, which container apps and the AKS cluster's nodes pull from with their identities. */
export function estateRegistry(foundation: Foundation, { network, dns }: NetworkTier): ContainerRegistry | undefined {
  const { config, base, diagnostics, services } = foundation;
  if (!needsEstateRegistry(config, services)) return undefined;
  const settings = config.hosts.registry;
  const premium = settings.sku === "Premium";
  return new ContainerRegistry("registry", {
    ...base,
    diagnostics,
    sku: settings.sku,
    zoneRedundant: premium ? settings.zoneRedundant : undefined,
    // Premium can close its public endpoint: pulls then go through the private endpoint.
    privateEndpoint: premium
      ? { subnetId: network.subnetIds.privateEndpoints, privateDnsZoneId: dns.zoneIds.containerRegistry! }
      : undefined,
  });
}

/**
 * Part of the hosts tier: nothing unless a `container` service runs on Container Apps. loadHostedServices has
 * already refused a container without the estate's registry, an image naming another registry,
 * and routes no gateway in the VNet can reach.
 */
export function containerHosts(
  foundation: Foundation,
  { network, subnets }: NetworkTier,
  { data }: DataServicesTier,
  platform: PlatformServicesTier,
  settingSources: SettingSources,
  registry: ContainerRegistry | undefined,
): ContainerHosts | undefined {
  const { config, base, diagnostics, appInsights } = foundation;
  const services = containersOn("container-apps", config, foundation.services);
  if (!services.length) return undefined;
  const subnetId = network.subnetIds.containerApps;
  if (!subnetId || !registry)
    throw new Error(
      "containers: the network has no containerApps subnet or the estate has no registry; stacks/tiers/network.ts and estateRegistry plan them when a container service is hosted",
    );
  const settings = config.hosts;

  const environment = new ContainerAppsEnvironment("containers", {
    ...base,
    diagnostics,
    infrastructureSubnetId: subnetId,
    vnetId: network.vnetId,
    zoneRedundant: config.zoneRedundant,
  });

  // Services with identity bindings run as an identity made before their app: their settings name
  // it. So do those that read Key Vault secrets: the identity's grants must exist as the app is made.
  const identities = Object.fromEntries(
    services.map((service) => [
      service.name,
      serviceIdentity(foundation, service) ??
        (service.settings.some(isKeyVaultSetting) ? ownIdentity(foundation, service) : undefined),
    ]),
  );
  // The gateway's subnet is the apps' one allowed caller when it is in the VNet.
  const gatewayCidr = gatewaySubnetRole(config) ? subnets.gateway : undefined;
  const apps = Object.fromEntries(
    services.map((service) => {
      const identity = identities[service.name];
      const env = containerSettings(service, settingSources, appInsights.connectionString, identity);
      const secretGrants = identity
        ? grantSecretReads(service, { key: service.name, principalId: identity.principalId }, data)
        : [];
      const app = new ContainerApp(`app-${service.name}`, {
        ...base,
        diagnostics,
        name: service.name,
        environment: environment.ref,
        image: { registry, reference: service.image! },
        ingress: {
          from: "vnet",
          targetPort: service.port!,
          allowedSourceCidrs: gatewayCidr ? [gatewayCidr] : undefined,
        },
        cpu: settings.containerApps.cpu,
        minReplicas: settings.containerApps.minReplicas,
        maxReplicas: settings.containerApps.maxReplicas,
        concurrentRequests: settings.containerApps.concurrentRequests,
        env,
        // A service identity, when its bindings or secrets need one, is the app's only identity.
        identity,
        dependsOn: secretGrants,
      });
      return [service.name, app];
    }),
  );

  // Each app's identity gets exactly the data its manifest lists, as the App Service apps do.
  const databaseUsers: ServiceDatabaseUser[] = [];
  for (const service of services) {
    grantServiceData(service, { key: service.name, principalId: apps[service.name].principalId }, data, platform, {
      bindings: true,
    });
    const identity = identities[service.name];
    if (identity) databaseUsers.push(...databaseUserSteps(service, identity, data));
  }
  return { environment, apps, databaseUsers };
}

/**
 * A container's env vars from its manifest, on Container Apps or AKS: what serviceSettings gives
 * App Service apps, plus the App Insights connection, which App Service sets on its own and
 * neither container host does.
 */
export function containerSettings(
  service: HostedService,
  sources: SettingSources,
  appInsightsConnection: pulumi.Output<string>,
  identity?: ServiceIdentity,
): Record<string, AppSettingValue> {
  const resolved = serviceSettings(service, sources, identity);
  // In the manifest's order, as App Service apps list theirs.
  const settings: Record<string, AppSettingValue> = {};
  for (const setting of service.settings) {
    const value = setting.from === "appInsights.connectionString" ? appInsightsConnection : resolved[setting.name];
    if (value !== undefined) settings[setting.name] = value;
  }
  return settings;
}
