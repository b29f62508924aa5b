import { PrivateDnsZones } from "../../infra/network/dns.js";
import { APP_SERVICE_SUBNET_DELEGATION, FLEX_SUBNET_DELEGATION } from "../../infra/compute/skus.js";
import { CONTAINER_APPS_SUBNET_DELEGATION } from "../../infra/containers/index.js";
import { GATEWAY_TIERS } from "../../infra/gateway/index.js";
import { drAddressSpace } from "../config/dr.js";
import type { EstateConfig } from "../config/schema.js";
import { Network, planSubnets, type OptionalSubnetRole, type SubnetPlan } from "../../infra/network/index.js";
import { containersOn, needsEstateRegistry } from "../container-hosts.js";
import type { HostedService } from "../services.js";
import { privateLinkServices } from "./data.js";
import { primarySite, type Foundation, type Site } from "./foundation.js";

/** The VNet with its subnets and NSGs, and one private DNS zone per private-link service linked to it. */
export interface NetworkTier {
  network: Network;
  dns: PrivateDnsZones;
  /** Each subnet's range, by role (the container apps admit the gateway's). */
  subnets: SubnetPlan;
  /** The region it is in, and its resource group. */
  site: Site;
}

/**
 * One region's network: the primary's from estate:network, or the secondary's (estate:dr) with its
 * own address space and the same subnets carved from it. Each region has its own private DNS
 * zones, linked to its VNet only: one zone cannot hold two private endpoints' records for the same
 * resource (https://learn.microsoft.com/azure/private-link/private-endpoint-dns), and the secondary's
 * resolve its own endpoints when the primary region is gone.
 */
export function networkTier(foundation: Foundation, site: Site = primarySite(foundation)): NetworkTier {
  const { config, services, diagnostics } = foundation;
  const primary = site.suffix === "";
  const addressSpace = primary ? config.network.addressSpace : drAddressSpace(config.dr, config.network.addressSpace);
  const subnets = planSubnets(addressSpace, primary ? config.network.subnets : {}, subnetRolesFor(config, services));
  const network = new Network(`network${site.suffix}`, {
    ...site.base,
    diagnostics,
    addressSpace,
    subnets,
    delegations: {
      // Flex Consumption apps integrate through a subnet delegated to Container Apps' environments.
      ...(config.compute.functions.plan === "FlexConsumption" ? { integration: FLEX_SUBNET_DELEGATION } : {}),
      // A v2 gateway integrates outbound through a subnet delegated like an App Service plan's.
      ...(gatewaySubnetRole(config) === "integrated" ? { gateway: APP_SERVICE_SUBNET_DELEGATION } : {}),
      // Container Apps environments are injected into a subnet of their own, delegated to them.
      ...(hostsContainerApps(config, services) ? { containerApps: CONTAINER_APPS_SUBNET_DELEGATION } : {}),
    },
  });
  // A Premium registry is private: its endpoint needs the registry zone.
  const registryZone =
    needsEstateRegistry(config, services) && config.hosts.registry.sku === "Premium"
      ? (["containerRegistry"] as const)
      : [];
  const dns = new PrivateDnsZones(`dns${site.suffix}`, {
    ...site.base,
    vnetId: network.vnetId,
    services: [...privateLinkServices(config.data), ...registryZone],
  });
  return { network, dns, subnets, site };
}

/**
 * How the gateway uses its subnet: injected (Developer, Premium), integrated outbound
 * (StandardV2), or not at all (no gateway, Consumption, BasicV2, or a private link origin, which
 * Azure allows only on a gateway that is not injected).
 */
export function gatewaySubnetRole(config: EstateConfig): "injected" | "integrated" | undefined {
  const sku = config.gateway.sku;
  if (sku === "none") return undefined;
  const vnet = GATEWAY_TIERS[sku].vnet;
  if (
    vnet === "none" ||
    (vnet === "injected" && config.edge.sku !== "none" && config.edge.originAccess === "private-link")
  )
    return undefined;
  return vnet;
}

/** Whether the stack runs container services on Container Apps: it then gets an environment and its subnet. */
export const hostsContainerApps = (config: EstateConfig, services: readonly HostedService[]): boolean =>
  containersOn("container-apps", config, services).length > 0;

/** The optional subnets the stack's hosts need: AKS nodes, Container Apps environments. */
export function subnetRolesFor(config: EstateConfig, services: readonly HostedService[]): OptionalSubnetRole[] {
  return [
    ...(config.kubernetes.enabled ? (["aks"] as const) : []),
    ...(hostsContainerApps(config, services) ? (["containerApps"] as const) : []),
  ];
}
