import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OFFLINE_SUBSCRIPTION } from "../../cli/plan/mocks.js";
import type { Plan, PlanResource } from "../../cli/plan/schema.js";
import { evaluatePlan } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import {
  AksCluster,
  KubernetesWorkload,
  nonInteractiveKubeconfig,
  type AksClusterArgs,
  type WorkloadArgs,
  type Zone,
} from "./index.js";

const SUBNET = `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-aks`;
const REGISTRY = `/subscriptions/${OFFLINE_SUBSCRIPTION}/resourceGroups/rg-test/providers/Microsoft.ContainerRegistry/registries/acrtest`;
const ARGS: AksClusterArgs = {
  ...BASE,
  tier: "Standard",
  upgradeChannel: "stable",
  kubernetesVersion: "1.33",
  systemPool: { name: "system", vmSize: "Standard_D4ds_v5", minCount: 3, maxCount: 5 },
  userPool: { name: "apps", vmSize: "Standard_D4ds_v5", minCount: 2, maxCount: 10 },
  zones: ["1", "2", "3"],
  nodeSubnetId: SUBNET,
  registryId: REGISTRY,
  adminGroupObjectIds: ["00000000-0000-4000-8000-00000000ad01"],
  defender: true,
  deployerPrincipalId: "00000000-0000-4000-8000-0000000de910",
};
const WORKLOAD: Omit<WorkloadArgs, "provider" | "oidcIssuerUrl" | "identity"> = {
  resourceGroupName: BASE.resourceGroupName,
  name: "api",
  image: "acrtest.azurecr.io/feastfrenzy-api:1.0.0",
  port: 3000,
  healthPath: "/api/v1/health",
  replicas: { min: 2, max: 10, cpuUtilization: 70 },
  resources: { cpu: "250m", memory: "512Mi" },
  env: { REDIS_HOST: "redis.example" },
  exposure: "internal",
};

const planCluster = (args: AksClusterArgs = ARGS, workload: Partial<WorkloadArgs> = {}) =>
  planComponents(() => {
    const cluster = new AksCluster("aks", args);
    // The pods' identity is the caller's (the hosts tier makes one per service).
    const identity = new managedidentity.UserAssignedIdentity("api-id", {
      resourceName: "id-estate-test-weu-api",
      resourceGroupName: BASE.resourceGroupName,
      location: BASE.location,
    });
    const app = new KubernetesWorkload("api", {
      ...WORKLOAD,
      identity: { name: identity.name, clientId: identity.clientId },
      ...workload,
      provider: cluster.provider,
      oidcIssuerUrl: cluster.oidcIssuerUrl,
    });
    return { issuer: cluster.oidcIssuerUrl, kubelet: cluster.kubeletObjectId, namespace: app.namespace };
  });
const errorOf = async (run: () => Promise<unknown>): Promise<string> => {
  try {
    await run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the plan to be refused");
};

let plan: Plan;
beforeAll(async () => {
  plan = await planCluster();
});
const cluster = (p: Plan = plan) => oneOfType(p, "azure-native:containerservice:ManagedCluster");
const kube = (type: string) => oneOfType(plan, `kubernetes:${type}`);

describe("AksCluster", () => {
  it("is private, Entra ID only with Azure RBAC, and runs workload identity with an OIDC issuer", () => {
    expect(cluster().inputs).toMatchObject({
      resourceName: "aks-estate-test-weu",
      apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: "system" },
      aadProfile: {
        managed: true,
        enableAzureRBAC: true,
        adminGroupObjectIDs: ["00000000-0000-4000-8000-00000000ad01"],
      },
      disableLocalAccounts: true,
      enableRBAC: true,
      oidcIssuerProfile: { enabled: true },
      securityProfile: {
        workloadIdentity: { enabled: true },
        defender: { logAnalyticsWorkspaceResourceId: BASE.diagnostics.workspaceId },
      },
      sku: { name: "Base", tier: "Standard" },
      autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" },
    });
  });

  it("autoscales a tainted system pool and a separate user pool across three zones on the estate's subnet", () => {
    const [system] = cluster().inputs.agentPoolProfiles as any[];
    expect(system).toMatchObject({
      name: "npsystem",
      mode: "System",
      enableAutoScaling: true,
      minCount: 3,
      maxCount: 5,
      count: 3,
      availabilityZones: ["1", "2", "3"],
      vnetSubnetID: SUBNET,
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
    });
    const user = oneOfType(plan, "azure-native:containerservice:AgentPool");
    expect(user.inputs).toMatchObject({
      agentPoolName: "npapps",
      mode: "User",
      enableAutoScaling: true,
      minCount: 2,
      maxCount: 10,
      availabilityZones: ["1", "2", "3"],
      vnetSubnetID: SUBNET,
      resourceName: "aks-estate-test-weu",
    });
    expect(user.inputs.nodeTaints).toBeUndefined();
  });

  it("uses Azure CNI Overlay with Cilium network policy and sends Container insights and diagnostics to the workspace", () => {
    expect(cluster().inputs.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      serviceCidr: "172.16.0.0/16",
      dnsServiceIP: "172.16.0.10",
    });
    expect((cluster().inputs.addonProfiles as any).omsagent).toEqual({
      enabled: true,
      config: { logAnalyticsWorkspaceResourceID: BASE.diagnostics.workspaceId, useAADAuth: "true" },
    });
    const diag = ofType(plan, "azure-native:monitor:DiagnosticSetting").find(
      (d) => d.inputs.resourceUri === cluster().outputs.id,
    );
    expect(diag?.inputs.logs).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
  });

  it("runs the control plane as a user-assigned identity that holds Network Contributor on the node subnet before the cluster exists", () => {
    const identity = ofType(plan, "azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-estate-test-weu-aks",
    )!;
    expect(cluster().inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identity.outputs.id] });
    const access = ofType(plan, "azure-native:authorization:RoleAssignment").find((r) =>
      String(r.inputs.roleDefinitionId).endsWith("4d97b98b-1d4f-4787-a291-c67834d212e7"),
    )!;
    expect(access.inputs).toMatchObject({ scope: SUBNET, principalId: identity.outputs.principalId });
    expect(cluster().dependsOn).toContain(access.urn);
  });

  it("gives the kubelet identity AcrPull on the registry it was given", () => {
    const pull = ofType(plan, "azure-native:authorization:RoleAssignment").find((r) =>
      String(r.inputs.roleDefinitionId).endsWith("7f951dda-4ed3-4680-a7ca-43fe172d538d"),
    );
    expect(pull?.inputs).toMatchObject({
      scope: REGISTRY,
      principalId: (cluster().outputs.identityProfile as any).kubeletidentity.objectId,
    });
  });

  it("applies Kubernetes objects through a provider built from the cluster's Entra ID kubeconfig, once the user pool and the deployer's role exist", () => {
    const provider = oneOfType(plan, "pulumi:providers:kubernetes");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    expect(provider.dependsOn).toContain(oneOfType(plan, "azure-native:containerservice:AgentPool").urn);
    const admin = ofType(plan, "azure-native:authorization:RoleAssignment").find((r) =>
      String(r.inputs.roleDefinitionId).endsWith("b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"),
    )!;
    expect(admin.inputs.scope).toBe(cluster().outputs.id);
    expect(provider.dependsOn).toContain(admin.urn);
    for (const type of [
      "core/v1:Namespace",
      "core/v1:ServiceAccount",
      "apps/v1:Deployment",
      "core/v1:Service",
      "autoscaling/v2:HorizontalPodAutoscaler",
    ]) {
      expect(kube(type).inputs.metadata).toMatchObject({ name: "api" });
    }
  });

  it("refuses a user pool whose minimum is above its maximum, with every other problem, before declaring anything", async () => {
    const message = await errorOf(() =>
      planCluster({
        ...ARGS,
        userPool: { ...ARGS.userPool, minCount: 12, maxCount: 3 },
        systemPool: { ...ARGS.systemPool, name: "System-Pool-Too-Long" },
        zones: ["1", "4" as Zone],
      }),
    );
    expect(message).toContain("userPool.minCount: got 12, more than maxCount 3");
    expect(message).toContain("systemPool.name: nodePool name");
    expect(message).toContain('zones: ["4"] are not AKS zones');
  });

  it("refuses a public API server open to the whole internet", async () => {
    expect(await errorOf(() => planCluster({ ...ARGS, publicApiServer: { authorizedIpRanges: [] } }))).toContain(
      "publicApiServer.authorizedIpRanges: empty",
    );
  });
});

describe("AksCluster under the policy pack", () => {
  const violations = (p: Plan, profile: "dev" | "prod") =>
    evaluatePlan({ ...p, profile }, { rules: RULES.filter((rule) => rule.id.startsWith("EST-AKS-")) })
      .results.filter((r) => r.status === "fail" && r.enforcement === "mandatory")
      .map((r) => r.ruleId)
      .filter((id, index, ids) => ids.indexOf(id) === index);

  it("passes every AKS rule as the component builds it, in prod", () => {
    expect(violations(plan, "prod")).toEqual([]);
  });

  it("refuses a public API server in prod (mandatory) and only warns in dev", async () => {
    const open = await planCluster({ ...ARGS, publicApiServer: { authorizedIpRanges: ["203.0.113.0/24"] } });
    expect(violations(open, "prod")).toEqual(["EST-AKS-001"]);
    expect(violations(open, "dev")).toEqual([]);
  });

  it("refuses local accounts in every profile", async () => {
    const local = await planCluster({ ...ARGS, localAccounts: true });
    expect(cluster(local).inputs.disableLocalAccounts).toBe(false);
    expect(violations(local, "dev")).toEqual(["EST-AKS-002"]);
    expect(violations(local, "prod")).toEqual(["EST-AKS-002"]);
  });

  it("refuses a single-zone cluster in prod", async () => {
    const regional = await planCluster({ ...ARGS, zones: [] });
    expect(violations(regional, "prod")).toEqual(["EST-AKS-005"]);
  });
});

describe("KubernetesWorkload", () => {
  const resource = (type: string): PlanResource => kube(type);

  it("federates a user-assigned identity with the app's service account for the cluster's issuer", () => {
    const identity = ofType(plan, "azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-estate-test-weu-api",
    )!;
    const credential = oneOfType(plan, "azure-native:managedidentity:FederatedIdentityCredential");
    expect(credential.inputs).toMatchObject({
      issuer: (cluster().outputs.oidcIssuerProfile as any).issuerURL,
      subject: "system:serviceaccount:api:api",
      audiences: ["api://AzureADTokenExchange"],
      resourceName: identity.physicalName,
    });
    expect((resource("core/v1:ServiceAccount").inputs.metadata as any).annotations).toEqual({
      "azure.workload.identity/client-id": identity.outputs.clientId,
    });
  });

  it("runs the image as a hardened, zone-spread Deployment the HPA scales from 2 replicas", () => {
    const spec = (resource("apps/v1:Deployment").inputs.spec as any).template;
    expect(spec.metadata.labels["azure.workload.identity/use"]).toBe("true");
    expect(spec.spec.serviceAccountName).toBe("api");
    expect(spec.spec.containers[0]).toMatchObject({
      image: WORKLOAD.image,
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
      readinessProbe: { httpGet: { path: "/api/v1/health", port: 3000 } },
    });
    expect(spec.spec.topologySpreadConstraints.map((c: any) => c.topologyKey)).toEqual([
      "topology.kubernetes.io/zone",
      "kubernetes.io/hostname",
    ]);
    expect(resource("autoscaling/v2:HorizontalPodAutoscaler").inputs.spec as any).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { kind: "Deployment", name: "api" },
    });
    expect(resource("core/v1:Service").inputs).toMatchObject({
      metadata: { annotations: { "service.beta.kubernetes.io/azure-load-balancer-internal": "true" } },
      spec: { type: "LoadBalancer", ports: [{ port: 80, targetPort: 3000 }] },
    });
  });

  it("keeps all but one replica through voluntary disruptions and admits traffic to the app's port only", () => {
    expect(resource("policy/v1:PodDisruptionBudget").inputs.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { app: "api" } },
    });
    expect(resource("networking.k8s.io/v1:NetworkPolicy").inputs.spec).toEqual({
      podSelector: { matchLabels: { app: "api" } },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [{ port: 3000, protocol: "TCP" }] }],
    });
  });

  it("refuses fewer than 2 replicas and credential-looking settings", async () => {
    const message = await errorOf(() =>
      planCluster(ARGS, { replicas: { min: 1, max: 1, cpuUtilization: 70 }, env: { DB_PASSWORD: "x" } }),
    );
    expect(message).toContain("replicas.min: got 1");
    expect(message).toContain("env.DB_PASSWORD: looks like a credential");
  });

  it("refuses a Key Vault secret under a plain env var's name, or with a name Key Vault cannot hold", async () => {
    const keyVaultSecrets = {
      vaultName: "kv-a",
      tenantId: "t",
      env: { MODE: "mode", JWT_SIGNING_KEY: "jwt_signing" },
    };
    const message = await errorOf(() => planCluster(ARGS, { env: { MODE: "fast" }, keyVaultSecrets }));
    expect(message).toContain("keyVaultSecrets.env.MODE: is also a plain env var");
    expect(message).toContain('keyVaultSecrets.env.JWT_SIGNING_KEY: "jwt_signing" is not a Key Vault secret name');
    expect(message).not.toContain("looks like a credential");
  });
});

describe("nonInteractiveKubeconfig", () => {
  it("swaps kubelogin's device-code prompt for the deployer's sign-in mode", () => {
    const config = [
      "apiVersion: v1",
      "kind: Config",
      "users:",
      "- name: u",
      "  user:",
      "    exec:",
      "      command: kubelogin",
      "      args: [get-token, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]",
    ].join("\n");
    const exec = (parse(nonInteractiveKubeconfig(config, "workloadidentity")) as any).users[0].user.exec;
    expect(exec.args).toEqual([
      "get-token",
      "--server-id",
      "6dae42f8-4368-4678-94ff-3960e28e3630",
      "--login",
      "workloadidentity",
    ]);
    expect(exec.interactiveMode).toBe("Never");
  });
});
