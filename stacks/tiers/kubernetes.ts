import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry } from "../../infra/containers/index.js";
import { AksCluster, KubernetesWorkload } from "../../infra/kubernetes/index.js";
import { databaseUserSteps, type ServiceDatabaseUser } from "./bindings.js";
import type { DataServicesTier } from "./data.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";

/** The AKS cluster of a stack that enables it, and the workload deployed into it in the same run. */
export interface KubernetesHosts {
  cluster: AksCluster;
  workload?: KubernetesWorkload;
  /** The database users the workload's MySQL and PostgreSQL bindings need. */
  databaseUsers: ServiceDatabaseUser[];
}

/** Part of the hosts tier: nothing unless `estate:kubernetes.enabled`. */
export function kubernetesHosts(
  foundation: Foundation,
  { network }: NetworkTier,
  { data }: DataServicesTier,
  estateRegistry: ContainerRegistry | undefined,
): KubernetesHosts | undefined {
  const { config, base, diagnostics, clientConfig } = foundation;
  const settings = config.kubernetes;
  const nodeSubnetId = network.subnetIds.aks;
  if (!settings.enabled) return undefined;
  // A registry the stack names, else the estate's own.
  const registry = settings.registry ?? estateRegistry;
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
    registryId: registry?.id,
    // The identity running the program applies the workload through Azure RBAC.
    deployerPrincipalId: clientConfig.objectId,
  });
  if (!settings.workload || !registry) return { cluster, databaseUsers: [] };

  const { image, env, mysql, postgresql, ...app } = settings.workload;
  // The workload identity's name is the database user; the identity exists before the pods that sign in as it.
  const identityName = base.namer.name("managedIdentity", app.name);
  const workload = new KubernetesWorkload("workload", {
    ...base,
    ...app,
    env: {
      ...env,
      ...(data.redis ? { REDIS_HOST: data.redis.hostName } : {}),
      ...(mysql
        ? { MYSQL_HOST: data.mysql!.fullyQualifiedDomainName, MYSQL_DATABASE: mysql.database, MYSQL_USER: identityName }
        : {}),
      ...(postgresql
        ? { PGHOST: data.postgresql!.fullyQualifiedDomainName, PGDATABASE: postgresql.database, PGUSER: identityName }
        : {}),
    },
    image: pulumi.interpolate`${registry.loginServer}/${image}`,
    provider: cluster.provider,
    oidcIssuerUrl: cluster.oidcIssuerUrl,
  });
  // The app reaches the cache with its workload identity (Entra ID), never an access key.
  if (data.redis) data.grantCacheAccess("workload", workload.principalId);
  const databaseUsers = databaseUserSteps(
    { name: app.name, mysql, postgresql },
    { name: identityName, clientId: workload.clientId },
    data,
  );
  return { cluster, workload, databaseUsers };
}
