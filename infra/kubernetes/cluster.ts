import * as pulumi from "@pulumi/pulumi";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
// The provider alone: the package root loads every Kubernetes API group.
import { Provider } from "@pulumi/kubernetes/provider";
import type * as inputs from "@pulumi/azure-native/types/input";
import { parse, stringify } from "yaml";
import type { BaseArgs } from "../core/args.js";
import { assignRoles } from "../core/roles.js";
import { applySharedArgs } from "../core/shared.js";
import { NamingError } from "../naming/index.js";
import { AKS_POD_CIDR } from "../network/nsg-rules.js";

/**
 * The AKS facts this component relies on (Azure documentation):
 * - private cluster: https://learn.microsoft.com/azure/aks/private-clusters
 * - Entra ID integration and Azure RBAC for Kubernetes authorization:
 *   https://learn.microsoft.com/azure/aks/enable-authentication-microsoft-entra-id,
 *   https://learn.microsoft.com/azure/aks/manage-azure-rbac
 * - local accounts off (needs Entra ID integration): https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad
 * - workload identity and the OIDC issuer: https://learn.microsoft.com/azure/aks/workload-identity-deploy-cluster
 * - cluster autoscaler: https://learn.microsoft.com/azure/aks/cluster-autoscaler
 * - availability zones (zones are set when a pool is created): https://learn.microsoft.com/azure/aks/availability-zones
 * - system and user node pools, CriticalAddonsOnly taint: https://learn.microsoft.com/azure/aks/use-system-pools
 * - Azure CNI Overlay powered by Cilium (pods get overlay IPs, nodes get subnet IPs; Cilium enforces
 *   network policies): https://learn.microsoft.com/azure/aks/azure-cni-overlay,
 *   https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium
 * - Container insights with managed-identity auth: https://learn.microsoft.com/azure/azure-monitor/containers/kubernetes-monitoring-enable
 * - AcrPull for the kubelet identity: https://learn.microsoft.com/azure/aks/cluster-container-registry-integration
 * - a user-assigned control plane identity with Network Contributor on a custom subnet, granted before
 *   the cluster exists: https://learn.microsoft.com/azure/aks/use-managed-identity,
 *   https://learn.microsoft.com/azure/aks/configure-azure-cni#prerequisites
 * - auto-upgrade channels: https://learn.microsoft.com/azure/aks/auto-upgrade-cluster,
 *   https://learn.microsoft.com/azure/aks/auto-upgrade-node-os-image
 * - pricing tiers (Standard: financially backed uptime SLA): https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers
 * - Defender for Containers sensor: https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable
 */

/** Zones a pool may spread over; AKS accepts 1, 2 and 3 where the region has zones. */
const ZONES = ["1", "2", "3"] as const;
export type Zone = (typeof ZONES)[number];

/** How the deployer's kubelogin signs in when the estate applies the workload (kubelogin's --login modes). */
export type KubeloginMode = "azurecli" | "workloadidentity" | "msi" | "spn";

export interface NodePoolArgs {
  /** The pool's name inside the cluster, after the `np` prefix: `system` gives `npsystem`. */
  name: string;
  /** VM size of the nodes, e.g. `Standard_D4ds_v5`. */
  vmSize: string;
  /** The autoscaler's least node count. A user pool may scale to 0; the system pool keeps at least one node. */
  minCount: number;
  /** The autoscaler's greatest node count. */
  maxCount: number;
}

export interface AksClusterArgs extends BaseArgs {
  /** `major.minor` or `major.minor.patch`; unset: the region's default version. */
  kubernetesVersion?: string;
  /** Free has no SLA; Standard adds the uptime SLA (99.95 % with zones) for a per-cluster hourly fee. */
  tier: "Free" | "Standard" | "Premium";
  /** Cluster auto-upgrade channel; `none` is not offered: clusters fall out of support otherwise. */
  upgradeChannel: "patch" | "stable" | "rapid" | "node-image";
  /** The system node pool (cluster add-ons; tainted so workloads avoid it). */
  systemPool: NodePoolArgs;
  /** The user node pool the workloads run on. */
  userPool: NodePoolArgs;
  /** Zones every pool spreads over; empty for regions without zones (dev). */
  zones: Zone[];
  /** Subnet of the estate's VNet the nodes get their IPs from (Azure CNI Overlay: pods do not use it). */
  nodeSubnetId: pulumi.Input<string>;
  /**
   * Overlay pod range and service range: must not overlap the VNet or anything it is peered with.
   * The node subnet's NSG admits the default pod range (infra/network/nsg-rules.ts).
   */
  podCidr?: string;
  /** Kubernetes service range; absent: AKS' default. Must not overlap the VNet either. */
  serviceCidr?: string;
  /** Entra ID groups that get cluster-admin through Azure RBAC. */
  adminGroupObjectIds?: pulumi.Input<string>[];
  /**
   * Absent: a private cluster, the API server only on a private endpoint in the VNet. Given: a
   * public API server limited to the `authorizedIpRanges` CIDRs (EST-AKS-001 refuses it in prod).
   */
  publicApiServer?: { authorizedIpRanges: string[] };
  /**
   * Keeps the cluster's local admin kubeconfig for break-glass access. EST-AKS-002 refuses it in
   * every profile, so it takes a waiver with an owner and an expiry.
   */
  localAccounts?: boolean;
  /** The registry the nodes pull images from: the kubelet identity gets AcrPull on it. */
  registryId?: pulumi.Input<string>;
  /** Microsoft Defender for Containers' sensor, reporting to the diagnostics workspace. */
  defender?: boolean;
  /**
   * The Secrets Store CSI driver with Azure Key Vault's provider (the azureKeyvaultSecretsProvider
   * add-on), for workloads that read Key Vault secrets with their workload identity; it rotates
   * mounted secrets every 2 minutes.
   */
  keyVaultSecrets?: boolean;
  /** How the deployer signs in to the API server to apply the workload (default: Azure CLI). */
  kubeloginMode?: KubeloginMode;
  /**
   * Entra object id of the identity that applies the workload: it gets Azure Kubernetes Service
   * RBAC Cluster Admin on the cluster, and the Kubernetes provider waits for that grant. Absent:
   * no grant, and the provider signs in with whatever roles the deployer already holds.
   */
  deployerPrincipalId?: pulumi.Input<string>;
}

/** The `np`-prefixed pool name, checked against Azure's rules for Linux pools. */
function poolName(args: AksClusterArgs, pool: NodePoolArgs): string {
  return args.namer.name("nodePool", pool.name);
}

/** A bad argument: where it is (a key path in the args) and what is wrong with it. */
export interface ArgProblem {
  path: string[];
  message: string;
}

/** The args the checks read: the stack config checks the same through stacks/config/kubernetes.ts. */
export type CheckedAksArgs = Pick<
  AksClusterArgs,
  "namer" | "systemPool" | "userPool" | "zones" | "kubernetesVersion" | "publicApiServer" | "defender" | "diagnostics"
>;

/** Every problem with the args, so one run names them all. */
export function aksProblems(args: CheckedAksArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const problem = (path: string[], message: string) => problems.push({ path, message });
  for (const [role, pool, floor] of [
    ["systemPool", args.systemPool, 1],
    ["userPool", args.userPool, 0],
  ] as const) {
    try {
      args.namer.name("nodePool", pool.name);
    } catch (error) {
      if (!(error instanceof NamingError)) throw error;
      problem([role, "name"], error.message);
    }
    if (!Number.isInteger(pool.minCount) || pool.minCount < floor)
      problem([role, "minCount"], `got ${pool.minCount}; expected a whole number of at least ${floor}`);
    if (!Number.isInteger(pool.maxCount) || pool.maxCount > 1000)
      problem([role, "maxCount"], `got ${pool.maxCount}; expected a whole number of at most 1000`);
    if (pool.minCount > pool.maxCount)
      problem([role, "minCount"], `got ${pool.minCount}, more than maxCount ${pool.maxCount}`);
  }
  if (args.systemPool.name === args.userPool.name)
    problem(["userPool", "name"], `"${args.userPool.name}" is the system pool's name too; pool names must differ`);
  const badZones = args.zones.filter((zone) => !(ZONES as readonly string[]).includes(zone));
  if (badZones.length)
    problem(["zones"], `${JSON.stringify(badZones)} are not AKS zones; allowed: ${ZONES.join(", ")}`);
  if (new Set(args.zones).size !== args.zones.length)
    problem(["zones"], `${JSON.stringify(args.zones)} lists a zone twice`);
  if (args.kubernetesVersion !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(args.kubernetesVersion)) {
    problem(["kubernetesVersion"], `${JSON.stringify(args.kubernetesVersion)} is not major.minor or major.minor.patch`);
  }
  const ranges = args.publicApiServer?.authorizedIpRanges;
  if (ranges && !ranges.length)
    problem(
      ["publicApiServer", "authorizedIpRanges"],
      "empty: the API server would accept connections from the whole internet",
    );
  if (ranges?.includes("0.0.0.0/0"))
    problem(["publicApiServer", "authorizedIpRanges"], "includes 0.0.0.0/0: that is the whole internet");
  if (args.defender && !args.diagnostics)
    problem(["defender"], "needs diagnostics: the sensor reports to the Log Analytics workspace");
  return problems;
}

/** The problems as one error naming the component and each key. */
export function refuseArgs(component: string, problems: ArgProblem[]): void {
  if (problems.length)
    throw new Error(`${component}:\n${problems.map((p) => `  - ${p.path.join(".")}: ${p.message}`).join("\n")}`);
}

/**
 * Rewrites the kubeconfig AKS returns for an Entra ID cluster so kubelogin signs in without a
 * prompt: AKS writes `--login devicecode`, a deployment needs `azurecli`, `workloadidentity`...
 * (https://azure.github.io/kubelogin/concepts/login-modes.html).
 */
export function nonInteractiveKubeconfig(kubeconfig: string, mode: KubeloginMode): string {
  const doc = parse(kubeconfig) as {
    users?: Array<{ user?: { exec?: { args?: string[]; interactiveMode?: string } } }>;
  };
  for (const { user } of doc.users ?? []) {
    const exec = user?.exec;
    if (!exec?.args) continue;
    const at = exec.args.indexOf("--login");
    if (at >= 0) exec.args.splice(at, 2);
    exec.args.push("--login", mode);
    exec.interactiveMode = "Never";
  }
  return stringify(doc);
}

/**
 * A private AKS cluster in the estate's VNet: Entra ID only (Azure RBAC, local accounts off),
 * workload identity and OIDC issuer, autoscaled system and user pools across zones on Azure CNI
 * Overlay with Cilium network policy, Container insights and diagnostics to the workspace, AcrPull
 * for the kubelet on the estate's registry, and an auto-upgrade channel. `provider` applies
 * Kubernetes objects to it in the same run; the deployer needs a network path to the private API
 * server (a runner in the VNet) and an Azure RBAC role on the cluster.
 */
export class AksCluster extends pulumi.ComponentResource {
  readonly id: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** The issuer the cluster signs service account tokens with: federated credentials trust it. */
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** The identity the nodes pull images with. */
  readonly kubeletObjectId: pulumi.Output<string>;
  /** The control plane's identity. */
  readonly principalId: pulumi.Output<string>;
  /** Applies Kubernetes objects to this cluster with the deployer's Entra ID sign-in. */
  readonly provider: Provider;

  constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:kubernetes:AksCluster", name, {}, opts);
    refuseArgs(`AKS cluster ${name}`, aksProblems(args));

    const clusterName = args.namer.name("aksCluster");
    // The DNS prefix of the API server's FQDN: 1-54 letters, digits and hyphens.
    if (clusterName.length > 54)
      throw new NamingError(
        `AKS cluster ${name}: DNS prefix "${clusterName}" is ${clusterName.length} characters; Azure allows 1-54`,
      );
    const serviceCidr = args.serviceCidr ?? "172.16.0.0/16";
    const pool = (p: NodePoolArgs, mode: "System" | "User") => ({
      vmSize: p.vmSize,
      mode,
      count: p.minCount,
      minCount: p.minCount,
      maxCount: p.maxCount,
      enableAutoScaling: true,
      availabilityZones: args.zones.length ? [...args.zones] : undefined,
      vnetSubnetID: args.nodeSubnetId,
      osType: "Linux",
      type: "VirtualMachineScaleSets",
      // Only critical add-ons on the system pool: the workload lands on the user pool.
      nodeTaints: mode === "System" ? ["CriticalAddonsOnly=true:NoSchedule"] : undefined,
      upgradeSettings: { maxSurge: "33%" },
    });

    // The control plane joins nodes and internal load balancers to the estate's subnet: its
    // identity must hold Network Contributor there before the cluster is created.
    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-id`,
      {
        resourceName: args.namer.name("managedIdentity", "aks"),
        resourceGroupName: args.resourceGroupName,
        location: args.location,
      },
      { parent: this },
    );
    const [subnetAccess] = assignRoles(this, `${name}-subnet`, args.nodeSubnetId, [
      { role: "Network Contributor", principalId: identity.principalId, key: "aks" },
    ]);

    const cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceName: clusterName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        dnsPrefix: clusterName,
        kubernetesVersion: args.kubernetesVersion,
        sku: { name: "Base", tier: args.tier },
        identity: { type: "UserAssigned", userAssignedIdentities: [identity.id] },
        enableRBAC: true,
        aadProfile: { managed: true, enableAzureRBAC: true, adminGroupObjectIDs: args.adminGroupObjectIds },
        disableLocalAccounts: !args.localAccounts,
        apiServerAccessProfile: args.publicApiServer
          ? { enablePrivateCluster: false, authorizedIPRanges: args.publicApiServer.authorizedIpRanges }
          : { enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false },
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          ...(args.defender && args.diagnostics
            ? {
                defender: {
                  logAnalyticsWorkspaceResourceId: args.diagnostics.workspaceId,
                  securityMonitoring: { enabled: true },
                },
              }
            : {}),
        },
        autoUpgradeProfile: { upgradeChannel: args.upgradeChannel, nodeOSUpgradeChannel: "NodeImage" },
        agentPoolProfiles: [{ name: poolName(args, args.systemPool), ...pool(args.systemPool, "System") }],
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          podCidr: args.podCidr ?? AKS_POD_CIDR,
          serviceCidr,
          // The cluster DNS service takes the tenth address of the service range.
          dnsServiceIP: serviceCidr.replace(/\.\d+\/\d+$/, ".10"),
          loadBalancerSku: "standard",
          outboundType: "loadBalancer",
        },
        addonProfiles: {
          azurepolicy: { enabled: true },
          // https://learn.microsoft.com/azure/aks/csi-secrets-store-driver
          ...(args.keyVaultSecrets
            ? {
                azureKeyvaultSecretsProvider: {
                  enabled: true,
                  config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
                },
              }
            : {}),
          ...(args.diagnostics
            ? {
                omsagent: {
                  enabled: true,
                  config: { logAnalyticsWorkspaceResourceID: args.diagnostics.workspaceId, useAADAuth: "true" },
                },
              }
            : {}),
        } satisfies Record<string, inputs.containerservice.ManagedClusterAddonProfileArgs>,
      },
      // The autoscaler owns the node counts once the cluster exists; the user pool is its own resource.
      { parent: this, dependsOn: [subnetAccess!], ignoreChanges: ["agentPoolProfiles[0].count"] },
    );
    applySharedArgs(this, `${name}-aks`, cluster.id, args);
    // Kept: the provider waits for the deployer's grant.
    const access = assignRoles(
      this,
      `${name}-aks`,
      cluster.id,
      args.deployerPrincipalId
        ? [
            {
              role: "Azure Kubernetes Service RBAC Cluster Admin",
              principalId: args.deployerPrincipalId,
              key: "deployer",
            },
          ]
        : [],
    );

    const userPool = new containerservice.AgentPool(
      `${name}-pool-${args.userPool.name}`,
      {
        agentPoolName: poolName(args, args.userPool),
        resourceName: cluster.name,
        resourceGroupName: args.resourceGroupName,
        orchestratorVersion: args.kubernetesVersion,
        ...pool(args.userPool, "User"),
      },
      { parent: this, ignoreChanges: ["count"] },
    );

    this.id = cluster.id;
    this.name = cluster.name;
    this.principalId = identity.principalId;
    this.oidcIssuerUrl = cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL ?? "");
    this.kubeletObjectId = cluster.identityProfile.apply((profile) => profile?.kubeletidentity?.objectId ?? "");
    if (args.registryId) {
      assignRoles(this, `${name}-kubelet`, args.registryId, [
        { role: "AcrPull", principalId: this.kubeletObjectId, key: "acr" },
      ]);
    }

    const credentials = containerservice.listManagedClusterUserCredentialsOutput({
      resourceGroupName: args.resourceGroupName,
      resourceName: cluster.name,
    });
    const kubeconfig = credentials.kubeconfigs.apply((configs) => {
      const value = configs[0]?.value;
      if (!value) throw new Error(`AKS cluster ${name}: Azure returned no user kubeconfig`);
      return nonInteractiveKubeconfig(Buffer.from(value, "base64").toString("utf8"), args.kubeloginMode ?? "azurecli");
    });
    // Workloads avoid the tainted system pool, so nothing is applied before the user pool and the
    // deployer's Azure RBAC role exist.
    this.provider = new Provider(
      `${name}-k8s`,
      { kubeconfig: pulumi.secret(kubeconfig), enableServerSideApply: true },
      { parent: this, dependsOn: [userPool, ...access] },
    );
    this.registerOutputs({
      id: this.id,
      name: this.name,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeletObjectId: this.kubeletObjectId,
    });
  }
}
