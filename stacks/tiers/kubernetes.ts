import { AksCluster, KubernetesWorkload } from "../../infra/kubernetes/index.js";
import type { DataServicesTier } from "./data.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";

/** The AKS cluster of a stack that enables it, and the workload deployed into it in the same run. */
export interface KubernetesHosts {
  cluster: AksCluster;
  workload?: KubernetesWorkload;
}

/** Part of the hosts tier: nothing unless `estate:kubernetes.enabled`. */
export function kubernetesHosts(
  foundation: Foundation,
  { network }: NetworkTier,
  { data }: DataServicesTier,
): KubernetesHosts | undefined {
  const { config, base, diagnostics, clientConfig } = foundation;
  const settings = config.kubernetes;
  const nodeSubnetId = network.subnetIds.aks;
  if (!settings.enabled) return undefined;
  if (!nodeSubnetId)
    throw new Error(
      "kubernetes: the network has no aks subnet; stacks/tiers/network.ts plans it when kubernetes.enabled",
    );

  const cluster = new AksCluster("aks", {
    ...base,
    diagnostics,
    kubernetesVersion: settings.kubernetesVersion,
    tier: settings.tier,
    upgradeChannel: settings.upgradeChannel,
    systemPool: settings.systemPool,
    userPool: settings.userPool,
    zones: config.zoneRedundant ? ["1", "2", "3"] : [],
    nodeSubnetId,
    adminGroupObjectIds: settings.adminGroupObjectIds,
    defender: settings.defender,
    registryId: settings.registry?.id,
    // The identity running the program applies the workload through Azure RBAC.
    deployerPrincipalId: clientConfig.objectId,
  });
  if (!settings.workload || !settings.registry) return { cluster };

  const { image, env, ...app } = settings.workload;
  const workload = new KubernetesWorkload("workload", {
    ...base,
    ...app,
    env: { ...env, ...(data.redis ? { REDIS_HOST: data.redis.hostName } : {}) },
    image: `${settings.registry.loginServer}/${image}`,
    provider: cluster.provider,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
  });
  // The app reaches the cache with its workload identity (Entra ID), never an access key.
  if (data.redis) data.redis.grantCacheAccess("workload", workload.principalId);
  return { cluster, workload };
}
