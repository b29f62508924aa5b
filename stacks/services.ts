import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { AppSettingValue } from "../infra/compute/index.js";
import { CALLER_AUTHORIZATION_HEADER, entraEndpoints } from "../infra/gateway/policy-xml.js";
import { buildFolderProblem, STATIC_SITE_REGIONS } from "../infra/static/index.js";
import { planSubnets } from "../infra/network/subnets.js";
import { appProblems } from "../infra/kubernetes/index.js";
import { HEALTH_PATH } from "../infra/core/health.js";
import { FUNCTIONS_HOST_ID_LENGTH, hostIdClashes } from "../infra/compute/host-ids.js";
import { Namer, NamingError } from "../infra/naming/index.js";
import {
  CONTAINER_HOSTS,
  isAppService,
  isKeyVaultSetting,
  loadManifests,
  type LoadedManifest,
  type ServiceKind,
} from "../services/manifest.js";
import { resolveSetting, type SettingEnvironment } from "../services/settings.js";
import { secondaryRegion } from "./config/dr.js";
import { staticSiteRegion } from "./config/hosts.js";
import { undeclaredDatabases } from "./config/database-bindings.js";
import { ConfigError, formatKey, type ConfigProblem } from "./config/load.js";
import type { EstateConfig } from "./config/schema.js";
import { CONTAINER_HOST_KEYS, containerHostOf, containersOn, offeredContainerHosts } from "./container-hosts.js";
import { gatewaySubnetRole, subnetRolesFor } from "./tiers/network.js";

export type HostedService = LoadedManifest;

/** A service's manifest as messages name it, from the project folder. */
const manifestOf = (service: HostedService): string => `services/${service.name}/manifest.json`;
/** A service as messages name it: its name and its manifest. */
const serviceOf = (service: HostedService): string => `service ${service.name} (${manifestOf(service)})`;

/**
 * The services the estate hosts: the `services/<name>/manifest.json` the stack chooses with
 * `estate:services` (by default all of the project's, but those whose manifest names other `stacks`). Read and checked against the stack config
 * before any resource is declared: each must be a kind the stack can host, and may only use the
 * queues, Cosmos containers and blob containers the stack declares.
 */
export async function loadHostedServices(
  rootDir: string,
  config: EstateConfig,
  stack: string,
): Promise<HostedService[]> {
  const all = await loadManifests(path.join(rootDir, "services"));
  const { chosen, problems } = chooseServices(all, config, stack);
  problems.push(
    ...chosen.flatMap((m) => [
      ...unhostable(m, config),
      ...undeclaredData(m, config),
      ...undeclaredBindings(m, config),
      ...undeclaredSecrets(m, config),
    ]),
    ...unroutable(chosen, config),
    ...unhostableSites(chosen, config),
    ...unbuiltSites(chosen, rootDir),
    ...noContainerSubnet(chosen, config),
    ...sharedHostIds(chosen, config),
  );
  if (problems.length) throw new ConfigError(`Pulumi.${stack}.yaml`, problems);
  return chosen;
}

/**
 * The kinds of service the stack's tiers can host: App Service plans host function and web apps,
 * Static Web Apps the static sites, and Container Apps or the AKS cluster the containers
 * (stacks/container-hosts.ts).
 */
export function hostableKinds(config: EstateConfig): ServiceKind[] {
  return [
    "function-app",
    "web-app",
    "static-site",
    ...(offeredContainerHosts(config).length ? (["container"] as const) : []),
  ];
}

function chooseServices(
  all: HostedService[],
  config: EstateConfig,
  stack: string,
): { chosen: HostedService[]; problems: ConfigProblem[] } {
  // Without a list: every service that does not keep itself to other stacks.
  if (!config.services) return { chosen: all.filter((m) => !m.stacks || m.stacks.includes(stack)), problems: [] };
  const names = all.map((m) => m.name);
  const problems: ConfigProblem[] = [];
  config.services.forEach((name, i) => {
    if (!names.includes(name)) {
      problems.push({
        key: formatKey(["services", i]),
        message: `got "${name}"; the project's services are ${names.join(", ") || "(none)"}`,
      });
    } else if (config.services!.indexOf(name) !== i) {
      problems.push({ key: formatKey(["services", i]), message: `"${name}" is listed twice` });
    }
  });
  return { chosen: all.filter((m) => config.services!.includes(m.name)), problems };
}

/** Without a gateway, Front Door has one origin: the one service with routes. */
function unroutable(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const routed = services.filter((s) => s.routes.length > 0).map(manifestOf);
  if (config.gateway.sku !== "none" || config.edge.sku === "none" || routed.length === 1) return [];
  if (!routed.length)
    return [
      {
        key: formatKey(["edge", "sku"]),
        message: `Front Door needs an origin, but the stack has no gateway and no service with routes; set edge.sku: none or choose a gateway sku`,
      },
    ];
  return [
    {
      key: formatKey(["gateway", "sku"]),
      message: `without a gateway Front Door routes /api/* to one app, but ${routed.join(" and ")} all have routes; choose a gateway sku or host one of them`,
    },
  ];
}

function unhostable(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = manifestOf(service);
  const kinds = hostableKinds(config);
  if (service.kind === "container") return unhostableContainer(service, config);
  if (!kinds.includes(service.kind)) {
    return [
      {
        key: formatKey(["services"]),
        message: `${file}: kind "${service.kind}" cannot be hosted by this stack; its tiers host ${kinds.join(", ")}`,
      },
    ];
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
 * A container service needs a host (stacks/container-hosts.ts: the one its manifest names, else
 * the stack's only one), an image in the registry its host pulls from (no registry host of its
 * own), and what that host needs; each refused naming the manifest, the key and the allowed values.
 */
function unhostableContainer(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = manifestOf(service);
  const problems: ConfigProblem[] = [];
  if (config.dr.enabled) {
    problems.push({
      key: formatKey(["dr", "enabled"]),
      message: `${file}: container services are not deployed to the secondary region yet (docs/dr.md); host it as a web app or turn estate:dr off`,
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
  const host = containerHostOf(service, config);
  if (host === "aks") problems.push(...unhostableOnAks(service, config));
  else if (host === "container-apps") problems.push(...unhostableOnContainerApps(service, config));
  else problems.push(noContainerHost(service, config));
  return problems;
}

/** The manifest names a host the stack lacks, names none where the stack offers two, or the stack offers none. */
function noContainerHost(service: HostedService, config: EstateConfig): ConfigProblem {
  const file = manifestOf(service);
  const offered = offeredContainerHosts(config);
  const hosts = (list: readonly string[]) => list.map((h) => `"${h}"`).join(" or ");
  if (service.host)
    return {
      key: "host",
      message: `${file}: host "${service.host}" needs ${CONTAINER_HOST_KEYS[service.host]}, which this stack leaves off; allowed here: ${offered.length ? hosts(offered) : "none"}`,
    };
  if (offered.length)
    return {
      key: "host",
      message: `${file}: this stack runs containers on Container Apps and on its AKS cluster; say which with "host": ${hosts(offered)}`,
    };
  return {
    key: "kind",
    message: `${file}: kind "container" runs on Container Apps (${CONTAINER_HOST_KEYS["container-apps"]}) or an AKS cluster (${CONTAINER_HOST_KEYS.aks}), and this stack has neither; turn one on (host ${hosts(CONTAINER_HOSTS)}) or host another service`,
  };
}

/**
 * On Container Apps, a service with routes needs a gateway inside the VNet: the environment is
 * internal, reachable only from the VNet (https://learn.microsoft.com/azure/container-apps/ingress-overview).
 */
function unhostableOnContainerApps(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = manifestOf(service);
  if (service.routes.length && config.gateway.sku === "none") {
    return [
      {
        key: formatKey(["gateway", "sku"]),
        message: `${file}: a container with routes is reached through the gateway (its environment is internal, with no public address); choose a gateway sku`,
      },
    ];
  }
  if (service.routes.length && !gatewaySubnetRole(config)) {
    return [
      {
        key: formatKey(["gateway", "sku"]),
        message: `${file}: gateway ${config.gateway.sku} is not in the VNet here and cannot reach the internal Container Apps environment; use Developer, Premium (injected) or StandardV2 (VNet-integrated)`,
      },
    ];
  }
  return [];
}

/**
 * On AKS, the nodes pull the image from the stack's registry or the estate's, the pods get plain
 * settings as env vars and Key Vault secrets through the CSI driver, the Service is on the cluster's
 * internal load balancer (no gateway backend yet), and the names fit Kubernetes: the workload's own checks.
 */
function unhostableOnAks(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const file = manifestOf(service);
  const problems: ConfigProblem[] = [];
  if (!config.kubernetes.registry && !config.hosts.registry.enabled) {
    problems.push({
      key: formatKey(["kubernetes", "registry"]),
      message: `${file} runs on AKS, whose nodes pull its image with AcrPull from estate:kubernetes.registry or the estate's registry; give { id, loginServer }, or keep estate:hosts.registry enabled`,
    });
  }
  if (service.routes.length) {
    problems.push({
      key: "routes",
      message: `${file}: a container on AKS is served on the cluster's internal load balancer, which the gateway does not route to yet; remove its routes or run it on Container Apps`,
    });
  }
  const keyVaultSecrets = { env: keyVaultSecretsOf(service) };
  const env = Object.fromEntries(
    service.settings.filter((setting) => !(setting.name in keyVaultSecrets.env)).map((setting) => [setting.name, ""]),
  );
  const args = { name: service.name, port: service.port!, healthPath: HEALTH_PATH, env, keyVaultSecrets };
  for (const problem of appProblems(args)) {
    const key = problem.path[0] === "env" || problem.path[0] === "keyVaultSecrets" ? "settings" : problem.path[0];
    problems.push({ key, message: `${file}: ${problem.path.at(-1)}: ${problem.message}` });
  }
  return problems;
}

function undeclaredData(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const who = serviceOf(service);
  if (!config.data.cosmos.enabled && service.cosmos.length) {
    return [
      {
        key: formatKey(["data", "cosmos", "enabled"]),
        message: `${who} uses Cosmos DB, which this stack leaves out; set it true or host another service`,
      },
    ];
  }
  if (!config.data.serviceBus.enabled && service.queues.length) {
    return [
      {
        key: formatKey(["data", "serviceBus", "enabled"]),
        message: `${who} uses Service Bus queues, which this stack leaves out; set it true or host another service`,
      },
    ];
  }
  const queues = new Set(config.data.serviceBus.queues.map((q) => q.name));
  for (const q of service.queues.filter((q) => !queues.has(q.name))) {
    problems.push({
      key: formatKey(["data", "serviceBus", "queues"]),
      message: `${who} uses queue "${q.name}", which the stack does not declare`,
    });
  }
  const blobs = new Set(config.data.storage.containers);
  for (const b of service.blobContainers.filter((b) => !blobs.has(b.name))) {
    problems.push({
      key: formatKey(["data", "storage", "containers"]),
      message: `${who} uses blob container "${b.name}", which the stack does not declare`,
    });
  }
  for (const c of service.cosmos) {
    const declared = config.data.cosmos.databases
      .find((d) => d.name === c.database)
      ?.containers.find((x) => x.name === c.container);
    if (!declared) {
      problems.push({
        key: formatKey(["data", "cosmos", "databases"]),
        message: `${who} uses Cosmos container ${c.database}/${c.container}, which the stack does not declare`,
      });
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
 * Bindings to services the stack leaves out, databases and model deployments it does not declare:
 * each refused with the manifest and the stack key, before anything is declared.
 */
export function undeclaredBindings(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const who = serviceOf(service);
  const problems: ConfigProblem[] = [];
  const refuse = (path: Array<string | number>, message: string) =>
    problems.push({ key: formatKey(path), message: `${who} ${message}` });
  const { data, platform } = config;
  if (service.redis && !data.redis.enabled)
    refuse(
      ["data", "redis", "enabled"],
      "binds Redis, which this stack leaves out; set it true or host another service",
    );
  undeclaredDatabases(service, data, who, (path, message) => problems.push({ key: formatKey(path), message }));
  if (service.search && !platform.search.enabled)
    refuse(
      ["platform", "search", "enabled"],
      "binds AI Search, which this stack leaves out; set it true or host another service",
    );
  if (service.openAi) {
    if (!platform.openAi.enabled)
      refuse(
        ["platform", "openAi", "enabled"],
        "binds Azure OpenAI, which this stack leaves out; set it true or host another service",
      );
    else {
      const declared = platform.openAi.deployments.map((d) => d.name);
      for (const name of service.openAi.deployments.filter((d) => !declared.includes(d))) {
        refuse(
          ["platform", "openAi", "deployments"],
          `binds model deployment "${name}", which the stack does not declare (it declares ${declared.join(", ")})`,
        );
      }
    }
  }
  for (const kind of ["signalR", "webPubSub"] as const) {
    if (!service[kind]) continue;
    const what = kind === "signalR" ? "SignalR Service" : "Web PubSub";
    if (!platform.realtime.enabled)
      refuse(
        ["platform", "realtime", "enabled"],
        `binds ${what}, which this stack leaves out; set it true (kind ${kind}) or host another service`,
      );
    else if (platform.realtime.kind !== kind)
      refuse(
        ["platform", "realtime", "kind"],
        `binds ${what}, but the stack's real-time service is ${platform.realtime.kind}; bind that one or change the kind`,
      );
  }
  if (service.appConfig && !platform.appConfiguration.enabled) {
    refuse(
      ["platform", "appConfiguration", "enabled"],
      "binds App Configuration, which this stack leaves out; set it true or host another service",
    );
  }
  return problems;
}

/**
 * A `keyVault.secret` setting reads a secret the stack supplies; a `keyVault.generatedSecret` one
 * must not name such a secret (the estate would hand the operator's value over as its own).
 */
function undeclaredSecrets(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const who = serviceOf(service);
  const supplied = new Set(config.secrets.supplied.map((s) => s.name));
  const key = formatKey(["secrets", "supplied"]);
  return service.settings.flatMap((setting): ConfigProblem[] => {
    if (setting.from === "keyVault.secret" && !supplied.has(setting.value!)) {
      return [
        {
          key,
          message: `${who}: setting ${setting.name} reads Key Vault secret "${setting.value}", which the stack does not supply; supplied: ${[...supplied].join(", ") || "(none)"}`,
        },
      ];
    }
    if (setting.from === "keyVault.generatedSecret" && supplied.has(setting.value!)) {
      return [
        {
          key,
          message: `${who}: setting ${setting.name} asks the estate to generate "${setting.value}", which the stack supplies; read it with from: keyVault.secret`,
        },
      ];
    }
    return [];
  });
}

/** A container service on Container Apps needs a containerApps subnet: the address space must hold it beside the others. */
function noContainerSubnet(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const [container] = containersOn("container-apps", config, services);
  if (!container) return [];
  try {
    planSubnets(config.network.addressSpace, config.network.subnets, subnetRolesFor(config, services));
    return [];
  } catch (error) {
    return [
      {
        key: formatKey(["network", "subnets"]),
        message: `${(error as Error).message} (${manifestOf(container)} is a container, which needs a containerApps subnet)`,
      },
    ];
  }
}

/**
 * Static sites the stack cannot serve: no Static Web Apps region, a storage website without Front
 * Door Premium or with Static Web Apps' own features, or more than Front Door's one site origin.
 */
function unhostableSites(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sites = services.filter((service) => service.kind === "static-site");
  const onStorage = sites.length > 0 && config.hosts.staticSites.host === "storage";
  if (onStorage) problems.push(...unservedWebsite(sites[0], config));
  else if (sites.length && !staticSiteRegion(config.hosts, config.location)) {
    problems.push({
      key: formatKey(["hosts", "staticSites", "region"]),
      message: `${serviceOf(sites[0])} is a static site and Static Web Apps has no region ${config.location}; set one of ${STATIC_SITE_REGIONS.join(", ")}`,
    });
  }
  // Front Door has one static-site origin group: a second site would need its own host and routes.
  for (const extra of sites.slice(1)) {
    problems.push({
      key: "kind",
      message: `${serviceOf(extra)} is a second static site; an estate serves one (${sites[0].name}) behind Front Door`,
    });
  }
  const linked = config.hosts.staticSites.linkedBackend;
  // A storage website's linked backend is refused above, as a feature it lacks.
  if (linked !== undefined && !onStorage) problems.push(...unlinkableBackend(linked, services, config));
  return problems;
}

/**
 * A storage static website is served only through Front Door Premium: the account has no public
 * network access, and Front Door reaches its `web` endpoint over Private Link, which Standard does
 * not offer (https://learn.microsoft.com/azure/frontdoor/private-link). Standard would need the
 * account open to the internet (`publicNetworkAccess: Enabled`, firewall `defaultAction: Allow`:
 * a storage firewall admits IP ranges and VNets, not Front Door's service tag,
 * https://learn.microsoft.com/azure/storage/common/storage-network-security), which EST-ST-005 and
 * EST-ST-006 refuse for every storage account. Static Web Apps' own features do not apply to it.
 */
function unservedWebsite(site: HostedService, config: EstateConfig): ConfigProblem[] {
  const what = `${serviceOf(site)} is a static site on host storage`;
  const problems: ConfigProblem[] = [];
  if (config.edge.sku === "none") {
    problems.push({
      key: formatKey(["hosts", "staticSites", "host"]),
      message: `${what}, which is served only through Front Door and this stack has none (estate:edge.sku is none); allowed here: staticWebApps, or set edge.sku: Premium`,
    });
  } else if (config.edge.sku !== "Premium") {
    problems.push({
      key: formatKey(["edge", "sku"]),
      message: `${what}: Front Door reaches its private website endpoint over Private Link, which ${config.edge.sku} lacks (https://learn.microsoft.com/azure/frontdoor/private-link); allowed: Premium, or hosts.staticSites.host: staticWebApps`,
    });
  }
  const { linkedBackend, customDomains } = config.hosts.staticSites;
  if (linkedBackend !== undefined) {
    problems.push({
      key: formatKey(["hosts", "staticSites", "linkedBackend"]),
      message: `${what}; a linked backend is a Static Web Apps feature: remove it, or set host: staticWebApps`,
    });
  }
  if (customDomains.length) {
    problems.push({
      key: formatKey(["hosts", "staticSites", "customDomains"]),
      message: `${what}; its host names are Front Door's: move them to estate:edge.customDomains, or set host: staticWebApps`,
    });
  }
  return problems;
}

/**
 * Function apps of one stack share its host storage account, where each host keys its state by its
 * host id, the app name's first 32 characters: names that differ only later clash (infra/compute/host-ids.ts).
 * Checked in every region the stack declares apps in, as their names carry the region.
 */
function sharedHostIds(services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const functionApps = services.filter((service) => service.kind === "function-app");
  const secondary = config.dr.enabled ? secondaryRegion(config.dr, config.location) : undefined;
  const regions = [config.location, ...(secondary ? [secondary] : [])];
  const clashes = regions.flatMap((location) => {
    try {
      const names = functionApps.map((service) => service.name);
      return hostIdClashes(names, new Namer({ workload: config.workload, environment: config.environment, location }));
    } catch (error) {
      // A name too long for Azure is refused with the app's declaration, naming its rule.
      if (error instanceof NamingError) return [];
      throw error;
    }
  });
  // A pair that clashes in both regions is one problem.
  const pairs = new Map(clashes.map((clash) => [`${clash.other} ${clash.app}`, clash]));
  return [...pairs.values()].map(({ app, other, hostId }) => ({
    key: "name",
    message: `${serviceOf(functionApps.find((service) => service.name === app)!)}: its Function app would share the Functions host id "${hostId}" with ${other}'s (the first ${FUNCTIONS_HOST_ID_LENGTH} characters of the app name, https://github.com/Azure/azure-functions-host/wiki/Host-IDs); rename one so the names differ sooner`,
  }));
}

/** A static site's build output must be there before anything is declared: the site uploads it. */
function unbuiltSites(services: HostedService[], rootDir: string): ConfigProblem[] {
  return services.flatMap((service) => {
    const problem = service.buildPath && buildFolderProblem(service.buildPath, rootDir);
    return problem ? [{ key: "build", message: `${manifestOf(service)}: ${problem}` }] : [];
  });
}

/**
 * The static site's linked backend must be an App Service app of this stack that the site's edge
 * can call: an app admitting only the gateway or Front Door refuses the site's calls, and Static
 * Web Apps has no service tag to admit instead.
 */
function unlinkableBackend(name: string, services: HostedService[], config: EstateConfig): ConfigProblem[] {
  const key = formatKey(["hosts", "staticSites", "linkedBackend"]);
  if (!services.some((service) => service.kind === "static-site"))
    return [{ key, message: `names ${name}, but the stack hosts no static-site service to link it to` }];
  const backend = services.find((service) => service.name === name);
  if (!backend || !isAppService(backend)) {
    const apps = services.filter(isAppService).map((service) => service.name);
    return [
      {
        key,
        message: `got "${name}"; expected a function-app or web-app service the stack hosts (${apps.join(", ") || "none"})`,
      },
    ];
  }
  const front =
    config.gateway.sku !== "none"
      ? formatKey(["gateway", "sku"])
      : config.edge.sku !== "none"
        ? formatKey(["edge", "sku"])
        : undefined;
  return front
    ? [
        {
          key,
          message: `${name} admits only the tier in front of it (${front} is set), so the static site's calls to /api would be refused; link a backend only in a stack with neither`,
        },
      ]
    : [];
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
  /** The bound services' addresses; each absent when the stack leaves that service out. */
  redisHostName?: pulumi.Input<string>;
  sqlServerFqdn?: pulumi.Input<string>;
  postgresqlFqdn?: pulumi.Input<string>;
  mysqlFqdn?: pulumi.Input<string>;
  searchEndpoint?: pulumi.Input<string>;
  openAiEndpoint?: pulumi.Input<string>;
  /** The real-time service is SignalR or Web PubSub, never both (`estate:platform.realtime.kind`). */
  realtime?: { kind: "signalR" | "webPubSub"; endpoint: pulumi.Input<string> };
  appConfigEndpoint?: pulumi.Input<string>;
}

/**
 * The user-assigned identity a service with identity bindings (Redis, SQL, PostgreSQL, MySQL)
 * signs in as: its Entra object id is the Redis user name, its name the database user's.
 */
export interface BindingIdentity {
  name: pulumi.Input<string>;
  principalId: pulumi.Input<string>;
  clientId: pulumi.Input<string>;
}

/** Azure Cache for Redis takes TLS connections on 6380 only (the non-TLS port is off): https://learn.microsoft.com/azure/azure-cache-for-redis/cache-configure#access-ports */
/** The service's settings read from Key Vault: by setting name, the secret's name in the vault. */
export function keyVaultSecretsOf(service: Pick<HostedService, "settings">): Record<string, string> {
  return Object.fromEntries(
    service.settings.filter(isKeyVaultSetting).map((setting) => [setting.name, setting.value!]),
  );
}

export const REDIS_TLS_PORT = 6380;

/**
 * A service's app settings in Azure, by the `from` of each manifest setting (services/settings.ts
 * resolves the sources every environment shares). Sources that need nothing in Azure are left out:
 * the platform sets the App Insights connection, and system-assigned identities need no client id.
 */
export function serviceSettings(
  service: HostedService,
  sources: SettingSources,
  identity?: BindingIdentity,
): Record<string, AppSettingValue> {
  const entra = pulumi.output(sources.tenantId).apply(entraEndpoints);
  const settings: Record<string, AppSettingValue> = {};
  for (const setting of service.settings) {
    const absent = (what: string, key: string): never => {
      throw new Error(
        `service ${service.name}: setting ${setting.name} needs ${what}, which the stack leaves out (estate:${key} is false)`,
      );
    };
    // The hosts tier gives every service with an identity binding its identity.
    const bound = (): BindingIdentity => {
      if (!identity)
        throw new Error(
          `service ${service.name}: setting ${setting.name} (${setting.from}) names the service identity, which only a redis, sql, postgresql or mysql binding gives`,
        );
      return identity;
    };
    const realtime = (kind: "signalR" | "webPubSub") =>
      sources.realtime?.kind === kind
        ? sources.realtime.endpoint
        : absent(kind === "signalR" ? "SignalR Service" : "Web PubSub", `platform.realtime (kind ${kind})`);
    const environment: SettingEnvironment<AppSettingValue> = {
      queues: sources.queues,
      callerTokenHeader: sources.behindGateway ? CALLER_AUTHORIZATION_HEADER.toLowerCase() : undefined,
      sources: {
        "cosmos.endpoint": () => sources.cosmosEndpoint ?? absent("Cosmos DB", "data.cosmos.enabled"),
        "storage.blobEndpoint": () => sources.blobEndpoint,
        "servicebus.fullyQualifiedNamespace": () =>
          sources.serviceBusNamespace ?? absent("Service Bus", "data.serviceBus.enabled"),
        "auth.issuer": () => entra.issuer,
        "auth.audience": () => sources.audience,
        "auth.jwksUri": () => entra.jwksUri,
        // A Key Vault reference: the value stays in the vault and never enters the app's config.
        "keyVault.generatedSecret": (s) => ({ keyVaultSecretUri: sources.generatedSecretUri(s.value!) }),
        "keyVault.secret": (s) => ({ keyVaultSecretUri: sources.suppliedSecretUri(s.value!) }),
        "redis.url": () =>
          pulumi.interpolate`rediss://${sources.redisHostName ?? absent("Redis", "data.redis.enabled")}:${REDIS_TLS_PORT}`,
        // Azure Cache for Redis names an Entra user by its object id (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-azure-active-directory-for-authentication).
        "redis.user": () => bound().principalId,
        "sql.server": () => sources.sqlServerFqdn ?? absent("Azure SQL", "data.sql.enabled"),
        "sql.database": () => service.sql?.database,
        "postgresql.host": () => sources.postgresqlFqdn ?? absent("PostgreSQL", "data.postgresql.enabled"),
        // The role is named after the identity (pgaadauth_create_principal), the MySQL user likewise.
        "postgresql.user": () => bound().name,
        "mysql.host": () => sources.mysqlFqdn ?? absent("MySQL", "data.mysql.enabled"),
        "mysql.database": () => service.mysql?.database,
        "mysql.user": () => bound().name,
        "search.endpoint": () => sources.searchEndpoint ?? absent("AI Search", "platform.search.enabled"),
        "openai.endpoint": () => sources.openAiEndpoint ?? absent("Azure OpenAI", "platform.openAi.enabled"),
        "openai.deployment": (s) => s.value,
        "signalr.endpoint": () => realtime("signalR"),
        "webPubSub.endpoint": () => realtime("webPubSub"),
        "appConfig.endpoint": () =>
          sources.appConfigEndpoint ?? absent("App Configuration", "platform.appConfiguration.enabled"),
        // A system-assigned identity needs no client id; a service with identity bindings signs in as its user-assigned one.
        "identity.clientId": () => identity?.clientId,
      },
    };
    const value = resolveSetting(setting, service, environment);
    if (value !== undefined) settings[setting.name] = value;
  }
  return settings;
}
