import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { AppSettingValue } from "../infra/compute/index.js";
import { CALLER_AUTHORIZATION_HEADER, entraEndpoints } from "../infra/gateway/policy-xml.js";
import { STATIC_SITE_REGIONS } from "../infra/static/index.js";
import { loadManifests, type LoadedManifest } from "../services/manifest.js";
import { staticSiteRegion } from "./config/hosts.js";
import { ConfigError, formatKey, type ConfigProblem } from "./config/load.js";
import type { EstateConfig } from "./config/schema.js";

export type HostedService = LoadedManifest;

/**
 * The services the estate hosts: every `services/<name>/manifest.json` of the project. Read and
 * checked against the stack config before any resource is declared: a service may only use the
 * queues, Cosmos containers and blob containers the stack declares.
 */
export async function loadHostedServices(rootDir: string, config: EstateConfig, stack: string): Promise<HostedService[]> {
  const manifests = await loadManifests(path.join(rootDir, "services"));
  const problems = [...manifests.flatMap((m) => undeclaredData(m, config)), ...unhostable(manifests, config)];
  if (problems.length) throw new ConfigError(`Pulumi.${stack}.yaml`, problems);
  return manifests;
}

function undeclaredData(service: HostedService, config: EstateConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const who = `service ${service.name} (services/${service.name}/manifest.json)`;
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

/** Services of a kind this stack cannot host as configured: refused before anything is declared. */
function unhostable(services: HostedService[], config: EstateConfig): ConfigProblem[] {
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
  for (const service of services.filter((s) => s.kind === "container")) {
    problems.push({
      key: "kind",
      message: `${who(service)} is a container; this estate cannot host containers yet: its network has no subnet delegated to Microsoft.App/environments (kinds it hosts: function-app, web-app, static-site)`,
    });
  }
  return problems;
}

/** Where each manifest setting's value comes from in Azure. */
export interface SettingSources {
  cosmosEndpoint: pulumi.Input<string>;
  blobEndpoint: pulumi.Input<string>;
  serviceBusNamespace: pulumi.Input<string>;
  /** Entra tenant whose tokens the services accept (the same the gateway validates). */
  tenantId: pulumi.Input<string>;
  audience: string;
  queues: EstateConfig["data"]["serviceBus"]["queues"];
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
    const value: pulumi.Input<string> | undefined = (() => {
      switch (setting.from) {
        case "cosmos.endpoint": return sources.cosmosEndpoint;
        case "cosmos.database": return service.cosmos[0]?.database;
        case "storage.blobEndpoint": return sources.blobEndpoint;
        case "servicebus.fullyQualifiedNamespace": return sources.serviceBusNamespace;
        case "servicebus.queue": return queue().name;
        // Service Bus's own default when the stack leaves it unset.
        case "servicebus.maxDeliveryCount": return String(queue().maxDeliveryCount ?? 10);
        case "auth.issuer": return entra.issuer;
        case "auth.audience": return sources.audience;
        case "auth.jwksUri": return entra.jwksUri;
        // Only the gateway moves the caller's token there; an app it does not route to reads Authorization.
        case "gateway.callerTokenHeader": return service.routes.length ? CALLER_AUTHORIZATION_HEADER.toLowerCase() : undefined;
        case "literal": return setting.value;
        case "identity.clientId":
        case "appInsights.connectionString":
          return undefined;
      }
    })();
    if (value !== undefined) settings[setting.name] = value;
  }
  return settings;
}
