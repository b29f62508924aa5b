import { PrivateDnsZones } from "../../infra/network/dns.js";
import { APP_SERVICE_SUBNET_DELEGATION, FLEX_SUBNET_DELEGATION } from "../../infra/compute/skus.js";
import { GATEWAY_TIERS } from "../../infra/gateway/index.js";
import type { EstateConfig } from "../config/schema.js";
import { Network, planSubnets } from "../../infra/network/index.js";
import { privateLinkServices } from "./data.js";
import type { Foundation } from "./foundation.js";

/** The VNet with its subnets and NSGs, and one private DNS zone per private-link service linked to it. */
export interface NetworkTier {
  network: Network;
  dns: PrivateDnsZones;
}

export function networkTier({ config, base, diagnostics }: Foundation): NetworkTier {
  const network = new Network("network", {
    ...base,
    diagnostics,
    addressSpace: config.network.addressSpace,
    subnets: planSubnets(config.network.addressSpace, config.network.subnets, config.kubernetes.enabled ? ["aks"] : []),
    delegations: {
      // Flex Consumption apps integrate through a subnet delegated to Container Apps' environments.
      ...(config.compute.functions.plan === "FlexConsumption" ? { integration: FLEX_SUBNET_DELEGATION } : {}),
      // A v2 gateway integrates outbound through a subnet delegated like an App Service plan's.
      ...(gatewaySubnetRole(config) === "integrated" ? { gateway: APP_SERVICE_SUBNET_DELEGATION } : {}),
    },
  });
  const dns = new PrivateDnsZones("dns", { ...base, vnetId: network.vnetId, services: privateLinkServices(config.data) });
  return { network, dns };
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
  if (vnet === "none" || (vnet === "injected" && config.edge.sku !== "none" && config.edge.originAccess === "private-link")) return undefined;
  return vnet;
}
