/** Cosmos DB accounts. */
import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import { asArray, customRule, get, inputRule, is, isText, TLS, tlsAtLeast, unsetOr } from "./factory.js";

const cosmos = [T.cosmosAccount];

export const cosmosRules: Rule[] = [
  inputRule({
    id: "EST-COS-001",
    title: "Cosmos DB disables public network access",
    description: "The account is reached only through its private endpoint.",
    severity: "high",
    types: cosmos,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // PSRule Azure.Cosmos.PublicAccess and Checkov CKV_AZURE_101 fail an absent value (Azure's default is Enabled).
    fail: [{ publicNetworkAccess: REMOVE }, { publicNetworkAccess: "SecuredByPerimeter" }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], cis: ["4.5.1"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Cosmos.PublicAccess"],
      checkov: ["CKV_AZURE_101"],
      azurePolicy: ["797b37f7-06b8-444c-b1ad-fc62867f335a"],
    },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the DatabaseAccount.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-COS-002",
    title: "Cosmos DB disables key-based (local) authentication",
    description: "Primary keys grant full data access; managed identities with data-plane RBAC are scoped and audited.",
    severity: "high",
    types: cosmos,
    path: "disableLocalAuth",
    expect: is(true),
    bad: false,
    // Absent means keys work (Azure's default); Checkov CKV_AZURE_140 judges only the NoSQL kind, Estate every kind.
    fail: [{ disableLocalAuth: REMOVE }, { disableLocalAuth: false, kind: "MongoDB" }],
    controls: { mcsb: ["IM-1"], cis: ["4.5.3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Cosmos.DisableLocalAuth", "Azure.Cosmos.NoSQLLocalAuth"],
      checkov: ["CKV_AZURE_140"],
      azurePolicy: ["5450f5bd-9c72-4390-a9c4-a7aba4edfdd2"],
    },
    remediation: "Set `disableLocalAuth: true` on the DatabaseAccount and use Cosmos DB data-plane role assignments.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-COS-003",
    title: "Cosmos DB requires the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: cosmos,
    path: "minimalTlsVersion",
    expect: tlsAtLeast(TLS.cosmos),
    bad: "Tls",
    // PSRule Azure.Cosmos.MinTLS: absent is Azure's default (TLS 1.0 on older accounts) and fails; Tls11 fails.
    fail: [{ minimalTlsVersion: REMOVE }, { minimalTlsVersion: "Tls11" }, { minimalTlsVersion: "1.2" }],
    pass: [{ minimalTlsVersion: "tls12" }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.Cosmos.MinTLS"] },
    remediation:
      'Set `minimalTlsVersion: "Tls12"` on the DatabaseAccount (Cosmos DB offers nothing newer, so a `minimumTlsVersion` setting of 1.3 holds it to Tls12).',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-COS-004",
    title: "Cosmos DB metadata writes need the control plane",
    description: "Keys must not be able to change databases, containers or throughput.",
    severity: "medium",
    types: cosmos,
    path: "disableKeyBasedMetadataWriteAccess",
    expect: is(true),
    bad: false,
    // PSRule and Checkov CKV_AZURE_132 fail an absent value (Azure's default is false).
    fail: [{ disableKeyBasedMetadataWriteAccess: REMOVE }],
    controls: { mcsb: ["PA-7"], waf: "Security" },
    mappings: { psrule: ["Azure.Cosmos.DisableMetadataWrite"], checkov: ["CKV_AZURE_132"] },
    remediation: "Set `disableKeyBasedMetadataWriteAccess: true` on the DatabaseAccount.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-COS-005",
    title: "Cosmos DB has no IP firewall allowances",
    description: "IP rules open the account to public addresses.",
    severity: "medium",
    types: cosmos,
    check: (inputs) =>
      asArray(inputs.ipRules).length
        ? `ipRules lists ${asArray(inputs.ipRules).length} public address ranges; expected none`
        : undefined,
    // Checkov CKV_AZURE_99 passes ip rules as a restriction; Estate reaches Cosmos DB through private endpoints only, so any ip rule fails.
    fail: [{ ipRules: [{ ipAddressOrRange: "0.0.0.0" }] }, { ipRules: [{ ipAddressOrRange: "203.0.113.0/24" }] }],
    pass: [{ ipRules: [] }, { ipRules: REMOVE }],
    controls: { mcsb: ["NS-2"], cis: ["4.5.1"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_99"], azurePolicy: ["862e97cf-49fc-4a5c-9de4-40d4e2e7c8eb"] },
    remediation: "Remove `ipRules` from the DatabaseAccount.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-COS-006",
    title: "Production Cosmos DB uses continuous backup",
    description: "Continuous backup restores to any point in time; periodic backup loses hours.",
    severity: "medium",
    types: cosmos,
    path: "backupPolicy.type",
    expect: isText("Continuous"),
    bad: "Periodic",
    // PSRule Azure.Cosmos.ContinuousBackup: absent is Azure's default, Periodic.
    fail: [{ backupPolicy: REMOVE }],
    pass: [{ "backupPolicy.type": "continuous" }],
    controls: { mcsb: ["BR-1"], waf: "Reliability" },
    mappings: { psrule: ["Azure.Cosmos.ContinuousBackup"] },
    remediation:
      'Set `backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous30Days" } }` on the DatabaseAccount.',
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-COS-007",
    title: "Production Cosmos DB regions are zone redundant",
    description: "A zone outage takes down a non-zonal region.",
    severity: "medium",
    types: cosmos,
    check: (inputs) => {
      const locations = asArray(inputs.locations);
      const flat = locations
        .filter((l) => get(l, "isZoneRedundant") !== true)
        .map((l) => String(get(l, "locationName")));
      if (!locations.length) return "locations is not set";
      return flat.length ? `locations ${flat.join(", ")} have isZoneRedundant not true` : undefined;
    },
    // PSRule Azure.Cosmos.AvailabilityZone: every region, and an absent isZoneRedundant is false.
    fail: [
      { "locations[0].isZoneRedundant": false },
      { "locations[0].isZoneRedundant": REMOVE },
      { locations: [] },
      { "locations[1]": { locationName: "northeurope", failoverPriority: 1, isZoneRedundant: false } },
    ],
    pass: [{ "locations[1]": { locationName: "northeurope", failoverPriority: 1, isZoneRedundant: true } }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Cosmos.AvailabilityZone"] },
    remediation: "Set `isZoneRedundant: true` on every entry of the DatabaseAccount's `locations`.",
    enforcement: ENFORCE.prodOnly,
  }),

  inputRule({
    id: "EST-COS-008",
    title: "Production Cosmos DB is not on the free tier",
    description: "The free tier carries no SLA and one per subscription.",
    severity: "low",
    types: cosmos,
    path: "enableFreeTier",
    expect: unsetOr(is(false)),
    bad: true,
    // PSRule Azure.Cosmos.SLA (hasDefault false): absent is the paid tier.
    pass: [{ enableFreeTier: REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Cosmos.SLA"] },
    remediation: "Set `enableFreeTier: false` (or leave it unset) on the DatabaseAccount.",
    enforcement: ENFORCE.prodOnly,
  }),
];
