import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import type { BaseArgs } from "../core/args.js";
import { lockResource } from "../core/lock.js";
import { applySharedArgs } from "../core/shared.js";
import { sendDiagnostics } from "../observability/diagnostics.js";
import { NSG_RULES } from "./nsg-rules.js";
import { SUBNET_ROLE_NAMES, type OptionalSubnetRole, type SubnetPlan, type SubnetRole } from "./subnets.js";

export {
  OPTIONAL_SUBNET_ROLES,
  planSubnets,
  SUBNET_ROLES,
  SUBNET_ROLE_NAMES,
  type OptionalSubnetRole,
  type SubnetPlan,
  type SubnetRole,
} from "./subnets.js";

export interface NetworkArgs extends BaseArgs {
  /** The VNet's address space in CIDR notation, e.g. `10.0.0.0/16`. */
  addressSpace: string;
  /** Subnet ranges, already planned and checked (see planSubnets). */
  subnets: SubnetPlan;
  /**
   * The service a subnet is delegated to, where the hosts need another than the default (the
   * integration subnet to Microsoft.Web/serverFarms): Flex Consumption apps need
   * Microsoft.App/environments, an API Management v2 gateway a subnet of its own delegated to
   * Microsoft.Web/serverFarms. `null` removes a delegation.
   */
  delegations?: Partial<Record<SubnetRole, SubnetDelegation | null>>;
}

export type SubnetIds = Record<Exclude<SubnetRole, OptionalSubnetRole>, pulumi.Output<string>> &
  Partial<Record<OptionalSubnetRole, pulumi.Output<string>>>;
export type SubnetDelegation = keyof typeof DELEGATION_NAMES;
/** The delegation's name in the subnet, by the service it is delegated to. */
const DELEGATION_NAMES = {
  "Microsoft.Web/serverFarms": "web-server-farms",
  "Microsoft.App/environments": "app-environments",
} as const;
const DEFAULT_DELEGATIONS: Partial<Record<SubnetRole, SubnetDelegation>> = { integration: "Microsoft.Web/serverFarms" };

/** The estate's VNet: one subnet per role, each with its own NSG of explicit rules. */
export class Network extends pulumi.ComponentResource {
  readonly vnetId: pulumi.Output<string>;
  readonly vnetName: pulumi.Output<string>;
  /** One id per planned subnet; optional roles only where the plan has them. */
  readonly subnetIds: SubnetIds;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:network:Network", name, {}, opts);
    const { resourceGroupName, location, namer } = args;

    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: namer.name("virtualNetwork"),
        resourceGroupName,
        location,
        addressSpace: { addressPrefixes: [args.addressSpace] },
      },
      // Subnets are separate resources below; ignoring the inline list stops the two fighting.
      { parent: this, ignoreChanges: ["subnets"] },
    );
    applySharedArgs(this, `${name}-vnet`, vnet.id, args);

    const subnetIds = {} as Record<SubnetRole, pulumi.Output<string>>;
    let previous: network.Subnet | undefined;
    for (const role of SUBNET_ROLE_NAMES.filter((r) => args.subnets[r] !== undefined)) {
      const delegation = args.delegations?.[role] === undefined ? DEFAULT_DELEGATIONS[role] : args.delegations[role];
      const nsg = new network.NetworkSecurityGroup(
        `${name}-nsg-${role}`,
        {
          networkSecurityGroupName: namer.name("networkSecurityGroup", role),
          resourceGroupName,
          location,
          securityRules: NSG_RULES[role],
        },
        { parent: this },
      );
      sendDiagnostics(this, `${name}-nsg-${role}`, nsg.id, args.diagnostics, { metrics: false });
      // A VNet kept from deletion keeps its subnets' rules too.
      lockResource(this, `${name}-nsg-${role}`, nsg.id, args.lock);
      const subnet = new network.Subnet(
        `${name}-snet-${role}`,
        {
          subnetName: namer.name("subnet", role),
          virtualNetworkName: vnet.name,
          resourceGroupName,
          addressPrefix: args.subnets[role],
          networkSecurityGroup: { id: nsg.id },
          privateEndpointNetworkPolicies: role === "privateEndpoints" ? "Enabled" : undefined,
          delegations: delegation ? [{ name: DELEGATION_NAMES[delegation], serviceName: delegation }] : undefined,
          // Apps admit API Management, and the SCM sites of zip-deployed apps the deploy runner, by
          // subnet: those access rules need the Microsoft.Web service endpoint there.
          serviceEndpoints: role === "gateway" || role === "management" ? [{ service: "Microsoft.Web" }] : undefined,
        },
        // Azure updates one subnet of a VNet at a time: chain them so they are not created concurrently.
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      previous = subnet;
      subnetIds[role] = subnet.id;
    }

    this.vnetId = vnet.id;
    this.vnetName = vnet.name;
    this.subnetIds = subnetIds;
    this.registerOutputs({ vnetId: this.vnetId, subnetIds });
  }
}
