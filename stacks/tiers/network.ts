import { PrivateDnsZones } from "../../infra/network/dns.js";
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
  });
  const dns = new PrivateDnsZones("dns", { ...base, vnetId: network.vnetId });
  return { network, dns };
}
