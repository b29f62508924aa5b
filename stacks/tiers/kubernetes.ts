import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry } from "../../infra/containers/index.js";
import { HEALTH_PATH } from "../../infra/core/health.js";
import { AksCluster, KubernetesWorkload } from "../../infra/kubernetes/index.js";
import { containersOn } from "../container-hosts.js";
import { isKeyVaultSetting } from "../../services/manifest.js";
import { keyVaultSecretsOf, type SettingSources } from "../services.js";
import { containerSettings } from "./containers.js";
import {
  databaseUserSteps,
  grantSecretReads,
  grantServiceData,
  ownIdentity,
  type ServiceDatabaseUser,
} from "./bindings.js";
import type { DataServicesTier } from "./data.js";
import type { Foundation } from "./foundation.js";
import type { NetworkTier } from "./network.js";
import type { PlatformServicesTier } from "./platform.js";

/** The AKS cluster of a stack that enables it, and the container services deployed into it in the same run. */
export interface KubernetesHosts {
  cluster: AksCluster;
  /** By service name: the `container` services the cluster hosts (stacks/container-hosts.ts). */
  workloads: Record<string, KubernetesWorkload>;
  /** The database users the workloads' SQL, PostgreSQL and MySQL bindings need. */
  databaseUsers: ServiceDatabaseUser[];
}

/** Part of the hosts tier: nothing unless `estate:kubernetes.enabled`. */
export function kubernetesHosts(
  foundation: Foundation,
  { network }: NetworkTier,
  { data }: DataServicesTier,
  platform: PlatformServicesTier,
  settingSources: SettingSources,
  estateRegistry: ContainerRegistry | undefined,
): KubernetesHosts | undefined {
  const { config, base, diagnostics, clientConfig, appInsights } = foundation;
  const settings = config.kubernetes;
  const nodeSubnetId = network.subnetIds.aks;
  if (!settings.enabled) return undefined;
  const services = containersOn("aks", config, foundation.services);
  // A registry the stack names, else the estate's own.
  const registry = settings.registry ?? estateRegistry;
  if (!nodeSubnetId)
    throw new Error(
      "kubernetes: the network has no aks subnet; stacks/tiers/network.ts plans it when kubernetes.enabled",
    );
  if (services.length && !registry)
    throw new Error(
      "kubernetes: no registry for the cluster's services; loadHostedServices refuses a stack with neither estate:kubernetes.registry nor the estate's",
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
    keyVaultSecrets: services.some((service) => service.settings.some(isKeyVaultSetting)),
    registryId: registry?.id,
    // The identity running the program applies the workloads through Azure RBAC.
    deployerPrincipalId: clientConfig.objectId,
  });

  const workloads: Record<string, KubernetesWorkload> = {};
  const databaseUsers: ServiceDatabaseUser[] = [];
  for (const service of services) {
    // Workload identity: every pod acts as the service's own identity, made before the pods (its
    // name is the database user, its client id a setting), and granted exactly what the manifest binds.
    const identity = ownIdentity(foundation, service);
    const env = containerSettings(service, settingSources, appInsights.connectionString, identity);
    const secrets = keyVaultSecretsOf(service);
    const secretGrants = grantSecretReads(service, { key: service.name, principalId: identity.principalId }, data);
    workloads[service.name] = new KubernetesWorkload(`workload-${service.name}`, {
      resourceGroupName: base.resourceGroupName,
      identity,
      name: service.name,
      image: pulumi.interpolate`${registry!.loginServer}/${service.image!}`,
      port: service.port!,
      healthPath: HEALTH_PATH,
      ...settings.apps,
      env: plainEnv(env),
      keyVaultSecrets: Object.keys(secrets).length
        ? { vaultName: data.keyVault.vaultName, tenantId: clientConfig.tenantId, env: secrets }
        : undefined,
      dependsOn: secretGrants,
      provider: cluster.provider,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
    });
    grantServiceData(service, { key: service.name, principalId: identity.principalId }, data, platform, {
      bindings: true,
    });
    databaseUsers.push(...databaseUserSteps(service, identity, data));
  }
  return { cluster, workloads, databaseUsers };
}

/** The settings that are plain values: Key Vault secrets reach the pods through the CSI driver (keyVaultSecrets). */
function plainEnv(env: ReturnType<typeof containerSettings>): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(
    Object.entries(env).flatMap(([name, value]) =>
      typeof value === "object" && value !== null && "keyVaultSecretUri" in value ? [] : [[name, value]],
    ),
  );
}
