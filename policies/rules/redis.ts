/** Azure Cache for Redis. */
import { ENFORCE, notApplicable, REMOVE, type Rule } from "../model.js";
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
  show,
  TLS,
  tlsAtLeast,
} from "./factory.js";

const redis = [T.redis, T.cacheRedis];

export const redisRules: Rule[] = [
  inputRule({
    id: "EST-RED-001",
    title: "Redis non-TLS port is off",
    description: "Port 6379 carries commands and data in clear text.",
    severity: "high",
    types: redis,
    path: "enableNonSslPort",
    // PSRule Azure.Redis.NonSslPort wants the property set to false (an absent one fails), though Azure's default is false.
    expect: is(false),
    bad: true,
    fail: [{ enableNonSslPort: REMOVE }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Redis.NonSslPort"],
      checkov: ["CKV_AZURE_91"],
      azurePolicy: ["22bee202-a82f-4305-9a2a-6d7f44d4dedb"],
    },
    remediation: "Set `enableNonSslPort: false` on the Redis cache.",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-RED-002",
    title: "Redis requires the minimum TLS version",
    description: "Older TLS versions are weak.",
    severity: "high",
    types: redis,
    path: "minimumTlsVersion",
    expect: tlsAtLeast(TLS.redis),
    bad: "1.0",
    // PSRule Azure.Redis.MinTLS: absent is Azure's default of 1.0 on older caches and fails; 1.1 fails.
    fail: [{ minimumTlsVersion: REMOVE }, { minimumTlsVersion: "1.1" }],
    pass: [{ minimumTlsVersion: 1.2 }],
    controls: { mcsb: ["DP-3"], waf: "Security" },
    mappings: { psrule: ["Azure.Redis.MinTLS"], checkov: ["CKV_AZURE_148"] },
    remediation:
      'Set `minimumTlsVersion: "1.2"` on the Redis cache (its newest, so a `minimumTlsVersion` setting of 1.3 holds it to 1.2).',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-RED-003",
    title: "Redis disables public network access",
    description: "The cache is reached only through its private endpoint.",
    severity: "high",
    types: redis,
    path: "publicNetworkAccess",
    expect: isText("Disabled"),
    bad: "Enabled",
    // PSRule Azure.Redis.PublicNetworkAccess and Checkov CKV_AZURE_89: absent is Azure's default, Enabled.
    fail: [{ publicNetworkAccess: REMOVE }],
    pass: [{ publicNetworkAccess: "disabled" }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: {
      psrule: ["Azure.Redis.PublicNetworkAccess"],
      checkov: ["CKV_AZURE_89"],
      azurePolicy: ["470baccb-7e51-4549-8b1a-3e5be069f663"],
    },
    remediation: 'Set `publicNetworkAccess: "Disabled"` on the Redis cache.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-RED-004",
    title: "Redis disables access-key authentication",
    description: "Access keys are shared secrets; Entra ID tokens are per identity.",
    severity: "high",
    types: redis,
    path: "disableAccessKeyAuthentication",
    expect: is(true),
    bad: false,
    // PSRule Azure.Redis.LocalAuth: absent is Azure's default, keys on.
    fail: [{ disableAccessKeyAuthentication: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.Redis.LocalAuth"], azurePolicy: ["3827af20-8f80-4b15-8300-6db0873ec901"] },
    remediation:
      'Set `disableAccessKeyAuthentication: true` and `redisConfiguration.aadEnabled: "true"` on the Redis cache.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-RED-005",
    title: "Redis has Microsoft Entra authentication enabled",
    description: "Without it, clients can only use access keys.",
    severity: "medium",
    types: redis,
    path: "redisConfiguration.aadEnabled",
    expect: oneOf("true", "True", true),
    bad: "false",
    // PSRule Azure.Redis.EntraID: absent is off; the setting is a string in ARM ("aad-enabled"), a boolean passes too.
    fail: [{ "redisConfiguration.aadEnabled": REMOVE }, { redisConfiguration: REMOVE }],
    pass: [{ "redisConfiguration.aadEnabled": "True" }, { "redisConfiguration.aadEnabled": true }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.Redis.EntraID"] },
    remediation: 'Set `redisConfiguration: { aadEnabled: "true" }` on the Redis cache.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-RED-006",
    title: "Production Redis is at least Standard C1",
    description:
      "Basic caches are a single node without SLA or replication; Standard C0 runs on shared resources (noisy neighbours).",
    severity: "medium",
    types: redis,
    check: (inputs) => {
      const sku = asRecord(inputs.sku);
      if (!oneOf("Standard", "Premium").test(sku.name))
        return `sku.name is ${show(sku.name)}; expected "Standard" or "Premium"`;
      return sku.name === "Standard" && !atLeast(1).test(sku.capacity)
        ? `sku.capacity is ${show(sku.capacity)} on Standard (C0); expected 1 or more`
        : undefined;
    },
    // PSRule Azure.Redis.MinSKU: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Redis.MinSKU
    fail: [
      { "sku.name": "Basic", "sku.family": "C", "sku.capacity": 1 },
      { "sku.name": "Standard", "sku.family": "C", "sku.capacity": 0 },
    ],
    pass: [{ "sku.name": "Standard", "sku.family": "C", "sku.capacity": 1 }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Redis.MinSKU"], checkov: ["CKV_AZURE_230"] },
    remediation:
      'Set `sku: { name: "Standard", family: "C", capacity: 1 }` (or more, or Premium `P`) on the Redis cache.',
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-RED-007",
    title: "Redis runs a supported Redis version",
    description: "Redis 4 is retired on Azure Cache for Redis.",
    severity: "medium",
    types: redis,
    check: (inputs) => {
      const version = inputs.redisVersion;
      if (version === undefined || version === "latest") return undefined;
      return Number.parseFloat(String(version)) >= 6
        ? undefined
        : `redisVersion is ${JSON.stringify(version)}; expected "6" or "latest"`;
    },
    // PSRule Azure.Redis.Version: 6 or latest; absent is Azure's default, the latest version.
    fail: [{ redisVersion: "4" }, { redisVersion: "4.0" }],
    pass: [{ redisVersion: REMOVE }, { redisVersion: "latest" }, { redisVersion: "6.0" }],
    controls: { mcsb: ["PV-7"], waf: "Security" },
    mappings: { psrule: ["Azure.Redis.Version"] },
    remediation: 'Set `redisVersion: "6"` (or `latest`) on the Redis cache.',
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-RED-008",
    title: "Production Premium Redis spans availability zones",
    description:
      "Zone redundancy keeps the cache through a zone outage: at least two zones, and a replica in each zone besides the primary's.",
    severity: "low",
    types: redis,
    check: (inputs) => {
      if (get(inputs, "sku.name") !== "Premium") return notApplicable("applies to Premium caches only");
      if (isText("Automatic").test(inputs.zonalAllocationPolicy)) return undefined;
      const zones = new Set(asArray(inputs.zones).map(String));
      if (zones.size < 2) return `zones is ${show(inputs.zones)}; expected at least two zones`;
      // Premium caches have one replica unless told otherwise.
      const replicas = Number(inputs.replicasPerPrimary ?? inputs.replicasPerMaster ?? 1);
      return replicas >= zones.size - 1
        ? undefined
        : `replicasPerPrimary is ${show(inputs.replicasPerPrimary ?? inputs.replicasPerMaster)} (${replicas}) over ${zones.size} zones; expected at least ${zones.size - 1}`;
    },
    // PSRule Azure.Redis.AvailabilityZone: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Redis.AvailabilityZone
    fail: [
      { zones: [] },
      { zones: ["1"] },
      { zones: ["1", "1"] },
      { zones: ["1", "2", "3"], replicasPerPrimary: 1 },
      { zones: ["1", "2", "3"], replicasPerPrimary: REMOVE, replicasPerMaster: REMOVE },
    ],
    pass: [
      { zones: ["1", "2"], replicasPerPrimary: REMOVE },
      { zones: REMOVE, zonalAllocationPolicy: "Automatic" },
      { replicasPerPrimary: REMOVE, replicasPerMaster: 2 },
    ],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.Redis.AvailabilityZone"] },
    // Geo-replication links caches of one replica per primary only:
    // https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication#geo-replication-prerequisites
    remediation:
      'Set `zones: ["1", "2", "3"]` and `replicasPerPrimary: 2` (zones - 1) on the Premium Redis cache; on a geo-replicated cache, which Azure links only with one replica per primary, `zones: ["1", "2"]` and `replicasPerPrimary: 1`.',
    enforcement: ENFORCE.prodAdvisory,
  }),
];
