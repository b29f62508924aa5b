import { PrivateDnsZones } from "../../infra/network/dns.js";
import { FLEX_SUBNET_DELEGATION } from "../../infra/compute/skus.js";
import { Network, planSubnets } from "../../infra/network/index.js";
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
    subnets: planSubnets(config.network.addressSpace, config.network.subnets),
    // Flex Consumption apps integrate through a subnet delegated to Container Apps' environments.
    delegations: config.compute.functions.plan === "FlexConsumption" ? { integration: FLEX_SUBNET_DELEGATION } : undefined,
  });
  const dns = new PrivateDnsZones("dns", { ...base, vnetId: network.vnetId });
  return { network, dns };
}
