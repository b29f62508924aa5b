import type * as pulumi from "@pulumi/pulumi";
import { PrivateDnsZones, type PrivateLinkService } from "../../infra/network/dns.js";
import { AiSearch, AppConfiguration, OpenAiAccount, RealtimeService } from "../../infra/platform/index.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";

/** The platform services the stack enables (`estate:platform`), each behind a private endpoint; absent ones are not declared. */
export interface PlatformServicesTier {
  search?: AiSearch;
  openAi?: OpenAiAccount;
  realtime?: RealtimeService;
  appConfiguration?: AppConfiguration;
}

export function platformTier(
  { config, base, diagnostics, namer }: Foundation,
  { network }: NetworkTier,
): PlatformServicesTier {
  const { search, openAi, realtime, appConfiguration } = config.platform;
  const links: PrivateLinkService[] = [
    ...(search.enabled ? (["search"] as const) : []),
    ...(openAi.enabled ? (["openAi"] as const) : []),
    ...(realtime.enabled ? [realtime.kind] : []),
    ...(appConfiguration.enabled ? (["appConfiguration"] as const) : []),
  ];
  if (!links.length) return {};

  // Their zones, only for the services enabled, linked to the same VNet as the data tier's.
  const dns = new PrivateDnsZones("platform-dns", { ...base, vnetId: network.vnetId, services: links });
  const privateEndpoint = (service: PrivateLinkService) => ({
    subnetId: network.subnetIds.privateEndpoints,
    privateDnsZoneId: dns.zoneIds[service]!,
  });
  // The same lock as the data services: both hold the estate's state.
  const lock = config.data.lock === "none" ? undefined : config.data.lock;
  const shared = { ...base, diagnostics, lock };

  const tier: PlatformServicesTier = {};
  if (search.enabled) {
    const { enabled, ...settings } = search;
    tier.search = new AiSearch("search", { ...shared, ...settings, privateEndpoint: privateEndpoint("search") });
  }
  if (openAi.enabled) {
    const { customSubDomainName, contentFilterThreshold, deployments } = openAi;
    tier.openAi = new OpenAiAccount("openai", {
      ...shared,
      // The account's own (globally unique) name is its DNS label unless the stack names one.
      customSubDomainName: customSubDomainName ?? namer.name("openAi"),
      deployments,
      contentFilter: { threshold: contentFilterThreshold },
      privateEndpoint: privateEndpoint("openAi"),
    });
  }
  if (realtime.enabled) {
    const { enabled, ...settings } = realtime;
    tier.realtime = new RealtimeService("realtime", {
      ...shared,
      ...settings,
      privateEndpoint: privateEndpoint(realtime.kind),
    });
  }
  if (appConfiguration.enabled) {
    const { enabled, ...settings } = appConfiguration;
    tier.appConfiguration = new AppConfiguration("appconfig", {
      ...shared,
      ...settings,
      privateEndpoint: privateEndpoint("appConfiguration"),
    });
  }
  return tier;
}

/** The enabled services' endpoints, as the stack exports them. */
export function platformOutputs(tier: PlatformServicesTier): Record<string, pulumi.Output<string>> {
  const endpoints = {
    searchEndpoint: tier.search?.endpoint,
    openAiEndpoint: tier.openAi?.endpoint,
    realtimeEndpoint: tier.realtime?.endpoint,
    appConfigurationEndpoint: tier.appConfiguration?.endpoint,
  };
  return Object.fromEntries(
    Object.entries(endpoints).filter((entry): entry is [string, pulumi.Output<string>] => entry[1] !== undefined),
  );
}
