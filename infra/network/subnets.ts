import { contains, formatCidr, overlaps, parseCidr, size, type Cidr } from "./cidr.js";

/** The estate's subnets, each with the smallest prefix its service supports well. */
export const SUBNET_ROLES = {
  /** API Management injection: /27 is the documented minimum for a scaled gateway. */
  gateway: 27,
  /** App Service / Functions VNet integration, delegated to Microsoft.Web/serverFarms: /26 leaves room to scale out. */
  integration: 26,
  /** Private endpoints of every data service. */
  privateEndpoints: 26,
  /** Management and build agents. */
  management: 27,
  /**
   * AKS nodes, only in estates with a cluster. Azure CNI Overlay gives pods overlay addresses, so
   * the subnet needs one address per node (plus surge nodes and internal load balancers): a /24
   * holds 250 (https://learn.microsoft.com/azure/aks/azure-cni-overlay#ip-address-planning).
   */
  aks: 24,
  /**
   * Container Apps environments (workload profiles), delegated to Microsoft.App/environments, only
   * in estates hosting a `container` service. /27 is the documented minimum for a workload-profiles
   * environment (a Consumption-only one needs /23):
   * https://learn.microsoft.com/azure/container-apps/custom-virtual-networks#subnet
   */
  containerApps: 27,
} as const;

export type SubnetRole = keyof typeof SUBNET_ROLES;
/** Subnets only the estates whose hosts need them get. */
export const OPTIONAL_SUBNET_ROLES = ["aks", "containerApps"] as const satisfies readonly SubnetRole[];
export type OptionalSubnetRole = (typeof OPTIONAL_SUBNET_ROLES)[number];
export type SubnetPlan = Record<Exclude<SubnetRole, OptionalSubnetRole>, string> &
  Partial<Record<OptionalSubnetRole, string>>;
export const SUBNET_ROLE_NAMES = Object.keys(SUBNET_ROLES) as SubnetRole[];
const isOptional = (role: SubnetRole): role is OptionalSubnetRole =>
  (OPTIONAL_SUBNET_ROLES as readonly string[]).includes(role);

/**
 * Carves the subnets out of the address space, largest first so each lands aligned; explicit
 * ranges from config are kept and checked. Throws with a message naming the subnet at fault.
 */
export function planSubnets(
  addressSpace: string,
  explicit: Partial<Record<SubnetRole, string>> = {},
  optional: readonly OptionalSubnetRole[] = [],
): SubnetPlan {
  const space = parseCidr(addressSpace);
  const taken: Array<[SubnetRole, Cidr]> = [];
  for (const role of SUBNET_ROLE_NAMES) {
    const text = explicit[role];
    if (text === undefined) continue;
    const cidr = parseCidr(text);
    if (!contains(space, cidr)) throw new Error(`subnet ${role} ${text} is outside the address space ${addressSpace}`);
    if (cidr.prefix > SUBNET_ROLES[role]) {
      throw new Error(`subnet ${role} ${text} is too small: it needs at least a /${SUBNET_ROLES[role]}`);
    }
    const clash = taken.find(([, other]) => overlaps(cidr, other));
    if (clash) throw new Error(`subnet ${role} ${text} overlaps subnet ${clash[0]} ${formatCidr(clash[1])}`);
    taken.push([role, cidr]);
  }
  // Optional subnets are carved only for the estates that asked for them; an explicit range is always kept.
  const wanted = SUBNET_ROLE_NAMES.filter((r) => !isOptional(r) || optional.includes(r));
  const missing = wanted.filter((r) => explicit[r] === undefined).sort((a, b) => SUBNET_ROLES[a] - SUBNET_ROLES[b]);
  for (const role of missing) {
    const prefix = SUBNET_ROLES[role];
    const cidr = firstFree(
      space,
      prefix,
      taken.map(([, c]) => c),
    );
    if (!cidr) {
      throw new Error(`address space ${addressSpace} is too small: no free /${prefix} left for subnet ${role}`);
    }
    taken.push([role, cidr]);
  }
  return Object.fromEntries(
    SUBNET_ROLE_NAMES.flatMap((r) =>
      taken.filter(([role]) => role === r).map(([role, cidr]) => [role, formatCidr(cidr)]),
    ),
  ) as SubnetPlan;
}

function firstFree(space: Cidr, prefix: number, taken: Cidr[]): Cidr | undefined {
  const step = size(prefix);
  for (let base = space.base; base + step <= space.base + size(space.prefix); base += step) {
    const candidate = { base, prefix };
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  return undefined;
}

/**
 * Subnet names Azure reserves for services that take no network security group: an NSG on the
 * GatewaySubnet stops the gateway (built-in policy 35f9c03a-cc27-418e-9c0c-539ff999d010), and Azure
 * Firewall filters its own subnets, and Route Server's subnet takes none
 * (https://learn.microsoft.com/azure/route-server/route-server-faq). AzureBastionSubnet is not one:
 * it takes an NSG with Bastion's required rules. The same names PSRule's Azure.VNET.UseNSGs exempts:
 * https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.VNET.UseNSGs
 */
export const SUBNETS_WITHOUT_NSG: readonly string[] = [
  "GatewaySubnet",
  "AzureFirewallSubnet",
  "AzureFirewallManagementSubnet",
  "RouteServerSubnet",
];
