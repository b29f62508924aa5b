import { ENFORCE, notApplicable, REMOVE, type Controls, type Rule, type Subject } from "../model.js";
import { T } from "../types.js";
import { SUBNETS_WITHOUT_NSG } from "../../infra/network/subnets.js";
import { asArray, asRecord, customRule, get, inputRule, is, isText, present } from "./factory.js";

type SecurityRule = Record<string, unknown>;

/** Security rules of an NSG (inline `securityRules`) or a standalone SecurityRule resource. */
function securityRules(resource: Subject): SecurityRule[] {
  return resource.type === T.securityRule ? [resource.inputs] : asArray(resource.inputs.securityRules).map(asRecord);
}

/** Sources meaning "anywhere", as Checkov's NSG checks list them ("0.0.0.0" and any "/0" prefix included). */
const ANY_SOURCE = new Set(["*", "0.0.0.0", "internet", "any"]);
const isAnySource = (source: string) => ANY_SOURCE.has(source.trim().toLowerCase()) || source.trim().endsWith("/0");

function sources(rule: SecurityRule): string[] {
  return [rule.sourceAddressPrefix, ...asArray(rule.sourceAddressPrefixes)].filter(
    (s): s is string => typeof s === "string",
  );
}

function allowsInboundFromAnywhere(rule: SecurityRule): boolean {
  return isText("Inbound").test(rule.direction) && isText("Allow").test(rule.access) && sources(rule).some(isAnySource);
}

/** Whether a port range list ("22", "20-25", "*") covers a port. */
function coversPort(rule: SecurityRule, port: number): boolean {
  const ranges = [rule.destinationPortRange, ...asArray(rule.destinationPortRanges)].filter(
    (r): r is string => typeof r === "string",
  );
  return ranges.some((range) => {
    if (range.trim() === "*") return true;
    const [low, high = low] = range.split("-").map((bound) => Number(bound.trim()));
    return port >= low! && port <= high!;
  });
}

const MANAGEMENT_PORTS = [22, 3389, 5985, 5986];

const nsgTypes = [T.nsg, T.securityRule];
const nsgControls: Controls = { mcsb: ["NS-1"], waf: "Security" };

export const networkRules: Rule[] = [
  customRule({
    id: "EST-NET-001",
    title: "No NSG rule allows inbound traffic from any source",
    description:
      "Inbound rules name a service tag or a private range (AzureFrontDoor.Backend, VirtualNetwork), never `*` or Internet.",
    severity: "critical",
    types: nsgTypes,
    check: (_inputs, _context, resource) =>
      securityRules(resource)
        .filter(allowsInboundFromAnywhere)
        .map(
          (rule) =>
            `security rule ${JSON.stringify(rule.name)} allows inbound from ${sources(rule).join(", ")} (sourceAddressPrefix)`,
        ),
    fail: [
      { "securityRules[0].sourceAddressPrefix": "*" },
      { "securityRules[0].sourceAddressPrefix": "Internet" },
      // PSRule Azure.NSG.AnyInboundSource looks for "*" only; Checkov's NSG checks also count these as the internet.
      { "securityRules[0].sourceAddressPrefix": "0.0.0.0/0" },
      { "securityRules[0].sourceAddressPrefix": "0.0.0.0" },
      { "securityRules[0].sourceAddressPrefix": "any" },
      { "securityRules[0].sourceAddressPrefix": "internet" },
      // The list form: any entry counts.
      { "securityRules[0].sourceAddressPrefix": REMOVE, "securityRules[0].sourceAddressPrefixes": ["10.0.0.0/8", "*"] },
      {
        "securityRules[0].direction": "inbound",
        "securityRules[0].access": "allow",
        "securityRules[0].sourceAddressPrefix": "*",
      },
    ],
    pass: [
      // Deny rules and outbound rules from anywhere are fine.
      { "securityRules[0].sourceAddressPrefix": "*", "securityRules[0].access": "Deny" },
      { "securityRules[0].sourceAddressPrefix": "*", "securityRules[0].direction": "Outbound" },
      { "securityRules[0].sourceAddressPrefix": "10.20.0.0/16" },
    ],
    controls: { ...nsgControls, cis: ["6.4"] },
    mappings: { psrule: ["Azure.NSG.AnyInboundSource"] },
    remediation:
      "Set the rule's `sourceAddressPrefix` to a service tag (e.g. `AzureFrontDoor.Backend`) or a private prefix in the NSG's `securityRules`.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-NET-002",
    title: "Management ports are closed to the internet",
    description: "SSH, RDP and WinRM reachable from the internet are brute-forced within minutes.",
    severity: "critical",
    types: nsgTypes,
    check: (_inputs, _context, resource) =>
      securityRules(resource)
        .filter((rule) => allowsInboundFromAnywhere(rule) && MANAGEMENT_PORTS.some((port) => coversPort(rule, port)))
        .map(
          (rule) =>
            `security rule ${JSON.stringify(rule.name)} opens a management port (${MANAGEMENT_PORTS.filter((p) => coversPort(rule, p)).join(", ")}) to ${sources(rule).join(", ")} (sourceAddressPrefix)`,
        ),
    fail: [
      { "securityRules[0].sourceAddressPrefix": "Internet", "securityRules[0].destinationPortRange": "3389" },
      // Checkov CKV_AZURE_9/10: a range that covers the port, "*", and the list form count.
      { "securityRules[0].sourceAddressPrefix": "*", "securityRules[0].destinationPortRange": "20-25" },
      { "securityRules[0].sourceAddressPrefix": "*", "securityRules[0].destinationPortRange": "*" },
      {
        "securityRules[0].sourceAddressPrefix": "0.0.0.0",
        "securityRules[0].destinationPortRange": REMOVE,
        "securityRules[0].destinationPortRanges": ["443", "3380-3390"],
      },
      {
        "securityRules[0].sourceAddressPrefix": REMOVE,
        "securityRules[0].sourceAddressPrefixes": ["Internet"],
        "securityRules[0].destinationPortRange": "22",
      },
      // Checkov judges Tcp and * only; RDP also listens on UDP 3389, so Estate judges every protocol.
      {
        "securityRules[0].sourceAddressPrefix": "Internet",
        "securityRules[0].destinationPortRange": "3389",
        "securityRules[0].protocol": "Udp",
      },
      { "securityRules[0].sourceAddressPrefix": "Internet", "securityRules[0].destinationPortRange": "5986" },
    ],
    pass: [
      { "securityRules[0].sourceAddressPrefix": "VirtualNetwork", "securityRules[0].destinationPortRange": "22" },
      {
        "securityRules[0].sourceAddressPrefix": "Internet",
        "securityRules[0].destinationPortRange": "23-3388",
        "securityRules[0].access": "Deny",
      },
    ],
    controls: { ...nsgControls, cis: ["6.1", "6.2"] },
    mappings: { checkov: ["CKV_AZURE_9", "CKV_AZURE_10"], azurePolicy: ["22730e10-96f6-4aac-ad84-9383d35b5917"] },
    remediation:
      "Restrict the rule's `sourceAddressPrefix` to `VirtualNetwork` (Bastion or VPN) in the NSG's `securityRules`.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-NET-003",
    title: "NSGs end with an explicit deny-all inbound rule",
    description:
      "Azure's default rules allow all traffic from the VNet and load balancer; an explicit deny makes intent visible.",
    severity: "low",
    types: [T.nsg],
    check: (inputs) => {
      const denies = asArray(inputs.securityRules)
        .map(asRecord)
        .some(
          (rule) =>
            isText("Inbound").test(rule.direction) &&
            isText("Deny").test(rule.access) &&
            rule.sourceAddressPrefix === "*" &&
            rule.destinationPortRange === "*",
        );
      return denies ? undefined : "securityRules has no inbound Deny rule from * to *";
    },
    fail: [{ securityRules: [] }],
    controls: nsgControls,
    mappings: {},
    remediation:
      'Add `{ name: "deny-all-inbound", direction: "Inbound", access: "Deny", priority: 4096, protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "*", sourcePortRange: "*", destinationPortRange: "*" }` to `securityRules`.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-NET-004",
    title: "NSG rules are described",
    description: "Every opening states why it exists, for reviewers and auditors.",
    severity: "low",
    types: nsgTypes,
    check: (_inputs, _context, resource) =>
      securityRules(resource)
        .filter((rule) => !present.test(rule.description))
        .map((rule) => `security rule ${JSON.stringify(rule.name)} has no description`),
    fail: [{ "securityRules[0].description": REMOVE }],
    controls: { mcsb: ["NS-7"], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set `description` on each entry of the NSG's `securityRules`.",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-NET-005",
    title: "Subnets have a network security group",
    description: `A subnet without an NSG has no traffic filtering at all. Subnets declared inline in a VirtualNetwork count too; ${SUBNETS_WITHOUT_NSG.join(", ")} take none.`,
    severity: "high",
    types: [T.subnet, T.virtualNetwork],
    check: (inputs, _context, resource) => {
      // A Subnet resource, or each entry of a VirtualNetwork's inline `subnets`.
      const subnets =
        resource.type === T.virtualNetwork
          ? asArray(inputs.subnets).map((subnet, index) => ({
              name: get(subnet, "name"),
              path: `subnets[${index}].networkSecurityGroup.id`,
              nsg: get(subnet, "networkSecurityGroup.id"),
            }))
          : [
              {
                name: inputs.subnetName ?? resource.name,
                path: "networkSecurityGroup.id",
                nsg: get(inputs, "networkSecurityGroup.id"),
              },
            ];
      if (resource.type === T.virtualNetwork && !subnets.length)
        return notApplicable("no inline subnets: Subnet resources are judged themselves");
      if (resource.type === T.subnet && SUBNETS_WITHOUT_NSG.includes(String(subnets[0]!.name)))
        return notApplicable(`${String(subnets[0]!.name)} takes no network security group`);
      return subnets
        .filter((subnet) => !SUBNETS_WITHOUT_NSG.includes(String(subnet.name)) && !present.test(subnet.nsg))
        .map((subnet) => `${subnet.path} is not set (subnet ${JSON.stringify(subnet.name)})`);
    },
    fail: [
      { networkSecurityGroup: REMOVE },
      // Bastion's subnet takes an NSG (with its required rules); PSRule does not exempt it either.
      { networkSecurityGroup: REMOVE, subnetName: "AzureBastionSubnet" },
      { networkSecurityGroup: {} },
      { "networkSecurityGroup.id": "" },
      // Names compare exactly, as PSRule's do: a look-alike name is an ordinary subnet.
      { networkSecurityGroup: REMOVE, subnetName: "snet-gatewaysubnet" },
    ],
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: {
      psrule: ["Azure.VNET.UseNSGs"],
      checkov: ["CKV2_AZURE_31"],
      azurePolicy: ["e71308d3-144b-4262-b144-efdc3cc90517"],
    },
    remediation:
      "Set `networkSecurityGroup: { id }` on the Subnet (or on the entry of the VirtualNetwork's inline `subnets`).",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-NET-006",
    title: "Subnets have no default outbound internet access",
    description: "Implicit outbound access gives workloads an unmanaged public IP; Azure retires it for new subnets.",
    severity: "low",
    types: [T.subnet],
    path: "defaultOutboundAccess",
    expect: is(false),
    bad: true,
    // PSRule Azure.VNET.PrivateSubnet wants it set to false: an absent value (left to Azure's default) fails.
    fail: [{ defaultOutboundAccess: REMOVE }],
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: { psrule: ["Azure.VNET.PrivateSubnet"] },
    remediation: "Set `defaultOutboundAccess: false` on the Subnet.",
    enforcement: ENFORCE.advisory,
  }),
  customRule({
    id: "EST-NET-007",
    title: "Virtual network address space is private",
    description: "Public ranges in a VNet collide with internet destinations and confuse routing.",
    severity: "medium",
    types: [T.virtualNetwork],
    check: (inputs) => {
      const prefixes = asArray(get(inputs, "addressSpace.addressPrefixes")).map(String);
      const isPrivate = (cidr: string) => /^10\.|^192\.168\.|^172\.(1[6-9]|2\d|3[01])\./.test(cidr);
      const bad = prefixes.filter((cidr) => !isPrivate(cidr));
      if (!prefixes.length) return "addressSpace.addressPrefixes is empty";
      return bad.length ? `addressSpace.addressPrefixes has non-RFC 1918 ranges: ${bad.join(", ")}` : undefined;
    },
    fail: [{ "addressSpace.addressPrefixes": ["20.0.0.0/16"] }],
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: {},
    remediation:
      "Use an RFC 1918 range (10/8, 172.16/12, 192.168/16) in the VirtualNetwork's `addressSpace.addressPrefixes` (stack config `network.addressSpace`).",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-NET-008",
    title: "Production virtual networks have DDoS protection",
    description:
      "DDoS Network Protection adapts mitigation to the estate's traffic; Front Door alone covers only layer 7.",
    severity: "low",
    types: [T.virtualNetwork],
    path: "enableDdosProtection",
    expect: is(true),
    bad: false,
    controls: { mcsb: ["NS-5"], waf: "Security" },
    mappings: { azurePolicy: ["94de2ad3-e0c1-4caf-ad78-5d47bbc83d3d"] },
    remediation: "Set `enableDdosProtection: true` and `ddosProtectionPlan: { id }` on the VirtualNetwork.",
    enforcement: ENFORCE.prodAdvisory,
  }),
  inputRule({
    id: "EST-NET-009",
    title: "Private endpoint subnets enforce network policies",
    description: "Without network policies, NSG rules do not apply to private endpoints.",
    severity: "medium",
    types: [T.subnet],
    path: "privateEndpointNetworkPolicies",
    expect: isText("Enabled"),
    bad: "Disabled",
    when: (resource) => /private-?endpoints?/i.test(String(resource.inputs.subnetName ?? resource.name)),
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: {},
    remediation: 'Set `privateEndpointNetworkPolicies: "Enabled"` on the private endpoint Subnet.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-NET-010",
    title: "Private endpoints use approved connections",
    description: "Manual connections wait for approval outside the deployment and can silently stay pending.",
    severity: "low",
    types: [T.privateEndpoint],
    check: (inputs) => {
      if (asArray(inputs.manualPrivateLinkServiceConnections).length)
        return "manualPrivateLinkServiceConnections is set; expected privateLinkServiceConnections";
      return asArray(inputs.privateLinkServiceConnections).length
        ? undefined
        : "privateLinkServiceConnections is empty";
    },
    fail: [{ privateLinkServiceConnections: [] }],
    controls: { mcsb: ["NS-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation:
      "Declare the connection in the PrivateEndpoint's `privateLinkServiceConnections` with `privateLinkServiceId` and `groupIds`.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-NET-011",
    title: "Private DNS zone links do not auto-register VMs",
    description: "Auto-registration in privatelink zones would let VM records shadow service records.",
    severity: "low",
    types: [T.vnetLink],
    path: "registrationEnabled",
    expect: is(false),
    bad: true,
    when: (resource) => String(resource.inputs.privateZoneName ?? "").startsWith("privatelink."),
    controls: { mcsb: ["NS-10"], waf: "Security" },
    mappings: {},
    remediation: "Set `registrationEnabled: false` on the VirtualNetworkLink.",
    enforcement: ENFORCE.always,
  }),
];
