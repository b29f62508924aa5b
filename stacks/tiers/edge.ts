import { Edge } from "../../infra/edge/index.js";
import { StorageWebsite } from "../../infra/static/index.js";
import type { Foundation } from "./foundation.js";
import type { GatewayTier } from "./gateway.js";
import type { HostsTier } from "./hosts.js";

/** Front Door with its WAF: the estate's public entry point, in front of the gateway and the static site. */
export interface EdgeTier {
  edge: Edge;
}

/**
 * None when the stack has no Front Door (`estate:edge.sku: none`). Its origin is the gateway, or,
 * in an estate without one, the one app with routes (the services check requires exactly one).
 */
export function edgeTier(
  { config, services, base, diagnostics }: Foundation,
  gatewayTier: GatewayTier | undefined,
  hosts: HostsTier,
): EdgeTier | undefined {
  const sku = config.edge.sku;
  if (sku === "none") return undefined;
  const gateway = gatewayTier?.gateway;
  // loadHostedServices refuses Front Door with neither a gateway nor a service with routes.
  const routed = services.find((service) => service.routes.length > 0);
  // At most one: loadHostedServices refuses a second static site.
  const { compute, staticSites } = hosts;
  const [site] = Object.values(staticSites);
  const privateLinkOrigin = gateway !== undefined && config.edge.originAccess === "private-link";
  // With estate:dr an origin per region (the config check refuses a private link origin then).
  const [primaryHost, ...failoverHosts] = gatewayTier?.regionalHosts ?? [];
  const secondaryApp = hosts.secondary && routed && hosts.secondary.compute.apps[routed.name];
  const edge = new Edge("edge", {
    ...base,
    diagnostics,
    sku,
    origin: gateway
      ? {
          hostName: primaryHost!.hostName,
          privateLink: privateLinkOrigin ? { resourceId: gateway.id, location: config.location } : undefined,
          failover: failoverHosts,
        }
      : {
          kind: "app",
          hostName: compute.apps[routed!.name].defaultHostName,
          failover: secondaryApp
            ? [{ location: hosts.secondary!.site.location, hostName: secondaryApp.defaultHostName }]
            : [],
        },
    waf: {
      mode: config.edge.wafMode,
      enabled: config.edge.wafEnabled,
      managedRules: config.edge.managedRules,
      rateLimitPerMinute: config.edge.rateLimitPerMinute,
      allowedCountries: config.edge.geoFilter?.allowedCountries,
    },
    cachedPaths: config.edge.cachedPaths,
    staticSite: site && {
      hostName: site.defaultHostname,
      // loadHostedServices refuses a storage website without Front Door Premium.
      privateLink: site instanceof StorageWebsite ? site.privateLinkOrigin : undefined,
    },
    customDomains: config.edge.customDomains,
  });
  gateway?.acceptOnlyFrontDoor(edge.frontDoorId);
  gatewayTier?.secondary?.acceptOnlyFrontDoor(edge.frontDoorId);
  return { edge };
}
