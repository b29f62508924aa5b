import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { ARM_SCHEMA, toArmTemplate } from "./arm.js";

const id = (path: string) => `/subscriptions/s/resourceGroups/rg-x/providers/${path}`;
const plan = fixturePlan("dev", [
  { type: "estate:network:Network", name: "network", custom: false },
  { type: "azure-native:resources:ResourceGroup", name: "rg", physicalName: "rg-x", inputs: { resourceGroupName: "rg-x", location: "westeurope", tags: { environment: "dev" } } },
  {
    type: "azure-native:network:VirtualNetwork",
    name: "vnet",
    parent: "network",
    physicalName: "vnet-x",
    dependsOn: ["rg"],
    inputs: { virtualNetworkName: "vnet-x", resourceGroupName: "rg-x", location: "westeurope", tags: { environment: "dev" }, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
  },
  {
    type: "azure-native:network:Subnet",
    name: "snet",
    parent: "network",
    dependsOn: ["vnet"],
    inputs: { virtualNetworkName: "vnet-x", subnetName: "snet-a", resourceGroupName: "rg-x", addressPrefix: "10.0.1.0/24" },
  },
  {
    type: "azure-native:authorization:RoleAssignment",
    name: "reader",
    dependsOn: ["vnet"],
    inputs: { roleAssignmentName: "0000-guid", scope: id("Microsoft.Network/virtualNetworks/vnet-x"), principalId: "p" },
  },
  { type: "random:index/randomPassword:RandomPassword", name: "pw", inputs: { length: 32 } },
  { type: "azuread:index/application:Application", name: "app-registration", inputs: { displayName: "func-x" } },
  { type: "azure-native:containerservice:ManagedCluster", name: "aks", inputs: { resourceName: "aks-x", resourceGroupName: "rg-x", location: "westeurope", enableRBAC: true } },
  { type: "kubernetes:apps/v1:Deployment", name: "api-deploy", inputs: { metadata: { name: "api" } } },
  { type: "azure-native:foo:Bar", name: "mystery" },
]);
// The engine gives every Azure resource its ARM id as an output; dependsOn refers to those.
plan.resources.find((r) => r.name === "rg")!.outputs.id = "/subscriptions/s/resourceGroups/rg-x";
plan.resources.find((r) => r.name === "vnet")!.outputs.id = id("Microsoft.Network/virtualNetworks/vnet-x");
for (const r of plan.resources) r.armType = r.type.includes(":foo:") || r.type.startsWith("random") || !r.custom ? undefined : "known";

describe("toArmTemplate", () => {
  const template = toArmTemplate(plan);
  const byType = (type: string) => template.resources.find((r) => r.type === type)!;

  it("has the ARM template envelope", () => {
    expect(template.$schema).toBe(ARM_SCHEMA);
    expect(template.contentVersion).toBe("1.0.0.0");
    expect(template.metadata).toMatchObject({ stack: "dev", generator: "estate export" });
  });

  it("takes ARM type and API version from the catalog and keeps top-level fields out of properties", () => {
    expect(byType("Microsoft.Network/virtualNetworks")).toEqual({
      type: "Microsoft.Network/virtualNetworks",
      apiVersion: "2024-05-01",
      name: "vnet-x",
      location: "westeurope",
      tags: { environment: "dev" },
      properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } },
      dependsOn: ["/subscriptions/s/resourceGroups/rg-x"],
    });
  });

  it("names child resources parent/child and gives extension resources their scope", () => {
    expect(byType("Microsoft.Network/virtualNetworks/subnets")).toMatchObject({ name: "vnet-x/snet-a", properties: { addressPrefix: "10.0.1.0/24" } });
    expect(byType("Microsoft.Authorization/roleAssignments")).toMatchObject({
      name: "0000-guid",
      scope: id("Microsoft.Network/virtualNetworks/vnet-x"),
      properties: { principalId: "p" },
    });
  });

  it("exports an AKS cluster as its ARM resource", () => {
    expect(byType("Microsoft.ContainerService/managedClusters")).toMatchObject({ apiVersion: "2025-09-01", name: "aks-x", location: "westeurope", properties: { enableRBAC: true } });
  });

  it("lists components, Pulumi-only, Entra ID, Kubernetes and uncatalogued types as skipped with the reason", () => {
    expect(template.metadata.skipped.map((s) => [s.name, s.reason.split(":")[0]])).toEqual([
      ["network", "component"],
      ["pw", "not an Azure resource (Pulumi-only)"],
      ["app-registration", "an Entra ID object"],
      ["api-deploy", "a Kubernetes object"],
      ["mystery", "not in infra/catalog"],
    ]);
    expect(template.resources).toHaveLength(5);
  });
});
