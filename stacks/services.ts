import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { AppSettingValue } from "../infra/compute/index.js";
import { CALLER_AUTHORIZATION_HEADER, entraEndpoints } from "../infra/gateway/policy-xml.js";
import { STATIC_SITE_REGIONS } from "../infra/static/index.js";
import { planSubnets } from "../infra/network/subnets.js";
import { loadManifests, unhandledSettingSource, type LoadedManifest, type ServiceKind } from "../services/manifest.js";
import { staticSiteRegion } from "./config/hosts.js";
import { ConfigError, formatKey, type ConfigProblem } from "./config/load.js";
import type { EstateConfig } from "./config/schema.js";
import { gatewaySubnetRole, hostsContainers, subnetRolesFor } from "./tiers/network.js";

export type HostedService = LoadedManifest;

/**
 * The services the estate hosts: the `services/<name>/manifest.json` the stack chooses with
 * `estate:services` (by default all of the project's, but those whose manifest names other `stacks`). Read and checked against the stack config
 * before any resource is declared: each must be a kind the stack can host, and may only use the
 * queues, Cosmos containers and blob containers the stack declares.
 */
export async function loadHostedServices(rootDir: string, config: EstateConfig, stack: string): Promise<HostedService[]> {
  const all = await loadManifests(path.join(rootDir, "services"));
  const { chosen, problems } = chooseServices(all, config, stack);
  problems.push(
    ...chosen.flatMap((m) => [...unhostable(m, config), ...undeclaredData(m, config), ...undeclaredSecrets(m, config)]),
    ...unroutable(chosen, config),
    ...unhostableSites(chosen, config),
    ...noContainerSubnet(chosen, config),
  );
  if (problems.length) throw new ConfigError(`Pulumi.${stack}.yaml`, problems);
  return chosen;
}

/**
 * The kinds of service the stack's tiers can host: App Service plans host function and web apps,
 * Static Web Apps the static sites, and Container Apps the containers, whose images come from
 * the estate's own registry (`estate:hosts.registry.enabled`).
 */
export function hostableKinds(config: EstateConfig): ServiceKind[] {
  return ["function-app", "web-app", "static-site", ...(config.hosts.registry.enabled ? (["container"] as const) : [])];
}

function chooseServices(all: HostedService[], config: EstateConfig, stack: string): { chosen: HostedService[]; problems: ConfigProblem[] } {
  // Without a list: every service that does not keep itself to other stacks.
  if (!config.services) return { chosen: all.filter((m) => !m.stacks || m.stacks.includes(stack)), problems: [] };
  const names = all.map((m) => m.name);
  const problems: ConfigProblem[] = [];
  config.services.forEach((name, i) => {
    if (!names.includes(name)) {
      problems.push({ key: formatKey(["services", i]), message: `got "${name}"; the project's services are ${names.join(", ") || "(none)"}` });
    } else if (config.services!.indexOf(name) !== i) {
      problems.push({ key: formatKey(["services", i]), message: `"${name}" is listed twice` });
    }
  });
  return { chosen: all.filter((m) => config.services!.includes(m.name)), problems };
}

/** Without a gateway, Front Door has one origin: the one service with routes. */
function unroutable(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const routed = services.filter((s) => s.routes.length > 0).map((s) => `services/${s.name}/manifest.json`);
  if (config.gateway.sku !== "none" || config.edge.sku === "none" || routed.length <= 1) return [];
  return [
    {
      key: formatKey(["gateway", "sku"]),
      message: `without a gateway Front Door routes /api/* to one app, but ${routed.join(" and ")} all have routes; choose a gateway sku or host one of them`,
    },
  ];
}

function unhostable(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = `services/${service.name}/manifest.json`;
  const kinds = hostableKinds(config);
  if (service.kind === "container") return unhostableContainer(service, config);
  if (!kinds.includes(service.kind)) {
    return [{ key: formatKey(["services"]), message: `${file}: kind "${service.kind}" cannot be hosted by this stack; its tiers host ${kinds.join(", ")}` }];
  }
  // One integration subnet, one delegation: Flex Consumption's is not App Service's.
  if (service.kind === "web-app" && config.compute.functions.plan === "FlexConsumption") {
    return [
      {
        key: formatKey(["compute", "functions", "plan"]),
        message: `${file}: kind "web-app" needs the integration subnet delegated to Microsoft.Web/serverFarms, but plan FlexConsumption delegates it to Microsoft.App/environments; use plan ElasticPremium or host ${service.name} elsewhere`,
      },
    ];
  }
  return [];
}

/**
 * A container service needs the estate's registry, an image in it (no registry host of its own),
 * and, when it has routes, a gateway inside the VNet: the Container Apps environment is internal,
 * reachable only from the VNet (https://learn.microsoft.com/azure/container-apps/ingress-overview).
 */
function unhostableContainer(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = `services/${service.name}/manifest.json`;
  const problems: ConfigProblem[] = [];
  if (!config.hosts.registry.enabled) {
    problems.push({
      key: formatKey(["hosts", "registry", "enabled"]),
      message: `${file}: kind "container" pulls its image from the estate's registry, which this stack leaves out; set it true or host another service`,
    });
  }
  const [first] = service.image?.split("/") ?? [];
  // Docker's rule: a first segment with a dot or a port, or localhost, is a registry host.
  if (service.image?.includes("/") && first && (/[.:]/.test(first) || first === "localhost")) {
    problems.push({
      key: "image",
      message: `${file}: image "${service.image}" names the registry ${first}; give repository:tag in the estate's registry (it adds its own login server)`,
    });
  }
  if (service.routes.length && config.gateway.sku === "none") {
    problems.push({
      key: formatKey(["gateway", "sku"]),
      message: `${file}: a container with routes is reached through the gateway (its environment is internal, with no public address); choose a gateway sku`,
    });
  } else if (service.routes.length && !gatewaySubnetRole(config)) {
    problems.push({
      key: formatKey(["gateway", "sku"]),
      message: `${file}: gateway ${config.gateway.sku} is not in the VNet here and cannot reach the internal Container Apps environment; use Developer, Premium (injected) or StandardV2 (VNet-integrated)`,
    });
  }
  return problems;
}

function undeclaredData(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const who = `service ${service.name} (services/${service.name}/manifest.json)`;
  if (!config.data.cosmos.enabled && service.cosmos.length) {
    return [{ key: formatKey(["data", "cosmos", "enabled"]), message: `${who} uses Cosmos DB, which this stack leaves out; set it true or host another service` }];
  }
  if (!config.data.serviceBus.enabled && service.queues.length) {
    return [{ key: formatKey(["data", "serviceBus", "enabled"]), message: `${who} uses Service Bus queues, which this stack leaves out; set it true or host another service` }];
  }
  const queues = new Set(config.data.serviceBus.queues.map((q) => q.name));
  for (const q of service.queues.filter((q) => !queues.has(q.name))) {
    problems.push({ key: formatKey(["data", "serviceBus", "queues"]), message: `${who} uses queue "${q.name}", which the stack does not declare` });
  }
  const blobs = new Set(config.data.storage.containers);
  for (const b of service.blobContainers.filter((b) => !blobs.has(b.name))) {
    problems.push({ key: formatKey(["data", "storage", "containers"]), message: `${who} uses blob container "${b.name}", which the stack does not declare` });
  }
  for (const c of service.cosmos) {
    const declared = config.data.cosmos.databases.find((d) => d.name === c.database)?.containers.find((x) => x.name === c.container);
    if (!declared) {
      problems.push({ key: formatKey(["data", "cosmos", "databases"]), message: `${who} uses Cosmos container ${c.database}/${c.container}, which the stack does not declare` });
    } else if (declared.partitionKey !== c.partitionKey) {
      problems.push({
        key: formatKey(["data", "cosmos", "databases"]),
        message: `${who} expects ${c.database}/${c.container} partitioned by ${c.partitionKey}; the stack declares ${declared.partitionKey}`,
      });
    }
  }
  return problems;
}

/**
 * A `keyVault.secret` setting reads a secret the stack supplies; a `keyVault.generatedSecret` one
 * must not name such a secret (the estate would hand the operator's value over as its own).
 */
function undeclaredSecrets(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const who = `service ${service.name} (services/${service.name}/manifest.json)`;
  const supplied = new Set(config.secrets.supplied.map((s) => s.name));
  const key = formatKey(["secrets", "supplied"]);
  return service.settings.flatMap((setting): ConfigProblem[] => {
    if (setting.from === "keyVault.secret" && !supplied.has(setting.value!)) {
      return [{ key, message: `${who}: setting ${setting.name} reads Key Vault secret "${setting.value}", which the stack does not supply; supplied: ${[...supplied].join(", ") || "(none)"}` }];
    }
    if (setting.from === "keyVault.generatedSecret" && supplied.has(setting.value!)) {
      return [{ key, message: `${who}: setting ${setting.name} asks the estate to generate "${setting.value}", which the stack supplies; read it with from: keyVault.secret` }];
    }
    return [];
  });
}

/** A container service needs a containerApps subnet: the address space must hold it beside the others. */
function noContainerSubnet(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  if (!hostsContainers(services)) return [];
  try {
    planSubnets(config.network.addressSpace, config.network.subnets, subnetRolesFor(config, services));
    return [];
  } catch (error) {
    const container = services.find((service) => service.kind === "container")!;
    return [{ key: formatKey(["network", "subnets"]), message: `${(error as Error).message} (services/${container.name}/manifest.json is a container, which needs a containerApps subnet)` }];
  }
}

/** Static sites the stack cannot serve: no Static Web Apps region, or more than Front Door's one site origin. */
function unhostableSites(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const who = (service: HostedService) => `service ${service.name} (services/${service.name}/manifest.json)`;
  const sites = services.filter((service) => service.kind === "static-site");
  if (sites.length && !staticSiteRegion(config.hosts, config.location)) {
    problems.push({
      key: formatKey(["hosts", "staticSites", "region"]),
      message: `${who(sites[0])} is a static site and Static Web Apps has no region ${config.location}; set one of ${STATIC_SITE_REGIONS.join(", ")}`,
    });
  }
  // Front Door has one static-site origin group: a second site would need its own host and routes.
  for (const extra of sites.slice(1)) {
    problems.push({ key: "kind", message: `${who(extra)} is a second static site; an estate serves one (${sites[0].name}) behind Front Door` });
  }
  return problems;
}

/** Where each manifest setting's value comes from in Azure. */
export interface SettingSources {
  /** Absent when the stack has no Cosmos DB account / no Service Bus namespace. */
  cosmosEndpoint?: pulumi.Input<string>;
  blobEndpoint: pulumi.Input<string>;
  serviceBusNamespace?: pulumi.Input<string>;
  /** Entra tenant whose tokens the services accept (the same the gateway validates). */
  tenantId: pulumi.Input<string>;
  audience: string;
  queues: EstateConfig["data"]["serviceBus"]["queues"];
  /** Whether a gateway routes to the services (and moves the caller's token to its own header). */
  behindGateway: boolean;
  /** The versionless URI of the Key Vault secret the estate generates under this name (declared on first ask). */
  generatedSecretUri(name: string): pulumi.Input<string>;
  /** The versionless URI of a secret the operator supplies (estate:secrets.supplied). */
  suppliedSecretUri(name: string): pulumi.Input<string>;
}

/**
 * A service's app settings, by the `from` of each manifest setting. Sources that need nothing in
 * Azure are left out: the platform sets the App Insights connection, and system-assigned
 * identities need no client id.
 */
export function serviceSettings(service: HostedService, sources: SettingSources): Record<string, AppSettingValue> {
  const entra = pulumi.output(sources.tenantId).apply(entraEndpoints);
  const settings: Record<string, AppSettingValue> = {};
  for (const setting of service.settings) {
    const queue = () => {
      const found = sources.queues.find((q) => q.name === setting.value);
      if (!found) throw new Error(`service ${service.name}: setting ${setting.name} names queue "${setting.value}", which the stack does not declare`);
      return found;
    };
    const absent = (what: string, key: string): never => {
      throw new Error(`service ${service.name}: setting ${setting.name} needs ${what}, which the stack leaves out (estate:${key} is false)`);
    };
    const value: AppSettingValue | undefined = (() => {
      switch (setting.from) {
        case "cosmos.endpoint": return sources.cosmosEndpoint ?? absent("Cosmos DB", "data.cosmos.enabled");
        case "cosmos.database": return service.cosmos[0]?.database;
        case "storage.blobEndpoint": return sources.blobEndpoint;
        case "servicebus.fullyQualifiedNamespace": return sources.serviceBusNamespace ?? absent("Service Bus", "data.serviceBus.enabled");
        case "servicebus.queue": return queue().name;
        // Service Bus's own default when the stack leaves it unset.
        case "servicebus.maxDeliveryCount": return String(queue().maxDeliveryCount ?? 10);
        case "auth.issuer": return entra.issuer;
        case "auth.audience": return sources.audience;
        case "auth.jwksUri": return entra.jwksUri;
        // Only the gateway moves the caller's token there; an app it does not route to reads Authorization.
        case "gateway.callerTokenHeader": return service.routes.length && sources.behindGateway ? CALLER_AUTHORIZATION_HEADER.toLowerCase() : undefined;
        // A Key Vault reference: the value stays in the vault and never enters the app's config.
        case "keyVault.generatedSecret":
        case "keyVault.secret":
          return { keyVaultSecretUri: setting.from === "keyVault.secret" ? sources.suppliedSecretUri(setting.value!) : sources.generatedSecretUri(setting.value!) };
        case "literal": return setting.value;
        case "identity.clientId":
        case "appInsights.connectionString":
          return undefined;
        default: return unhandledSettingSource(setting.from);
      }
    })();
    if (value !== undefined) settings[setting.name] = value;
  }
  return settings;
}
