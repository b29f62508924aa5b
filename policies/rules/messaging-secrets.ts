import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  atLeast,
  customRule,
  get,
  inputRule,
  is,
  isText,
  present,
  TLS,
  tlsAtLeast,
  unsetOr,
} from "./factory.js";
import { managedIdentity } from "./identity.js";

const namespace = [T.serviceBus];
const vault = [T.keyVault];

/** ISO 8601 durations Service Bus accepts, reduced to days for comparison. */
function durationDays(value: unknown): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(String(value ?? ""));
  if (!match) return undefined;
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return Number(d) + Number(h) / 24 + Number(m) / 1440 + Number(s) / 86400;
}

/** Service Bus and Key Vault. */
export const messagingAndSecretRules: Rule[] = [
  inputRule({
    id: "EST-SB-001",
    title: "Service Bus disables SAS key (local) authentication",
    description: "Shared access keys are long-lived secrets; managed identities with RBAC are scoped and audited.",
    severity: "high",
    types: namespace,
    path: "disableLocalAuth",
    expect: is(true),
    bad: false,
    // PSRule and Checkov CKV_AZURE_203 fail an absent value: SAS keys work unless turned off.
    fail: [{ disableLocalAuth: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: {
      psrule: ["Azure.ServiceBus.DisableLocalAuth"],
      checkov: ["CKV_AZURE_203"],
      azurePolicy: ["cfb11c26-f069-4c14-8e36-56c394dae5af"],
    },
    remediation: "Set `disableLocalAuth: true` on the servicebus Namespace.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SB-002",
    title: "Service Bus requires the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: namespace,
    path: "minimumTlsVersion",
    expect: tlsAtLeast(TLS.numeric),
    bad: "1.0",
    // PSRule Azure.ServiceBus.MinTLS fails an absent value (older namespaces accept 1.0); Checkov CKV_AZURE_205 takes
    // azurerm's default of 1.2 instead. Estate wants it set, as PSRule does.
    fail: [{ minimumTlsVersion: REMOVE }, { minimumTlsVersion: "1.1" }],
    pass: [{ minimumTlsVersion: "1.3" }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.ServiceBus.MinTLS"], checkov: ["CKV_AZURE_205"] },
    remediation:
      'Set `minimumTlsVersion` on the servicebus Namespace to the `minimumTlsVersion` policy setting (`"1.2"` by default) or newer.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-SB-003",
    title: "Service Bus disables public network access",
    description: "The namespace is reached only through its private endpoint (Premium tier).",
    severity: "high",
    types: namespace,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Checkov CKV_AZURE_204 fails an absent value (Azure's default is Enabled); SecuredByPerimeter is not Disabled either.
    fail: [{ publicNetworkAccess: REMOVE }, { publicNetworkAccess: "SecuredByPerimeter" }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_204"] },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the servicebus Namespace (Premium SKU).',
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-SB-004",
    title: "Production Service Bus is Premium",
    description: "Only Premium supports private endpoints, zone redundancy and isolation.",
    severity: "medium",
    types: namespace,
    path: "sku.name",
    expect: is("Premium"),
    bad: "Standard",
    controls: { mcsb: ["NS-2"], waf: "Reliability" },
    mappings: {},
    remediation: 'Set `sku: { name: "Premium", tier: "Premium", capacity: 1 }` on the servicebus Namespace.',
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-SB-005",
    title: "Service Bus has a managed identity",
    description: "Customer-managed keys and outbound access need an identity.",
    severity: "low",
    types: namespace,
    path: "identity.type",
    expect: managedIdentity,
    bad: "None",
    // Checkov CKV_AZURE_202: no identity block is no identity.
    fail: [{ identity: REMOVE }],
    pass: [{ "identity.type": "UserAssigned" }, { "identity.type": "SystemAssigned, UserAssigned" }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_202"] },
    remediation: 'Set `identity: { type: "SystemAssigned" }` on the servicebus Namespace.',
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-SB-006",
    title: "Queues dead-letter expired messages",
    description: "Expired messages would otherwise vanish without trace.",
    severity: "medium",
    types: [T.queue],
    path: "deadLetteringOnMessageExpiration",
    expect: is(true),
    bad: false,
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation: "Set `deadLetteringOnMessageExpiration: true` on the servicebus Queue.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-SB-007",
    title: "Queues bound delivery attempts",
    description: "Poison messages must reach the dead-letter queue after a few attempts, not loop.",
    severity: "medium",
    types: [T.queue],
    check: (inputs) => {
      const count = inputs.maxDeliveryCount;
      return typeof count === "number" && count >= 1 && count <= 10
        ? undefined
        : `maxDeliveryCount is ${JSON.stringify(count)}; expected 1 to 10`;
    },
    fail: [{ maxDeliveryCount: 100 }, { maxDeliveryCount: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: {},
    remediation: "Set `maxDeliveryCount` between 1 and 10 on the servicebus Queue.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-SB-008",
    title: "Queues set a message time-to-live",
    description: "Without one, the default is effectively forever and queues grow unbounded.",
    severity: "low",
    types: [T.queue],
    check: (inputs) => {
      const days = durationDays(inputs.defaultMessageTimeToLive);
      return days !== undefined && days > 0 && days <= 14
        ? undefined
        : `defaultMessageTimeToLive is ${JSON.stringify(inputs.defaultMessageTimeToLive)}; expected an ISO 8601 duration of at most 14 days, such as "P7D"`;
    },
    fail: [{ defaultMessageTimeToLive: REMOVE }, { defaultMessageTimeToLive: "P10675199DT2H48M5.4775807S" }],
    controls: { mcsb: [], waf: "Operational Excellence" },
    mappings: {},
    remediation: "Set `defaultMessageTimeToLive` (e.g. `P7D`) on the servicebus Queue.",
    enforcement: ENFORCE.always,
  }),

  inputRule({
    id: "EST-KV-001",
    title: "Key Vault uses Azure RBAC",
    description:
      "Access policies cannot be scoped below the vault and are not managed with the rest of the role assignments.",
    severity: "high",
    types: vault,
    path: "properties.enableRbacAuthorization",
    expect: is(true),
    bad: false,
    // PSRule Azure.KeyVault.RBAC: absent is access policies on API versions before 2026.
    fail: [{ "properties.enableRbacAuthorization": REMOVE }],
    controls: { mcsb: ["PA-7", "DP-8"], cis: ["8.6"], waf: "Security" },
    mappings: { psrule: ["Azure.KeyVault.RBAC"], azurePolicy: ["12d4fa5e-1f9f-4c21-97a9-b99b3c6611b5"] },
    remediation: "Set `properties.enableRbacAuthorization: true` on the Vault and grant Key Vault data roles.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-KV-002",
    title: "Key Vault soft delete is on",
    description: "Deleted vaults and secrets are recoverable.",
    severity: "high",
    types: vault,
    path: "properties.enableSoftDelete",
    // PSRule Azure.KeyVault.SoftDelete and Checkov CKV_AZURE_42 want it set to true (Checkov CKV_AZURE_111 passes it unset).
    expect: is(true),
    bad: false,
    fail: [{ "properties.enableSoftDelete": REMOVE }, { "properties.enableSoftDelete": "true" }],
    controls: { mcsb: ["DP-8", "BR-2"], cis: ["8.5"], waf: "Reliability" },
    mappings: {
      psrule: ["Azure.KeyVault.SoftDelete"],
      checkov: ["CKV_AZURE_42", "CKV_AZURE_111"],
      azurePolicy: ["1e66c121-a66a-4b1f-9b83-0fd99bf0fc2d"],
    },
    remediation: "Set `properties.enableSoftDelete: true` on the Vault.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-KV-003",
    title: "Key Vault purge protection is on",
    description:
      "Nobody, including an attacker with owner rights, can purge soft-deleted secrets before retention ends.",
    severity: "high",
    types: vault,
    path: "properties.enablePurgeProtection",
    expect: is(true),
    bad: false,
    // Unset is off (Azure's default): PSRule and Checkov fail it.
    fail: [{ "properties.enablePurgeProtection": REMOVE }],
    controls: { mcsb: ["DP-8", "BR-2"], cis: ["8.5"], waf: "Reliability" },
    // Checkov CKV_AZURE_42 wants soft delete (EST-KV-002) and purge protection both.
    mappings: {
      psrule: ["Azure.KeyVault.PurgeProtect"],
      checkov: ["CKV_AZURE_42", "CKV_AZURE_110"],
      azurePolicy: ["0b60c0b2-2dc2-4e1c-b5c9-abbed971de53"],
    },
    remediation: "Set `properties.enablePurgeProtection: true` on the Vault.",
    // Advisory outside prod: a purge-protected vault blocks re-creating a torn-down dev vault under its name for the retention period.
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-KV-004",
    title: "Key Vault firewall denies by default",
    description: "A default-allow firewall admits every network once public access is on.",
    severity: "medium",
    types: vault,
    path: "properties.networkAcls.defaultAction",
    expect: isText("Deny"),
    bad: "Allow",
    // No networkAcls means Azure's default, Allow: PSRule Azure.KeyVault.Firewall and Checkov CKV_AZURE_109 fail it.
    fail: [{ "properties.networkAcls": REMOVE }],
    pass: [{ "properties.networkAcls.defaultAction": "deny" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {
      psrule: ["Azure.KeyVault.Firewall"],
      checkov: ["CKV_AZURE_109"],
      azurePolicy: ["55615ac9-af46-4a59-874e-391cc3dfb490"],
    },
    remediation: 'Set `properties.networkAcls: { defaultAction: "Deny", bypass: "AzureServices" }` on the Vault.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-KV-005",
    title: "Key Vault disables public network access",
    description: "The vault is reached only through its private endpoint.",
    severity: "high",
    types: vault,
    path: "properties.publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Checkov CKV_AZURE_189 also passes a vault with ip rules; Estate allows only private endpoints: stricter.
    fail: [
      { "properties.publicNetworkAccess": REMOVE },
      { "properties.publicNetworkAccess": "Enabled", "properties.networkAcls.ipRules": [{ value: "203.0.113.0/24" }] },
    ],
    pass: [{ "properties.publicNetworkAccess": "disabled" }],
    controls: { mcsb: ["NS-2"], cis: ["8.7"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_189"], azurePolicy: ["405c5871-3e91-4644-8a63-58e19d68ff5b"] },
    remediation: 'Set `properties.publicNetworkAccess: "Disabled"` on the Vault.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-KV-006",
    title: "Key Vault declares no access policies",
    description: "With RBAC, access policies are ignored and only mislead readers.",
    severity: "low",
    types: vault,
    check: (inputs) => {
      const count = asArray(get(inputs, "properties.accessPolicies")).length;
      return count ? `properties.accessPolicies has ${count} entries; expected none (RBAC only)` : undefined;
    },
    // PSRule Azure.KeyVault.AccessPolicy flags broad permissions (all, purge) only; Estate wants none at all, as
    // RBAC ignores them (EST-KV-001): stricter. An empty list is none.
    fail: [
      { "properties.accessPolicies": [{ objectId: "x", tenantId: "y", permissions: { secrets: ["get"] } }] },
      { "properties.accessPolicies": [{ objectId: "x", tenantId: "y", permissions: { secrets: ["all", "purge"] } }] },
    ],
    pass: [{ "properties.accessPolicies": [] }, { "properties.accessPolicies": REMOVE }],
    controls: { mcsb: ["PA-7"], waf: "Security" },
    mappings: { psrule: ["Azure.KeyVault.AccessPolicy"] },
    remediation: "Remove `properties.accessPolicies` from the Vault; use role assignments.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-KV-007",
    title: "Production Key Vault keeps deleted items 90 days",
    description: "A longer soft-delete window gives time to notice and recover a deletion.",
    severity: "low",
    types: vault,
    path: "properties.softDeleteRetentionInDays",
    expect: unsetOr(atLeast(90)),
    bad: 7,
    controls: { mcsb: ["BR-2"], waf: "Reliability" },
    mappings: {},
    remediation: "Set `properties.softDeleteRetentionInDays: 90` (or leave it unset) on the Vault.",
    enforcement: ENFORCE.prodAdvisory,
  }),
  inputRule({
    id: "EST-KV-008",
    title: "Key Vault secrets have an expiry",
    description: "Secrets that never expire are never rotated.",
    severity: "medium",
    types: [T.secret],
    path: "properties.attributes.expires",
    expect: present,
    bad: REMOVE,
    // Checkov CKV_AZURE_41: an expiry is set; null or no attributes at all is none.
    fail: [{ "properties.attributes.expires": null }, { "properties.attributes": REMOVE }],
    controls: { mcsb: ["DP-6", "IM-8"], cis: ["8.3"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_41"], azurePolicy: ["98728c90-32c7-4049-8429-847dc0f4fe37"] },
    remediation:
      "Set `properties.attributes.expires` (seconds since epoch) on the keyvault Secret and rotate before it.",
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-KV-009",
    title: "Key Vault secrets declare a content type",
    description: "The content type tells operators what the secret is and how to rotate it.",
    severity: "low",
    types: [T.secret],
    path: "properties.contentType",
    expect: present,
    bad: REMOVE,
    // Checkov CKV_AZURE_114: an empty content type is none.
    fail: [{ "properties.contentType": "" }],
    controls: { mcsb: ["DP-6"], waf: "Operational Excellence" },
    mappings: { checkov: ["CKV_AZURE_114"] },
    remediation: "Set `properties.contentType` (e.g. `text/plain`) on the keyvault Secret.",
    enforcement: ENFORCE.advisory,
  }),
];
