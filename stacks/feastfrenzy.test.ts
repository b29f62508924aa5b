import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import { planStack } from "../cli/plan/stack.js";
import type { Plan } from "../cli/plan/schema.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";

const projectDir = path.resolve(import.meta.dirname, "..");
const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);

describe("the feastfrenzy stack (seed 002)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack({ projectDir, stack: "feastfrenzy" });
  }, 120_000);

  it("plans with no mandatory policy violation", () => {
    const report = evaluatePlan(plan, loadStackPolicy(projectDir, RULES, { stack: "feastfrenzy", profile: "prod" }));
    expect(
      report.results
        .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
        .map((r) => `${r.ruleId} ${r.resource.name}`),
    ).toEqual([]);
  });

  it("runs a private, zonal AKS cluster on its own subnet and deploys the API into it with an HPA from 2 replicas", () => {
    const [cluster] = ofType(plan, "azure-native:containerservice:ManagedCluster");
    const subnet = ofType(plan, "azure-native:network:Subnet").find(
      (s) => s.inputs.subnetName === "snet-feast-prod-weu-aks",
    )!;
    expect(cluster!.inputs).toMatchObject({
      apiServerAccessProfile: { enablePrivateCluster: true },
      disableLocalAccounts: true,
      sku: { tier: "Standard" },
    });
    expect((cluster!.inputs.agentPoolProfiles as any[])[0]).toMatchObject({
      availabilityZones: ["1", "2", "3"],
      vnetSubnetID: subnet.outputs.id,
    });
    expect(ofType(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")[0]!.inputs.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
    });
    // The estate's own private registry, which the kubelet identity pulls from.
    const [registry] = ofType(plan, "azure-native:containerregistry:Registry");
    expect(registry!.inputs).toMatchObject({ sku: { name: "Premium" }, publicNetworkAccess: "Disabled" });
    expect(
      (ofType(plan, "kubernetes:apps/v1:Deployment")[0]!.inputs.spec as any).template.spec.containers[0].image,
    ).toBe(`${registry!.outputs.loginServer}/feastfrenzy-api:1.0.0`);
    const pull = ofType(plan, "azure-native:authorization:RoleAssignment").find((r) =>
      r.name.endsWith("kubelet-acr-acrpull"),
    );
    expect(pull!.inputs.scope).toBe(registry!.outputs.id);
  });

  it("deploys services/feastfrenzy-api (kind container, host aks) as the cluster's workload, its settings from the manifest", () => {
    const [deployment] = ofType(plan, "kubernetes:apps/v1:Deployment");
    expect((deployment!.inputs.metadata as any).name).toBe("feastfrenzy-api");
    const env = (deployment!.inputs.spec as any).template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).toEqual([
      "AZURE_CLIENT_ID",
      "REDIS_URL",
      "REDIS_USER",
      "MYSQL_HOST",
      "MYSQL_DATABASE",
      "MYSQL_USER",
      "JWT_SIGNING_KEY",
    ]);
    // The JWT signing key comes from Key Vault, through the Secret the CSI driver syncs it into.
    expect(env.at(-1).valueFrom).toEqual({
      secretKeyRef: { name: "feastfrenzy-api-key-vault", key: "JWT_SIGNING_KEY" },
    });
    // No Container Apps: the stack offers both hosts and the manifest names aks.
    expect(ofType(plan, "azure-native:app:ManagedEnvironment")).toEqual([]);
  });

  it("lets the API reach Redis with its workload identity", () => {
    const identity = ofType(plan, "azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-feast-prod-weu-feastfrenzy-api",
    )!;
    const access = ofType(plan, "azure-native:redis:AccessPolicyAssignment").find(
      (r) => r.inputs.objectId === identity.outputs.principalId,
    );
    expect(access).toBeDefined();
  });

  it("signs the API in to MySQL as its workload identity, with the grants an administrator runs", () => {
    const [server] = ofType(plan, "azure-native:dbformysql:Server");
    const env = Object.fromEntries(
      (ofType(plan, "kubernetes:apps/v1:Deployment")[0]!.inputs.spec as any).template.spec.containers[0].env.map(
        (e: any) => [e.name, e.value],
      ),
    );
    expect(env).toMatchObject({
      MYSQL_HOST: server!.outputs.fullyQualifiedDomainName,
      MYSQL_DATABASE: "feastfrenzy",
      MYSQL_USER: "id-feast-prod-weu-feastfrenzy-api",
    });
    const identity = ofType(plan, "azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-feast-prod-weu-feastfrenzy-api",
    )!;
    expect(plan.outputs.databaseUsers).toEqual([
      expect.objectContaining({
        service: "feastfrenzy-api",
        engine: "mysql",
        database: "feastfrenzy",
        statements: [
          `CREATE AADUSER 'id-feast-prod-weu-feastfrenzy-api' IDENTIFIED BY '${identity.outputs.clientId}';`,
          "GRANT SELECT, INSERT, UPDATE, DELETE ON `feastfrenzy`.* TO 'id-feast-prod-weu-feastfrenzy-api';",
        ],
      }),
    ]);
  });

  it("alerts on the cluster's node CPU and memory, each one series over all the nodes", () => {
    const [cluster] = ofType(plan, "azure-native:containerservice:ManagedCluster");
    const alerts = ofType(plan, "azure-native:monitor:MetricAlert").filter((a) =>
      (a.inputs.scopes as string[]).includes(cluster.outputs.id as string),
    );
    expect(
      alerts.map((a) => (a.inputs.criteria as any).allOf[0]).sort((a, b) => a.metricName.localeCompare(b.metricName)),
    ).toEqual([
      expect.objectContaining({ metricName: "node_cpu_usage_percentage", timeAggregation: "Average", threshold: 80 }),
      expect.objectContaining({
        metricName: "node_memory_working_set_percentage",
        timeAggregation: "Average",
        threshold: 80,
      }),
    ]);
    for (const alert of alerts) expect((alert.inputs.criteria as any).allOf[0].dimensions).toBeUndefined();
  });

  it("prices every AKS resource", () => {
    const cost = estimateCost(plan, loadPriceTable());
    const aks = cost.resources.filter((r) => r.type.startsWith("azure-native:containerservice:"));
    expect(aks.map((r) => r.status)).toEqual(["priced", "priced"]);
    expect(cost.resources.filter((r) => r.status === "unknown").map((r) => r.type)).toEqual([]);
  });
});
