import { Edge } from "../../infra/edge/index.js";
import type { Foundation } from "./foundation.js";
import type { GatewayTier } from "./gateway.js";
import type { HostsTier } from "./hosts.js";

/** Front Door with its WAF: the estate's public entry point, in front of the gateway and the static site. */
export interface EdgeTier {
  edge: Edge;
}

export function edgeTier({ config, base, diagnostics }: Foundation, { gateway }: GatewayTier, { staticSites }: HostsTier): EdgeTier {
  // At most one: loadHostedServices refuses a second static site.
  const [site] = Object.values(staticSites);
  const privateLinkOrigin = config.edge.originAccess === "private-link";
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
    staticSite: site && { hostName: site.defaultHostname },
    customDomains: config.edge.customDomains,
  });
  gateway.acceptOnlyFrontDoor(edge.frontDoorId);
  return { edge };
}
