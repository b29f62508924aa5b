import { ENFORCE, REMOVE, type Rule, type RuleMeta, type StackRule } from "../model.js";
import { T } from "../types.js";
import {
  asArray,
  asRecord,
  atLeast,
  customRule,
  get,
  inputRule,
  is,
  isText,
  oneOf,
  stackRule,
  TLS,
  tlsAtLeast,
  unsetOr,
} from "./factory.js";
import { childrenOf, nameOf, ofType } from "./graph.js";

const account = [T.storageAccount];

/**
 * A rule about an account's blob service, judged on the account: Azure's defaults leave soft delete
 * and versioning off, so an account without BlobServiceProperties fails (as PSRule reports it),
 * and a finding names the child to change. `fail`/`pass` edit the fixture's blob service inputs.
 */
type InputsEdit = (inputs: Record<string, unknown>) => void;
function blobServiceRule(
  meta: Omit<RuleMeta, "types"> & {
    problem: (inputs: Record<string, unknown>) => string | undefined;
    fail: InputsEdit[];
    pass?: InputsEdit[];
  },
): StackRule {
  const { problem, fail, pass, ...rest } = meta;
  const patchBlobService = (edit: InputsEdit) => (graph: Parameters<StackRule["check"]>[0]) => {
    for (const service of ofType(graph, T.blobService)) edit(service.inputs);
  };
  return stackRule({
    ...rest,
    types: account,
    problemOf: (graph) => (storage) => {
      const services = childrenOf(graph, storage, T.blobService, "accountName");
      if (!services.length)
        return `no BlobServiceProperties for the account, so Azure's default applies: ${problem({})}`;
      return services
        .map((service) => problem(service.inputs) && `${nameOf(service)}: ${problem(service.inputs)}`)
        .find(Boolean);
    },
    fail: [
      ...fail.map(patchBlobService),
      (graph) => void (graph.resources = graph.resources.filter((resource) => resource.type !== T.blobService)),
    ],
    pass: pass?.map(patchBlobService),
  });
}

export const storageRules: Rule[] = [
  inputRule({
    id: "EST-ST-001",
    title: "Storage accounts accept only HTTPS",
    description: "Requests over plain HTTP would expose data and SAS tokens in transit.",
    severity: "high",
    types: account,
    path: "enableHttpsTrafficOnly",
    // PSRule Azure.Storage.SecureTransfer wants the property set (an absent one fails); Checkov
    // CKV_AZURE_3 passes it on API versions from 2019, whose default is true. Set is the stricter reading.
    expect: is(true),
    bad: false,
    fail: [{ enableHttpsTrafficOnly: REMOVE }, { enableHttpsTrafficOnly: null }],
    controls: { mcsb: ["DP-3"], cis: ["3.1"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Storage.SecureTransfer"],
      checkov: ["CKV_AZURE_3"],
      azurePolicy: ["404c3081-a854-4457-ae30-26a93ef643f9"],
    },
    remediation:
      "Set `enableHttpsTrafficOnly: true` on the StorageAccount (explicitly: PSRule fails an account that leaves it to Azure's default).",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-002",
    title: "Storage accounts require the minimum TLS version",
    description: "TLS 1.0 and 1.1 have known weaknesses and are retired by Azure Storage.",
    severity: "high",
    types: account,
    path: "minimumTlsVersion",
    expect: tlsAtLeast(TLS.storage),
    bad: "TLS1_0",
    // Absent means Azure's default, which accepts TLS 1.0 on older accounts: PSRule and Checkov fail it.
    fail: [
      { minimumTlsVersion: REMOVE },
      { minimumTlsVersion: "TLS1_1" },
      { minimumTlsVersion: "" },
      { minimumTlsVersion: "1.2" },
    ],
    // Azure compares enum values case-insensitively; Checkov's Terraform check accepts TLS1_3 too.
    pass: [{ minimumTlsVersion: "tls1_2" }, { minimumTlsVersion: "TLS1_3" }],
    controls: { mcsb: ["DP-3"], cis: ["3.15"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Storage.MinTLS"],
      checkov: ["CKV_AZURE_44"],
      azurePolicy: ["fe83a0eb-a853-422d-aac2-1bffd182c5d0"],
    },
    remediation:
      'Set `minimumTlsVersion: "TLS1_2"` on the StorageAccount (`"TLS1_3"` when the `minimumTlsVersion` policy setting is 1.3).',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-003",
    title: "Storage accounts allow no anonymous blob access",
    description: "Anonymous blob access lets anyone on the internet read containers marked public.",
    severity: "critical",
    types: account,
    path: "allowBlobPublicAccess",
    expect: is(false),
    bad: true,
    // PSRule Azure.Storage.BlobPublicAccess and Checkov CKV2_AZURE_47 fail an absent value (older accounts default to allowing it).
    fail: [{ allowBlobPublicAccess: REMOVE }, { allowBlobPublicAccess: null }],
    controls: { mcsb: ["NS-2", "DP-2"], cis: ["3.7"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Storage.BlobPublicAccess"],
      checkov: ["CKV_AZURE_190", "CKV2_AZURE_47"],
      azurePolicy: ["4fa4b6c0-31ca-4c0d-b10d-24b96f62a751"],
    },
    remediation: "Set `allowBlobPublicAccess: false` on the StorageAccount.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-004",
    title: "Storage accounts disable shared key authorization",
    description: "Account keys grant full access and cannot be scoped or audited per caller; use Entra ID and RBAC.",
    severity: "high",
    types: account,
    path: "allowSharedKeyAccess",
    expect: is(false),
    bad: true,
    // Checkov CKV2_AZURE_40: Azure's default (null) allows shared keys.
    fail: [{ allowSharedKeyAccess: REMOVE }],
    controls: { mcsb: ["IM-1", "IM-8"], cis: ["3.3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Storage.LocalAuth"],
      checkov: ["CKV2_AZURE_40"],
      azurePolicy: ["8c6a50c6-9ffd-4ae7-986f-5fa6111f9a54"],
    },
    remediation: "Set `allowSharedKeyAccess: false` on the StorageAccount and grant data roles to managed identities.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-005",
    title: "Storage accounts disable public network access",
    description: "Data services are reached only through private endpoints.",
    severity: "high",
    types: account,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // Checkov CKV_AZURE_59 forbids only "Enabled"; Estate also fails an absent value and
    // SecuredByPerimeter (both leave the public endpoint to other settings): stricter, see docs/policy-coverage.md.
    fail: [{ publicNetworkAccess: REMOVE }, { publicNetworkAccess: "SecuredByPerimeter" }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], cis: ["3.10"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_59"], azurePolicy: ["b2982f36-99f2-4db5-8eff-283140c09693"] },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the StorageAccount.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-006",
    title: "Storage firewall denies by default",
    description: "A default-allow firewall admits every network once public access is turned on again.",
    severity: "medium",
    types: account,
    path: "networkRuleSet.defaultAction",
    expect: isText("Deny"),
    bad: "Allow",
    // No network rule set means Azure's default action, Allow: PSRule and Checkov fail it.
    fail: [{ networkRuleSet: REMOVE }, { "networkRuleSet.defaultAction": REMOVE }],
    // PSRule compares case-insensitively (Checkov wants "Deny" exactly; Azure accepts both).
    pass: [{ "networkRuleSet.defaultAction": "deny" }],
    controls: { mcsb: ["NS-2"], cis: ["3.8"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Storage.Firewall"],
      checkov: ["CKV_AZURE_35"],
      azurePolicy: ["34c877ad-507e-4c82-993e-3452a6e0ad3c"],
    },
    remediation: 'Set `networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" }` on the StorageAccount.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-ST-007",
    title: "Storage firewall lets trusted Azure services through",
    description: "Azure Monitor and backup reach the account as trusted services; without the bypass they are blocked.",
    severity: "low",
    types: account,
    check: (inputs) => {
      const bypass = String(get(inputs, "networkRuleSet.bypass") ?? "");
      return bypass.includes("AzureServices")
        ? undefined
        : `networkRuleSet.bypass is ${JSON.stringify(bypass)}; expected it to include "AzureServices"`;
    },
    // Checkov CKV_AZURE_36 fails a Deny rule set without bypass "AzureServices"; the bypass is a
    // comma-separated list, so "Logging, Metrics, AzureServices" lets the trusted services through too.
    fail: [
      { "networkRuleSet.bypass": "None" },
      { "networkRuleSet.bypass": REMOVE },
      { "networkRuleSet.bypass": "Logging, Metrics" },
    ],
    pass: [{ "networkRuleSet.bypass": "Logging, Metrics, AzureServices" }],
    controls: { mcsb: ["NS-2"], cis: ["3.9"], waf: "Operational Excellence" },
    mappings: { checkov: ["CKV_AZURE_36"] },
    remediation: 'Set `networkRuleSet.bypass: "AzureServices"` on the StorageAccount.',
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-ST-008",
    title: "Production storage is zone or geo redundant",
    description: "Locally redundant storage loses data when its datacentre does.",
    severity: "medium",
    types: account,
    path: "sku.name",
    expect: oneOf("Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS", "Premium_ZRS"),
    bad: "Standard_LRS",
    // PSRule Azure.Storage.UseReplication counts ZRS and the geo SKUs: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.UseReplication
    pass: [{ "sku.name": "Standard_ZRS" }, { "sku.name": "Premium_ZRS" }, { "sku.name": "Standard_RAGZRS" }],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: { psrule: ["Azure.Storage.UseReplication"], azurePolicy: ["bf045164-79ba-4215-8f95-f8048dc1780b"] },
    remediation: "Set `sku.name` to `Standard_ZRS` or `Standard_GZRS` on the StorageAccount.",
    enforcement: ENFORCE.prodOnly,
  }),
  inputRule({
    id: "EST-ST-009",
    title: "Storage accounts forbid cross-tenant replication",
    description: "Object replication to another tenant would copy data out of the organisation.",
    severity: "medium",
    types: account,
    path: "allowCrossTenantReplication",
    expect: is(false),
    bad: true,
    controls: { mcsb: ["DP-2"], waf: "Security" },
    mappings: { azurePolicy: ["92a89a79-6c52-4a7e-a03f-61306fc49312"] },
    remediation: "Set `allowCrossTenantReplication: false` on the StorageAccount.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-010",
    title: "Storage accounts are general-purpose v2",
    description: "Older account kinds lack lifecycle management, soft delete for containers and current TLS controls.",
    severity: "low",
    types: account,
    path: "kind",
    expect: oneOf("StorageV2", "BlockBlobStorage"),
    bad: "Storage",
    controls: { mcsb: ["PV-2"], waf: "Operational Excellence" },
    mappings: {},
    remediation: 'Set `kind: "StorageV2"` on the StorageAccount.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-ST-011",
    title: "Storage accounts default to Entra ID in the portal",
    description: "Without it, portal users silently fall back to account keys.",
    severity: "low",
    types: account,
    path: "defaultToOAuthAuthentication",
    expect: is(true),
    bad: false,
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: {},
    remediation: "Set `defaultToOAuthAuthentication: true` on the StorageAccount.",
    enforcement: ENFORCE.advisory,
  }),
  inputRule({
    id: "EST-ST-017",
    title: "Storage accounts have no local users",
    description: "Local users (SFTP) authenticate with passwords or keys outside Entra ID.",
    severity: "medium",
    types: account,
    path: "isLocalUserEnabled",
    expect: unsetOr(is(false)),
    bad: true,
    // Checkov CKV_AZURE_244 passes an unset value unless SFTP (hierarchical namespace) is on.
    pass: [{ isLocalUserEnabled: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_244"] },
    remediation:
      "Set `isLocalUserEnabled: false` (or leave it unset) and `isSftpEnabled: false` on the StorageAccount.",
    enforcement: ENFORCE.always,
  }),
  blobServiceRule({
    id: "EST-ST-012",
    title: "Blob soft delete keeps deleted blobs at least 7 days",
    description:
      "Soft delete recovers blobs deleted or overwritten by mistake or by an attacker. Off unless the account's blob service turns it on.",
    severity: "medium",
    problem: (inputs) => {
      const policy = asRecord(inputs.deleteRetentionPolicy);
      if (policy.enabled !== true) return "deleteRetentionPolicy.enabled is not true; expected blob soft delete on";
      return atLeast(7).test(policy.days)
        ? undefined
        : `deleteRetentionPolicy.days is ${JSON.stringify(policy.days)}; expected at least 7`;
    },
    fail: [
      (inputs) => (asRecord(inputs.deleteRetentionPolicy).enabled = false),
      (inputs) => (asRecord(inputs.deleteRetentionPolicy).days = 1),
      (inputs) => delete inputs.deleteRetentionPolicy,
      // PSRule Azure.Storage.SoftDelete asks only for enabled, Checkov CKV2_AZURE_38 for any retention; Estate also wants days, at least 7.
      (inputs) => delete asRecord(inputs.deleteRetentionPolicy).days,
      (inputs) => (asRecord(inputs.deleteRetentionPolicy).enabled = "true"),
    ],
    pass: [
      (inputs) => (asRecord(inputs.deleteRetentionPolicy).days = 7),
      (inputs) => (asRecord(inputs.deleteRetentionPolicy).days = 365),
    ],
    controls: { mcsb: ["BR-1", "DP-8"], cis: ["3.11"], waf: "Reliability" },
    mappings: { psrule: ["Azure.Storage.SoftDelete"], checkov: ["CKV2_AZURE_38"] },
    remediation:
      "Set `deleteRetentionPolicy: { enabled: true, days: 7 }` (or more) on the account's BlobServiceProperties (declare one if the account has none).",
    enforcement: ENFORCE.always,
  }),
  blobServiceRule({
    id: "EST-ST-013",
    title: "Container soft delete is on",
    description:
      "Deleting a container deletes every blob in it; container soft delete makes that recoverable. Off unless the account's blob service turns it on.",
    severity: "medium",
    problem: (inputs) =>
      get(inputs, "containerDeleteRetentionPolicy.enabled") === true
        ? undefined
        : "containerDeleteRetentionPolicy.enabled is not true",
    fail: [
      (inputs) => (asRecord(inputs.containerDeleteRetentionPolicy).enabled = false),
      (inputs) => delete inputs.containerDeleteRetentionPolicy,
    ],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: { psrule: ["Azure.Storage.ContainerSoftDelete"] },
    remediation:
      "Set `containerDeleteRetentionPolicy: { enabled: true, days: 7 }` on the account's BlobServiceProperties (declare one if the account has none).",
    enforcement: ENFORCE.always,
  }),
  blobServiceRule({
    id: "EST-ST-014",
    title: "Blob versioning is on",
    description:
      "Versions keep every overwritten blob so a bad write can be rolled back. Off unless the account's blob service turns it on.",
    severity: "low",
    problem: (inputs) => (inputs.isVersioningEnabled === true ? undefined : "isVersioningEnabled is not true"),
    fail: [(inputs) => (inputs.isVersioningEnabled = false), (inputs) => delete inputs.isVersioningEnabled],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: {},
    remediation:
      "Set `isVersioningEnabled: true` on the account's BlobServiceProperties (declare one if the account has none).",
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-ST-015",
    title: "Blob containers are private",
    description: "A container with public access serves its blobs to anyone.",
    severity: "critical",
    types: [T.blobContainer],
    path: "publicAccess",
    expect: unsetOr(isText("None")),
    bad: "Blob",
    // PSRule Azure.Storage.BlobAccessType and Checkov CKV_AZURE_34: absent means None; Container fails as Blob does, in any case.
    fail: [{ publicAccess: "Container" }, { publicAccess: "blob" }],
    pass: [{ publicAccess: REMOVE }, { publicAccess: "none" }],
    controls: { mcsb: ["NS-2", "DP-2"], cis: ["3.7"], waf: "Security" },
    mappings: { psrule: ["Azure.Storage.BlobAccessType"], checkov: ["CKV_AZURE_34"] },
    remediation: 'Set `publicAccess: "None"` on the BlobContainer (or leave it unset).',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-ST-016",
    title: "Lifecycle policy tiers blobs to cool and archive",
    description: "Blobs are moved to cheaper tiers as they age instead of staying hot forever.",
    severity: "low",
    types: [T.storagePolicy],
    check: (inputs) => {
      const actions = asArray(get(inputs, "policy.rules")).map((rule) =>
        asRecord(get(rule, "definition.actions.baseBlob")),
      );
      const tiers = actions.flatMap((action) => Object.keys(action));
      const missing = ["tierToCool", "tierToArchive"].filter((tier) => !tiers.includes(tier));
      return missing.length ? `policy.rules has no ${missing.join(" or ")} action on base blobs` : undefined;
    },
    fail: [{ "policy.rules": [] }, { "policy.rules[0].definition.actions.baseBlob.tierToArchive": REMOVE }],
    controls: { mcsb: [], waf: "Cost Optimization" },
    mappings: {},
    remediation:
      "Add rules to the ManagementPolicy's `policy.rules` with `definition.actions.baseBlob.tierToCool` and `tierToArchive` (defaults: 30 and 90 days).",
    enforcement: ENFORCE.advisory,
  }),
];
