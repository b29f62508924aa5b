import type * as pulumi from "@pulumi/pulumi";
import { BackendAuth } from "../../infra/gateway/backend-auth.js";
import { Gateway, type GatewayArgs, type GatewaySku } from "../../infra/gateway/index.js";
import { REGIONS, type Region } from "../../infra/naming/index.js";
import { entraJwt } from "../../infra/gateway/policy-xml.js";
import { GATEWAY_ZONES, gatewayCapacity } from "../config/gateway.js";
import type { EstateConfig } from "../config/schema.js";
import { publisherEmail } from "../config/contacts.js";
import type { Foundation } from "./foundation.js";
import { backendOf, type Backend, type HostsTier } from "./hosts.js";
import { gatewaySubnetRole, type NetworkTier } from "./network.js";

/** API Management in front of the routed apps, which answer only its identity. */
export interface GatewayTier {
  gateway: Gateway;
  /**
   * The gateway host of each region the estate serves from, primary first: the instance's host in
   * one region; with estate:dr each region's own (Premium's regional gateways, or the second
   * instance of the other tiers).
   */
  regionalHosts: Array<{ location: Region; hostName: pulumi.Output<string> }>;
  /** The secondary region's own instance (estate:dr on a tier without additional locations). */
  secondary?: Gateway;
}

/**
 * None when the stack has no gateway (`estate:gateway.sku: none`). With estate:dr the secondary
 * region gets a gateway in front of its own apps: a Premium instance's additional location, whose
 * APIs pick the backend of the region serving the call; the other tiers cannot have additional
 * locations (https://learn.microsoft.com/azure/api-management/api-management-howto-deploy-multi-region,
 * "Applies to: Premium"), so a second instance with the same APIs.
 */
export function gatewayTier(
  foundation: Foundation,
  networkTier: NetworkTier,
  hosts: HostsTier,
  secondaryNetwork?: NetworkTier,
): GatewayTier | undefined {
  const { config, services, clientConfig } = foundation;
  const sku = config.gateway.sku;
  if (sku === "none") return undefined;

  // Each app behind the gateway gets an Entra app registration: the audience of the gateway's
  // managed-identity token. It lives in the deployer's tenant, where the gateway's identity gets
  // its tokens, which may differ from the tenant whose caller tokens the gateway validates.
  const routed = services.filter((service) => service.routes.length > 0);
  const backends = Object.fromEntries(routed.map((service) => [service.name, backendOf(hosts, service.name)]));
  const backendAuth = Object.fromEntries(
    routed.map((service) => [
      service.name,
      new BackendAuth(`${service.name}-backend-auth`, {
        appName: backends[service.name].name,
        tenantId: clientConfig.tenantId,
        owners: [clientConfig.objectId],
      }),
    ]),
  );
  const secondaryApps =
    hosts.secondary && secondaryNetwork ? { ...hosts.secondary, network: secondaryNetwork } : undefined;
  const secondaryBackends = secondaryApps
    ? Object.fromEntries(
        routed.map((service) => [service.name, backendOf({ compute: secondaryApps.compute }, service.name)]),
      )
    : {};
  const multiRegion = secondaryApps !== undefined && sku === "Premium";
  const apis = (regional: Record<string, Backend>) =>
    routed.map((service) => ({
      service: service.name,
      routes: service.routes,
      backend: { hostName: regional[service.name].hostName, resource: backendAuth[service.name].identifierUri },
      ...(multiRegion
        ? { regionalBackends: { [secondaryApps.site.location]: secondaryBackends[service.name].hostName } }
        : {}),
    }));

  const gateway = new Gateway("gateway", {
    ...gatewayArgs(foundation, networkTier, hosts),
    apis: apis(backends),
    additionalLocations: multiRegion
      ? [
          {
            location: secondaryApps.site.location,
            displayName: REGIONS[secondaryApps.site.location].display,
            capacity: gatewayCapacity({ sku, capacity: config.gateway.capacity }),
            zones: gatewayZones(config, secondaryApps.site.location),
            subnetId: gatewaySubnet(config, secondaryApps.network),
          },
        ]
      : undefined,
  });
  const secondary =
    secondaryApps && !multiRegion
      ? new Gateway("gateway-secondary", {
          ...gatewayArgs(foundation, secondaryApps.network, hosts),
          apis: apis(secondaryBackends),
        })
      : undefined;

  // The apps answer only the gateway's identity (health probes aside). Container apps admit only
  // the gateway's subnet by their ingress rules; the gateway's token for them is issued only to
  // its identity, and the service checks its audience itself. The secondary region's apps answer
  // the gateway serving that region.
  for (const [name, registration] of Object.entries(backendAuth)) {
    const backend = backends[name];
    if (backend.kind === "app-service")
      registration.admitOnly(gateway.principalId, { name: backend.name, resourceGroupName: foundation.group.name });
    else registration.grantGateway(gateway.principalId);
    if (!secondaryApps) continue;
    if (secondary) registration.grantGateway(secondary.principalId, "-secondary");
    registration.admit(
      (secondary ?? gateway).principalId,
      { name: secondaryBackends[name].name, resourceGroupName: secondaryApps.site.group.name },
      "-secondary",
    );
  }
  const regionalHosts = secondaryApps
    ? [
        { location: config.location, hostName: multiRegion ? gateway.regionalHostName : gateway.gatewayHostName },
        {
          location: secondaryApps.site.location,
          hostName: multiRegion ? gateway.additionalHostNames[secondaryApps.site.location] : secondary!.gatewayHostName,
        },
      ]
    : [{ location: config.location, hostName: gateway.gatewayHostName }];
  return { gateway, regionalHosts, ...(secondary ? { secondary } : {}) };
}

/** What one region's instance takes but its APIs and other locations. */
function gatewayArgs(
  { config, services, diagnostics, appInsights }: Foundation,
  { network, site }: NetworkTier,
  { tenantId }: HostsTier,
): Omit<GatewayArgs, "apis"> {
  const sku = config.gateway.sku as GatewaySku;
  const { auth, rateLimit, quota } = config.gateway;
  return {
    ...site.base,
    diagnostics,
    sku,
    capacity: gatewayCapacity({ sku, capacity: config.gateway.capacity }),
    zones: gatewayZones(config, site.location),
    // loadConfig refuses a stack with a gateway and no publisher email.
    publisherEmail: publisherEmail(config)!,
    publisherName: `${config.workload} platform (${config.owner})`,
    subnetId: gatewaySubnet(config, { network }),
    roleKeySuffix: site.suffix,
    appInsights,
    samplingPercentage: config.gateway.samplingPercentage,
    jwt: tenantId.apply((tenantId) => entraJwt(tenantId, auth.audience, auth.requiredClaims)),
    rateLimit: rateLimit && { calls: rateLimit.callsPerMinute, renewalPeriodSeconds: 60, key: rateLimit.key },
    quota: quota && { calls: quota.callsPerDay, renewalPeriodSeconds: 86_400, key: quota.key },
    cors: {
      allowedOrigins: config.gateway.corsOrigins,
      allowedMethods: [...new Set(services.flatMap((s) => s.routes.flatMap((r) => r.methods)))],
      allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key"],
    },
  };
}

/** Zones in a zone-redundant estate, where the region has them (the config check refuses a zoneless primary). */
const gatewayZones = (config: EstateConfig, location: Region) =>
  config.zoneRedundant && REGIONS[location].zones ? GATEWAY_ZONES : undefined;

/** Azure allows no inbound private endpoint on an injected gateway: private link replaces injection. */
const gatewaySubnet = (config: EstateConfig, { network }: Pick<NetworkTier, "network">) =>
  gatewaySubnetRole(config) ? network.subnetIds.gateway : undefined;
