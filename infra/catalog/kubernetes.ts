import type { CatalogEntry } from "./types.js";

/**
 * Kubernetes objects and the provider that applies them live in the cluster's API server, not in
 * ARM: no ARM type, no tags (labels are theirs), ids are the mocks' own.
 */
const kubernetesObject: CatalogEntry = { arm: "", apiVersion: "", names: [], taggable: false };

/** The Kubernetes objects the estate applies to a cluster (infra/kubernetes/workload.ts): none is an Azure resource. */
export const KUBERNETES_OBJECT_TYPES = [
  "kubernetes:core/v1:Namespace",
  "kubernetes:core/v1:ServiceAccount",
  "kubernetes:core/v1:Service",
  "kubernetes:apps/v1:Deployment",
  "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  "kubernetes:policy/v1:PodDisruptionBudget",
  "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
] as const;

export const kubernetesTypes: Record<string, CatalogEntry> = {
  // https://learn.microsoft.com/azure/templates/microsoft.containerservice/managedclusters (2025-09-01, azure-native v3's version)
  "azure-native:containerservice:ManagedCluster": {
    arm: "Microsoft.ContainerService/managedClusters",
    apiVersion: "2025-09-01",
    names: ["resourceName"],
    taggable: true,
    outputs: ({ name, id, guid, inputs }) => {
      const subscription = id.split("/")[2];
      const location = String(inputs.location ?? "westeurope");
      const node = `MC_${String(inputs.resourceGroupName ?? "rg")}_${name}_${location}`;
      const privateCluster = inputs.apiServerAccessProfile?.enablePrivateCluster === true;
      const fqdn = `${String(inputs.dnsPrefix ?? name)}-${guid("fqdn").slice(0, 8)}.hcp.${location}.azmk8s.io`;
      return {
        // A private cluster's API server answers on a private FQDN only.
        ...(privateCluster
          ? {
              privateFQDN: `${String(inputs.dnsPrefix ?? name)}-${guid("fqdn").slice(0, 8)}.privatelink.${location}.azmk8s.io`,
            }
          : { fqdn }),
        nodeResourceGroup: inputs.nodeResourceGroup ?? node,
        currentKubernetesVersion: inputs.kubernetesVersion ?? "1.33.7",
        // A system-assigned identity gets its principal here; a user-assigned one is its own resource.
        identity:
          inputs.identity?.type === "SystemAssigned"
            ? { ...inputs.identity, principalId: guid("principal"), tenantId: guid("tenant") }
            : inputs.identity,
        // The kubelet identity AKS creates in the node resource group: it pulls images.
        identityProfile: {
          kubeletidentity: {
            clientId: guid("kubelet-client"),
            objectId: guid("kubelet-object"),
            resourceId: `/subscriptions/${subscription}/resourceGroups/${node}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
          },
        },
        ...(inputs.oidcIssuerProfile?.enabled
          ? {
              oidcIssuerProfile: {
                enabled: true,
                issuerURL: `https://${location}.oic.prod-aks.azure.com/${guid("tenant")}/${guid("issuer")}/`,
              },
            }
          : {}),
        provisioningState: "Succeeded",
      };
    },
  },
  "azure-native:containerservice:AgentPool": {
    arm: "Microsoft.ContainerService/managedClusters/agentPools",
    apiVersion: "2025-09-01",
    names: ["resourceName", "agentPoolName"],
    taggable: false,
    outputs: () => ({ provisioningState: "Succeeded" }),
  },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    arm: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
    apiVersion: "2023-01-31",
    names: ["resourceName", "federatedIdentityCredentialResourceName"],
    taggable: false,
  },
  "pulumi:providers:kubernetes": kubernetesObject,
  ...Object.fromEntries(KUBERNETES_OBJECT_TYPES.map((type) => [type, kubernetesObject])),
};
