import { Edge } from "../../infra/edge/index.js";
import type { Foundation } from "./foundation.js";
import type { GatewayTier } from "./gateway.js";

/** Front Door with its WAF: the estate's public entry point, in front of the gateway. */
export interface EdgeTier {
  edge: Edge;
}

export function edgeTier({ config, base, diagnostics }: Foundation, { gateway }: GatewayTier): EdgeTier {
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
  });
  gateway.acceptOnlyFrontDoor(edge.frontDoorId);
  return { edge };
}
