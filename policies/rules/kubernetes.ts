import { ENFORCE, REMOVE, type Rule } from "../model.js";
import { T } from "../types.js";
import { asArray, asRecord, customRule, get, inputRule, is, oneOf, show } from "./factory.js";

/**
 * Azure Kubernetes Service. Sources: AKS docs (private clusters, Entra ID + Azure RBAC, local
 * accounts, workload identity, availability zones, cluster autoscaler, supported versions, network
 * policies, auto-upgrade, pricing tiers) linked in infra/kubernetes/cluster.ts; PSRule for Azure's
 * Azure.AKS.* rules and Checkov's ARM checks for Microsoft.ContainerService/managedClusters.
 */

const clusters = [T.aksCluster];
const pools = [T.aksCluster, T.aksNodePool];

/**
 * The oldest minor version accepted. AKS supports the three newest GA minors (N-2,
 * https://learn.microsoft.com/azure/aks/supported-kubernetes-versions); PSRule's Azure.GA_2026_03
 * baseline sets AZURE_AKS_CLUSTER_MINIMUM_VERSION to 1.33.7. Patches come with the upgrade channel.
 */
export const MINIMUM_KUBERNETES_MINOR = [1, 33] as const;

/** The pools a resource declares: a cluster's inline profiles, or the node pool itself. */
function poolsOf(
  type: string,
  inputs: Record<string, unknown>,
): Array<{ label: string; pool: Record<string, unknown> }> {
  if (type === T.aksNodePool) return [{ label: `node pool ${String(inputs.agentPoolName ?? "")}`, pool: inputs }];
  return asArray(inputs.agentPoolProfiles)
    .map(asRecord)
    .map((pool, index) => ({ label: `agentPoolProfiles[${index}] (${String(pool.name ?? "")})`, pool }));
}

function tooOld(version: unknown): boolean {
  const match = /^(\d+)\.(\d+)/.exec(String(version ?? ""));
  if (!match) return false;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return (
    major < MINIMUM_KUBERNETES_MINOR[0] ||
    (major === MINIMUM_KUBERNETES_MINOR[0] && minor < MINIMUM_KUBERNETES_MINOR[1])
  );
}

const minimum = MINIMUM_KUBERNETES_MINOR.join(".");

export const kubernetesRules: Rule[] = [
  inputRule({
    id: "EST-AKS-001",
    title: "The AKS API server is private",
    description: "The control plane answers only on a private endpoint in the VNet, never on a public address.",
    severity: "critical",
    types: clusters,
    path: "apiServerAccessProfile.enablePrivateCluster",
    expect: is(true),
    bad: false,
    // Checkov CKV_AZURE_115: absent is a public API server.
    fail: [{ "apiServerAccessProfile.enablePrivateCluster": REMOVE }, { apiServerAccessProfile: REMOVE }],
    controls: { mcsb: ["NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_115"] },
    remediation:
      "Leave `publicApiServer` unset on the AKS component (`apiServerAccessProfile.enablePrivateCluster: true`), and deploy from a runner in the VNet.",
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-AKS-002",
    title: "AKS local accounts are disabled",
    description: "Only Entra ID identities sign in; the static admin kubeconfig does not exist.",
    severity: "high",
    types: clusters,
    path: "disableLocalAccounts",
    expect: is(true),
    bad: false,
    // PSRule Azure.AKS.LocalAccounts and Checkov CKV_AZURE_141: absent leaves local accounts on.
    fail: [{ disableLocalAccounts: REMOVE }],
    controls: { mcsb: ["IM-1"], waf: "Security" },
    mappings: { psrule: ["Azure.AKS.LocalAccounts"], checkov: ["CKV_AZURE_141"] },
    remediation:
      "Set `disableLocalAccounts: true` on the ManagedCluster (drop `localAccounts` from the AKS component's args).",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-AKS-003",
    title: "AKS authorizes with Entra ID and Azure RBAC",
    description: "Managed Entra ID integration with Azure RBAC for Kubernetes authorization, and Kubernetes RBAC on.",
    severity: "high",
    types: clusters,
    check: (inputs) =>
      (
        [
          ["aadProfile.managed", true],
          ["aadProfile.enableAzureRBAC", true],
          ["enableRBAC", true],
        ] as const
      )
        .filter(([path, expected]) => get(inputs, path) !== expected)
        .map(([path, expected]) => `${path} is ${show(get(inputs, path))}; expected ${expected}`),
    fail: [
      { "aadProfile.enableAzureRBAC": false },
      { aadProfile: REMOVE },
      { enableRBAC: false },
      // PSRule Azure.AKS.ManagedAAD, Azure.AKS.AzureRBAC and Azure.AKS.UseRBAC each want the field set to true: absent fails.
      { "aadProfile.managed": REMOVE },
      { "aadProfile.enableAzureRBAC": REMOVE },
      { enableRBAC: REMOVE },
      { "aadProfile.managed": "true" },
    ],
    controls: { mcsb: ["IM-1", "PA-7"], waf: "Security" },
    mappings: {
      psrule: ["Azure.AKS.AzureRBAC", "Azure.AKS.ManagedAAD", "Azure.AKS.UseRBAC"],
      checkov: ["CKV_AZURE_5"],
    },
    remediation:
      "Set `aadProfile: { managed: true, enableAzureRBAC: true }` and `enableRBAC: true` on the ManagedCluster.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-AKS-004",
    title: "AKS workloads use workload identity",
    description: "Pods get Entra ID tokens through federated service accounts: no secrets in the cluster.",
    severity: "high",
    types: clusters,
    check: (inputs) =>
      (["securityProfile.workloadIdentity.enabled", "oidcIssuerProfile.enabled"] as const)
        .filter((path) => get(inputs, path) !== true)
        .map((path) => `${path} is ${show(get(inputs, path))}; expected true`),
    fail: [{ "securityProfile.workloadIdentity.enabled": false }, { oidcIssuerProfile: REMOVE }],
    controls: { mcsb: ["IM-3"], waf: "Security" },
    mappings: {},
    remediation:
      "Set `securityProfile.workloadIdentity.enabled: true` and `oidcIssuerProfile.enabled: true` on the ManagedCluster.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-AKS-005",
    title: "AKS node pools span availability zones",
    description: "Every pool spreads its nodes over at least two zones, so a zone loss leaves nodes running.",
    severity: "high",
    types: pools,
    check: (inputs, _context, resource) =>
      poolsOf(resource.type, inputs)
        .filter(({ pool }) => new Set(asArray(pool.availabilityZones)).size < 2)
        .map(
          ({ label, pool }) =>
            `${label} has availabilityZones ${show(pool.availabilityZones)}; expected at least two zones`,
        ),
    fail: [{ "agentPoolProfiles[0].availabilityZones": ["1"] }, { "agentPoolProfiles[0].availabilityZones": REMOVE }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AKS.AvailabilityZone"] },
    remediation: 'Give the AKS component `zones: ["1", "2", "3"]` (zones are fixed when a pool is created).',
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-AKS-006",
    title: "AKS node pools run the cluster autoscaler",
    description: "Every pool scales between a minimum and a maximum node count with load.",
    severity: "medium",
    types: pools,
    check: (inputs, _context, resource) =>
      poolsOf(resource.type, inputs).flatMap(({ label, pool }) => {
        if (pool.enableAutoScaling !== true)
          return [`${label} has enableAutoScaling ${show(pool.enableAutoScaling)}; expected true`];
        const [min, max] = [Number(pool.minCount), Number(pool.maxCount)];
        return Number.isFinite(min) && Number.isFinite(max) && min <= max
          ? []
          : [
              `${label} has minCount ${show(pool.minCount)} and maxCount ${show(pool.maxCount)}; expected minCount <= maxCount`,
            ];
      }),
    // PSRule Azure.AKS.AutoScaling: absent is no autoscaler; an autoscaler needs both bounds.
    fail: [
      { "agentPoolProfiles[0].enableAutoScaling": false },
      { "agentPoolProfiles[0].minCount": 6, "agentPoolProfiles[0].maxCount": 3 },
      { "agentPoolProfiles[0].enableAutoScaling": REMOVE },
      { "agentPoolProfiles[0].maxCount": REMOVE },
    ],
    controls: { mcsb: [], waf: "Performance Efficiency" },
    mappings: { psrule: ["Azure.AKS.AutoScaling"] },
    remediation:
      "Give each pool `enableAutoScaling: true` with `minCount` and `maxCount` (the AKS component's `systemPool`/`userPool`).",
    enforcement: ENFORCE.prod,
  }),
  customRule({
    id: "EST-AKS-007",
    title: "AKS runs a supported Kubernetes version",
    description: `The control plane and pools run Kubernetes ${minimum} or newer (AKS supports the newest three minors).`,
    severity: "high",
    types: pools,
    check: (inputs, _context, resource) => {
      const found =
        resource.type === T.aksCluster && tooOld(inputs.kubernetesVersion)
          ? [`kubernetesVersion is ${show(inputs.kubernetesVersion)}; expected ${minimum} or newer`]
          : [];
      for (const { label, pool } of poolsOf(resource.type, inputs)) {
        if (tooOld(pool.orchestratorVersion))
          found.push(
            `${label} has orchestratorVersion ${show(pool.orchestratorVersion)}; expected ${minimum} or newer`,
          );
      }
      return found;
    },
    fail: [{ kubernetesVersion: "1.29.4" }, { "agentPoolProfiles[0].orchestratorVersion": "1.30" }],
    pass: [{ kubernetesVersion: REMOVE }, { kubernetesVersion: "2.0" }],
    controls: { mcsb: ["PV-6"], waf: "Security" },
    mappings: { psrule: ["Azure.AKS.Version"] },
    remediation: `Set the AKS component's \`kubernetesVersion\` to ${minimum} or newer, or leave it unset for the region's default.`,
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AKS-008",
    title: "AKS enforces network policies",
    description:
      "A network policy engine (Cilium, Azure or Calico) enforces NetworkPolicy objects, so pods are not all open to each other.",
    severity: "high",
    types: clusters,
    path: "networkProfile.networkPolicy",
    expect: oneOf("cilium", "azure", "calico"),
    bad: "none",
    // PSRule Azure.AKS.NetworkPolicy and Checkov CKV_AZURE_7: absent is no network policy.
    fail: [{ "networkProfile.networkPolicy": REMOVE }],
    pass: [{ "networkProfile.networkPolicy": "azure" }, { "networkProfile.networkPolicy": "calico" }],
    controls: { mcsb: ["NS-1"], waf: "Security" },
    mappings: { psrule: ["Azure.AKS.NetworkPolicy"], checkov: ["CKV_AZURE_7"] },
    remediation:
      'Set `networkProfile.networkPolicy: "cilium"` with `networkDataplane: "cilium"` on the ManagedCluster.',
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AKS-009",
    title: "AKS upgrades itself on a channel",
    description: "An auto-upgrade channel keeps the cluster on supported patches and minors.",
    severity: "medium",
    types: clusters,
    path: "autoUpgradeProfile.upgradeChannel",
    expect: oneOf("patch", "stable", "rapid", "node-image"),
    bad: "none",
    // PSRule Azure.AKS.AutoUpgrade and Checkov CKV_AZURE_171: absent is no automatic upgrade.
    fail: [{ autoUpgradeProfile: REMOVE }],
    pass: [{ "autoUpgradeProfile.upgradeChannel": "patch" }, { "autoUpgradeProfile.upgradeChannel": "rapid" }],
    controls: { mcsb: ["PV-6"], waf: "Security" },
    mappings: { psrule: ["Azure.AKS.AutoUpgrade"], checkov: ["CKV_AZURE_171"] },
    remediation: "Set `autoUpgradeProfile.upgradeChannel` to `stable` (or `patch`) on the ManagedCluster.",
    enforcement: ENFORCE.prod,
  }),
  inputRule({
    id: "EST-AKS-010",
    title: "AKS sends Container insights to the workspace",
    description: "The monitoring add-on collects container logs and metrics into the estate's Log Analytics workspace.",
    severity: "medium",
    types: clusters,
    path: "addonProfiles.omsagent.enabled",
    expect: is(true),
    bad: false,
    // PSRule Azure.AKS.ContainerInsights and Checkov CKV_AZURE_4: no omsagent add-on is no Container insights.
    fail: [{ "addonProfiles.omsagent": REMOVE }, { addonProfiles: REMOVE }],
    controls: { mcsb: ["LT-3"], waf: "Operational Excellence" },
    mappings: { psrule: ["Azure.AKS.ContainerInsights"], checkov: ["CKV_AZURE_4"] },
    remediation: "Pass `diagnostics` to the AKS component (it enables `addonProfiles.omsagent` with the workspace).",
    enforcement: ENFORCE.always,
  }),
  inputRule({
    id: "EST-AKS-011",
    title: "Production AKS runs on a tier with an uptime SLA",
    description: "The Standard tier backs the API server with a 99.95 % SLA across zones; Free has none.",
    severity: "medium",
    types: clusters,
    path: "sku.tier",
    expect: oneOf("Standard", "Premium"),
    bad: "Free",
    // PSRule Azure.AKS.UptimeSLA and Checkov CKV_AZURE_170: absent is Azure's default, Free.
    fail: [{ "sku.tier": REMOVE }],
    pass: [{ "sku.tier": "Premium" }],
    controls: { mcsb: [], waf: "Reliability" },
    mappings: { psrule: ["Azure.AKS.UptimeSLA"], checkov: ["CKV_AZURE_170"] },
    remediation: 'Set the AKS component\'s `tier: "Standard"` (prod profile default).',
    enforcement: ENFORCE.prodOnly,
  }),
  customRule({
    id: "EST-AKS-012",
    title: "AKS nodes have no public IP addresses",
    description:
      "Nodes stay in the VNet: a node public IP (https://learn.microsoft.com/azure/aks/use-node-public-ips) exposes every node to the internet.",
    severity: "high",
    types: pools,
    check: (inputs, _context, resource) =>
      poolsOf(resource.type, inputs)
        .filter(({ pool }) => pool.enableNodePublicIP === true)
        .map(({ label }) => `${label}: enableNodePublicIP is true; expected false or unset`),
    // Checkov CKV_AZURE_143: absent is Azure's default, no public IP.
    fail: [{ "agentPoolProfiles[0].enableNodePublicIP": true }],
    pass: [{ "agentPoolProfiles[0].enableNodePublicIP": false }, { "agentPoolProfiles[0].enableNodePublicIP": REMOVE }],
    controls: { mcsb: ["NS-1", "NS-2"], waf: "Security" },
    mappings: { checkov: ["CKV_AZURE_143"] },
    remediation:
      "Leave `enableNodePublicIP` unset (or false) on every entry of the ManagedCluster's `agentPoolProfiles` and on each AgentPool; reach nodes through the VNet.",
    enforcement: ENFORCE.always,
  }),
  customRule({
    id: "EST-AKS-013",
    title: "AKS rotates the Key Vault secrets it mounts",
    description:
      "With the Secrets Store CSI driver on, rotation keeps mounted secrets current after Key Vault changes them (https://learn.microsoft.com/azure/aks/csi-secrets-store-configuration-options).",
    severity: "medium",
    types: clusters,
    check: (inputs) => {
      const provider = "addonProfiles.azureKeyvaultSecretsProvider";
      if (get(inputs, `${provider}.enabled`) !== true) return [];
      const rotation = get(inputs, `${provider}.config.enableSecretRotation`);
      return rotation === "true"
        ? []
        : [`${provider}.config.enableSecretRotation is ${show(rotation)}; expected "true"`];
    },
    // PSRule Azure.AKS.SecretStoreRotation and Checkov CKV_AZURE_172: the driver without rotation fails; no driver passes.
    fail: [
      { "addonProfiles.azureKeyvaultSecretsProvider": { enabled: true } },
      { "addonProfiles.azureKeyvaultSecretsProvider": { enabled: true, config: { enableSecretRotation: "false" } } },
    ],
    pass: [
      { "addonProfiles.azureKeyvaultSecretsProvider": REMOVE },
      { "addonProfiles.azureKeyvaultSecretsProvider": { enabled: true, config: { enableSecretRotation: "true" } } },
    ],
    controls: { mcsb: ["IM-8"], waf: "Security" },
    mappings: { psrule: ["Azure.AKS.SecretStoreRotation"], checkov: ["CKV_AZURE_172"] },
    remediation:
      'Set `addonProfiles.azureKeyvaultSecretsProvider.config.enableSecretRotation: "true"` on the ManagedCluster (the AKS component does with `keyVaultSecrets`).',
    enforcement: ENFORCE.always,
  }),
];
