import type * as inputs from "@pulumi/azure-native/types/input";
import type { SubnetRole } from "./subnets.js";

/** The overlay range AKS gives pods by default (the AKS component's podCidr); outside every estate VNet range. */
export const AKS_POD_CIDR = "192.168.0.0/16";

type Rule = inputs.network.SecurityRuleArgs;

const rule = (
  name: string,
  priority: number,
  direction: "Inbound" | "Outbound",
  access: "Allow" | "Deny",
  source: string,
  destination: string,
  ports: string,
  description: string,
): Rule => ({
  name,
  priority,
  direction,
  access,
  protocol: ports === "*" ? "*" : "Tcp",
  sourceAddressPrefix: source,
  sourcePortRange: "*",
  destinationAddressPrefix: destination,
  destinationPortRange: ports,
  description,
});

/** Every subnet ends with an explicit deny of all other inbound traffic, so the intent is visible. */
const denyAllInbound = rule(
  "deny-all-inbound",
  4096,
  "Inbound",
  "Deny",
  "*",
  "*",
  "*",
  "Nothing else may reach this subnet.",
);

/**
 * Explicit rules per subnet. The gateway rules are the ones API Management needs when injected
 * into a VNet (Azure's "API Management VNet configuration reference"); Front Door is the only
 * internet-facing path in.
 */
export const NSG_RULES: Record<SubnetRole, Rule[]> = {
  gateway: [
    rule(
      "allow-frontdoor-https",
      100,
      "Inbound",
      "Allow",
      "AzureFrontDoor.Backend",
      "VirtualNetwork",
      "443",
      "Client traffic arrives only through Front Door.",
    ),
    rule(
      "allow-apim-management",
      110,
      "Inbound",
      "Allow",
      "ApiManagement",
      "VirtualNetwork",
      "3443",
      "Azure's control plane manages the gateway on 3443.",
    ),
    rule(
      "allow-load-balancer",
      120,
      "Inbound",
      "Allow",
      "AzureLoadBalancer",
      "VirtualNetwork",
      "6390",
      "Azure infrastructure load balancer health probes.",
    ),
    rule(
      "allow-storage-out",
      100,
      "Outbound",
      "Allow",
      "VirtualNetwork",
      "Storage",
      "443",
      "APIM depends on Azure Storage for its configuration.",
    ),
    rule("allow-sql-out", 110, "Outbound", "Allow", "VirtualNetwork", "Sql", "1433", "APIM's own configuration store."),
    rule(
      "allow-keyvault-out",
      120,
      "Outbound",
      "Allow",
      "VirtualNetwork",
      "AzureKeyVault",
      "443",
      "Certificates and named values from Key Vault.",
    ),
    rule(
      "allow-monitor-out",
      130,
      "Outbound",
      "Allow",
      "VirtualNetwork",
      "AzureMonitor",
      "1886,443",
      "Diagnostics and metrics to Azure Monitor.",
    ),
    denyAllInbound,
  ],
  integration: [
    // App integration subnets carry outbound calls from the apps only; inbound reaches apps through APIM.
    denyAllInbound,
  ],
  privateEndpoints: [
    rule(
      "allow-vnet-to-endpoints",
      100,
      "Inbound",
      "Allow",
      "VirtualNetwork",
      "VirtualNetwork",
      "443,1433,5671,5672,6380,10255",
      "Apps in the VNet reach data services on their private endpoints.",
    ),
    denyAllInbound,
  ],
  management: [
    rule(
      "allow-vnet-ssh-rdp",
      100,
      "Inbound",
      "Allow",
      "VirtualNetwork",
      "VirtualNetwork",
      "22,3389",
      "Management ports from inside the VNet (Bastion or VPN) only, never from the internet.",
    ),
    denyAllInbound,
  ],
  // AKS nodes talk to each other, to the private API server and to internal load balancers inside
  // the VNet; with Azure CNI Overlay pod traffic keeps its overlay source address, so the pod range
  // must be allowed too (https://learn.microsoft.com/azure/aks/azure-cni-overlay#network-security-groups).
  aks: [
    rule(
      "allow-vnet-to-nodes",
      100,
      "Inbound",
      "Allow",
      "VirtualNetwork",
      "VirtualNetwork",
      "*",
      "Nodes, the private API server endpoint and internal load balancers within the VNet.",
    ),
    rule(
      "allow-pods-to-nodes",
      110,
      "Inbound",
      "Allow",
      AKS_POD_CIDR,
      "VirtualNetwork",
      "*",
      "Pod-to-pod traffic across nodes keeps the overlay pod address.",
    ),
    rule(
      "allow-load-balancer",
      120,
      "Inbound",
      "Allow",
      "AzureLoadBalancer",
      "VirtualNetwork",
      "*",
      "Azure load balancer health probes for nodes and internal Services.",
    ),
    denyAllInbound,
  ],
  // An internal environment's only inbound address is its internal load balancer in this subnet:
  // callers in the VNet (the gateway) on 443, and Azure's load balancer probes
  // (https://learn.microsoft.com/azure/container-apps/firewall-integration#nsg-allow-rules).
  containerApps: [
    rule(
      "allow-vnet-https",
      100,
      "Inbound",
      "Allow",
      "VirtualNetwork",
      "VirtualNetwork",
      "443",
      "The gateway and other VNet callers reach the environment's internal ingress.",
    ),
    rule(
      "allow-load-balancer",
      110,
      "Inbound",
      "Allow",
      "AzureLoadBalancer",
      "VirtualNetwork",
      "*",
      "Azure load balancer health probes.",
    ),
    denyAllInbound,
  ],
};
