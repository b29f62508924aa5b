/** The API Management service itself: protocols, ciphers, identity, network, SKU, zones, management API. */
import { ENFORCE, notApplicable, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import { asArray, asRecord, customRule, get, inputRule, oneOf, show } from "./factory.js";
import { managedIdentity } from "./identity.js";

const service = [T.apim];
const SECURITY = "Microsoft.WindowsAzure.ApiManagement.Gateway.Security";

/** customProperties that must be explicitly "false": protocols and ciphers older than TLS 1.2. */
function insecureSettings(inputs: Record<string, unknown>, keys: string[]): string[] {
  const props = asRecord(inputs.customProperties);
  return keys
    .filter((key) => String(props[`${SECURITY}.${key}`]).toLowerCase() !== "false")
    .map(
      (key) =>
        `customProperties["${SECURITY}.${key}"] is ${JSON.stringify(props[`${SECURITY}.${key}`])}; expected "false"`,
    );
}

/**
 * Ciphers PSRule's Azure.APIM.Ciphers counts weak or deprecated (3DES, the CBC suites, RSA key
 * exchange without forward secrecy): https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.Ciphers
 */
const WEAK_CIPHERS = [
  "TripleDes168",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
].map((cipher) => `Ciphers.${cipher}`);

/** Every protocol and cipher switch the rules require off; the compliant value of customProperties. */
export const HARDENED_SETTINGS: Record<string, string> = Object.fromEntries(
  [
    "Protocols.Tls10",
    "Protocols.Tls11",
    "Protocols.Ssl30",
    "Backend.Protocols.Tls10",
    "Backend.Protocols.Tls11",
    "Backend.Protocols.Ssl30",
    ...WEAK_CIPHERS,
  ].map((key) => [`${SECURITY}.${key}`, "false"]),
);

/** A patch re-enabling one switch (keys contain dots, so the whole object is replaced). */
const enable = (key: string) => ({ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.${key}`]: "true" } });

export const apimServiceRules: Rule[] = [
  customRule({
    id: "EST-APIM-001",
    title: "API Management gateway refuses SSL 3.0, TLS 1.0 and TLS 1.1",
    description: "SSL 3.0, TLS 1.0 and 1.1 stay enabled on older services unless switched off explicitly.",
    severity: "high",
    types: service,
    check: (inputs) => insecureSettings(inputs, ["Protocols.Tls10", "Protocols.Tls11", "Protocols.Ssl30"]),
    // PSRule Azure.APIM.Protocols passes an absent switch (newer services default to off); Estate wants each set
    // "false" (services created before April 2018 keep them on): stricter. Case does not matter: "False" passes.
    fail: [
      { customProperties: {} },
      enable("Protocols.Tls10"),
      enable("Protocols.Ssl30"),
      { customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Protocols.Tls11`]: "True" } },
      { customProperties: REMOVE },
    ],
    pass: [{ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Protocols.Tls10`]: "False" } }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Protocols"], checkov: ["CKV_AZURE_173"] },
    remediation: `Set customProperties "${SECURITY}.Protocols.Tls10", ".Tls11" and ".Ssl30" to "false" on the ApiManagementService.`,
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APIM-002",
    title: "API Management refuses SSL 3.0, TLS 1.0 and TLS 1.1 to backends",
    description: "Backend connections must not fall back to old protocols.",
    severity: "high",
    types: service,
    check: (inputs) =>
      insecureSettings(inputs, ["Backend.Protocols.Tls10", "Backend.Protocols.Tls11", "Backend.Protocols.Ssl30"]),
    fail: [enable("Backend.Protocols.Ssl30"), enable("Backend.Protocols.Tls10"), enable("Backend.Protocols.Tls11")],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Protocols"] },
    remediation: `Set customProperties "${SECURITY}.Backend.Protocols.Tls10", ".Tls11" and ".Ssl30" to "false" on the ApiManagementService.`,
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-APIM-003",
    title: "API Management disables weak ciphers",
    description:
      "Triple DES (Sweet32), the CBC suites (padding oracles) and RSA key exchange without forward secrecy stay enabled unless switched off explicitly.",
    severity: "medium",
    types: service,
    check: (inputs) => insecureSettings(inputs, WEAK_CIPHERS),
    // Each weak cipher re-enabled fails; so does leaving them to the service's default (PSRule passes an absent
    // switch; Estate wants each one set "false", as for the protocols).
    fail: [...WEAK_CIPHERS.map(enable), { customProperties: {} }],
    pass: [{ customProperties: { ...HARDENED_SETTINGS, [`${SECURITY}.Ciphers.TripleDes168`]: "False" } }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.Ciphers"] },
    remediation: `Set customProperties "${SECURITY}.Ciphers.<cipher>" to "false" on the ApiManagementService for ${WEAK_CIPHERS.map((key) => key.slice("Ciphers.".length)).join(", ")}.`,
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APIM-004",
    title: "API Management has a managed identity",
    description: "APIM reads named values from Key Vault and calls backends with its identity.",
    severity: "medium",
    types: service,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // PSRule Azure.APIM.ManagedIdentity: no identity block is no identity.
    fail: [{ identity: REMOVE }],
    pass: [{ "identity.type": "UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.ManagedIdentity"] },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the ApiManagementService.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-APIM-005",
    title: "API Management is injected into the virtual network",
    description: "The gateway reaches backends privately and is reached only through Front Door.",
    severity: "high",
    types: service,
    path: "virtualNetworkType",
    expect: oneOf("Internal", "External"),
    bad: "None",
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_107"], azurePolicy: ["ef619a2c-cc4d-4d03-b2ba-8c94a834d85b"] },
    remediation:
      "Set `virtualNetworkType` to `External` (behind Front Door, NSG-restricted) or `Internal` and `virtualNetworkConfiguration.subnetResourceId` on the ApiManagementService.",
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-APIM-006",
    title: "Production API Management is not a Developer or Consumption SKU",
    description: "Developer has no SLA; Consumption cannot be VNet-injected.",
    severity: "high",
    types: service,
    path: "sku.name",
    expect: oneOf("Basic", "Standard", "Premium", "BasicV2", "StandardV2", "PremiumV2"),
    bad: "Developer",
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation: "Set `sku.name` to `Premium` (or `StandardV2`) on the ApiManagementService.",
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-APIM-007",
    title: "Production API Management spans availability zones",
    description:
      "Zones keep the gateway up through a zone outage (Premium): at least two zones in the primary and every additional location, with the units spread evenly over them.",
    severity: "low",
    types: service,
    check: (inputs) => {
      if (get(inputs, "sku.name") !== "Premium")
        return notApplicable("applies to the Premium tier only (zones on v2 tiers are set at creation)");
      const locations = [
        { where: "", zones: inputs.zones, capacity: get(inputs, "sku.capacity") },
        ...asArray(inputs.additionalLocations).map((location, index) => ({
          where: `additionalLocations[${index}].`,
          zones: get(location, "zones"),
          capacity: get(location, "sku.capacity"),
        })),
      ];
      return locations.flatMap(({ where, zones, capacity }) => {
        const count = new Set(asArray(zones).map(String)).size;
        if (count < 2) return [`${where}zones is ${show(zones)}; expected at least two zones`];
        return typeof capacity === "number" && capacity % count !== 0
          ? [`${where}sku.capacity is ${capacity} over ${count} zones; expected a multiple of ${count}`]
          : [];
      });
    },
    // PSRule Azure.APIM.AvailabilityZone: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.AvailabilityZone
    fail: [
      { zones: REMOVE },
      { zones: ["1"] },
      { zones: ["1", "2", "3"] },
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 1 } }] },
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 3 }, zones: ["1", "2"] }] },
    ],
    pass: [
      { additionalLocations: [{ location: "northeurope", sku: { name: "Premium", capacity: 2 }, zones: ["1", "2"] }] },
      { "sku.capacity": 4 },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.APIM.AvailabilityZone", "Azure.APIM.AvailabilityZone.Units"] },
    remediation:
      'Set `zones: ["1", "2"]` (and `sku.capacity` a multiple of them) on the Premium ApiManagementService and on each of its `additionalLocations`.',
    enforcement: ENFORCE.prodAdvisory,
  }),
  customRule({
    id: "EST-APIM-008",
    title: "API Management blocks old management API versions",
    description: "Management API versions before 2021-08-01 expose secrets in GET responses.",
    severity: "medium",
    types: service,
    check: (inputs) => {
      const version = get(inputs, "apiVersionConstraint.minApiVersion");
      return typeof version === "string" && version >= "2021-08-01"
        ? undefined
        : `apiVersionConstraint.minApiVersion is ${show(version)}; expected 2021-08-01 or later`;
    },
    // PSRule Azure.APIM.MinAPIVersion: absent allows every version; later versions pass.
    fail: [
      { apiVersionConstraint: REMOVE },
      { "apiVersionConstraint.minApiVersion": "2019-12-01" },
      { "apiVersionConstraint.minApiVersion": "2021-01-01-preview" },
    ],
    pass: [
      { "apiVersionConstraint.minApiVersion": "2021-08-01" },
      { "apiVersionConstraint.minApiVersion": "2024-05-01" },
    ],
    controls: { mcsb: ["IM-8"], waf: "Security" },
    mappings: { psrule: ["Azure.APIM.MinAPIVersion"], azurePolicy: ["549814b6-3212-4203-bdc8-1548d342fb67"] },
    remediation: 'Set `apiVersionConstraint: { minApiVersion: "2021-08-01" }` on the ApiManagementService.',
    enforcement: ENFORCE.always,
  }),
];
