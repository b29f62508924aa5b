import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { ARM_SCHEMA, toArmTemplate } from "./arm.js";

const sub = "/subscriptions/00000000-0000-4000-8000-0000e57a7e00";
const rgId = `${sub}/resourceGroups/rg-x`;
const id = (path: string) => `${rgId}/providers/${path}`;
const tags = { environment: "dev" };
const plan = fixturePlan("dev", [
  { type: "estate:network:Network", name: "network", custom: false },
  {
    type: "azure-native:resources:ResourceGroup",
    name: "rg",
    physicalName: "rg-x",
    inputs: { resourceGroupName: "rg-x", location: "westeurope", tags },
  },
  {
    type: "azure-native:network:NetworkSecurityGroup",
    name: "nsg",
    parent: "network",
    dependsOn: ["rg"],
    inputs: {
      networkSecurityGroupName: "nsg-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      securityRules: [{ name: "deny-all", access: "Deny", direction: "Inbound", priority: 4096, protocol: "*" }],
    },
  },
  {
    type: "azure-native:network:PrivateEndpoint",
    name: "pe",
    dependsOn: ["st"],
    inputs: {
      privateEndpointName: "pe-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      privateLinkServiceConnections: [
        { name: "blob", groupIds: ["blob"], privateLinkServiceId: id("Microsoft.Storage/storageAccounts/stx") },
      ],
      subnet: { id: id("Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-pe") },
    },
  },
  {
    type: "azure-native:storage:StorageAccount",
    name: "st",
    inputs: {
      accountName: "stx",
      resourceGroupName: "rg-x",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_ZRS" },
      networkRuleSet: { bypass: "None", defaultAction: "Deny" },
      enableHttpsTrafficOnly: true,
      tags,
    },
  },
  {
    type: "azure-native:storage:BlobContainer",
    name: "docs",
    dependsOn: ["st"],
    inputs: { accountName: "stx", containerName: "documents", resourceGroupName: "rg-x", publicAccess: "None" },
  },
  {
    type: "azure-native:redis:Redis",
    name: "redis",
    inputs: {
      name: "redis-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      sku: { name: "Premium", family: "P", capacity: 1 },
    },
  },
  {
    type: "azure-native:operationalinsights:Workspace",
    name: "log",
    inputs: {
      workspaceName: "log-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      sku: { name: "PerGB2018" },
      retentionInDays: 30,
    },
  },
  {
    type: "azure-native:applicationinsights:Component",
    name: "appi",
    dependsOn: ["log"],
    inputs: {
      resourceName: "appi-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      kind: "web",
      applicationType: "web",
      workspaceResourceId: id("Microsoft.OperationalInsights/workspaces/log-x"),
    },
  },
  {
    type: "azure-native:applicationinsights:WebTest",
    name: "webtest",
    inputs: {
      webTestName: "avail-x",
      resourceGroupName: "rg-x",
      location: "westeurope",
      kind: "standard",
      webTestKind: "standard",
      syntheticMonitorId: "avail-x",
      locations: [{ location: "emea-nl-ams-azr" }],
      tags: { [`hidden-link:${id("Microsoft.Insights/components/appi-x")}`]: "Resource" },
    },
  },
  {
    type: "azure-native:monitor:MetricAlert",
    name: "alert",
    inputs: {
      ruleName: "alert-x",
      resourceGroupName: "rg-x",
      location: "global",
      severity: 2,
      enabled: true,
      evaluationFrequency: "PT1M",
      windowSize: "PT5M",
      scopes: [id("Microsoft.Cache/redis/redis-x")],
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "memory",
            metricName: "usedmemorypercentage",
            operator: "GreaterThan",
            threshold: 80,
            timeAggregation: "Average",
          },
        ],
      },
    },
  },
  {
    type: "azure-native:keyvault:Secret",
    name: "secret",
    inputs: {
      vaultName: "kv-x",
      secretName: "signing",
      resourceGroupName: "rg-x",
      properties: { value: "[secret]", contentType: "[generated]" },
    },
  },
  {
    type: "azure-native:consumption:Budget",
    name: "budget",
    inputs: { budgetName: "budget-x", scope: rgId, amount: 100, category: "Cost", timeGrain: "Monthly" },
  },
  {
    type: "azure-native:authorization:RoleAssignment",
    name: "reader",
    dependsOn: ["docs"],
    inputs: {
      roleAssignmentName: "3b43c7da-5d1c-4b15-a9b4-f0a599f1aab6",
      scope: id("Microsoft.Storage/storageAccounts/stx/blobServices/default/containers/documents"),
      principalId: "p",
      roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
    },
  },
  {
    type: "azure-native:authorization:ManagementLockByScope",
    name: "group-lock",
    inputs: { lockName: "lock-group", scope: rgId, level: "CanNotDelete" },
  },
  {
    type: "azure-native:authorization:ManagementLockByScope",
    name: "outside-lock",
    inputs: { lockName: "lock-outside", scope: id("Microsoft.Network/dnsZones/contoso.com"), level: "ReadOnly" },
  },
  { type: "random:index/randomPassword:RandomPassword", name: "pw", inputs: { length: 32 } },
  { type: "command:local:Command", name: "package-api", inputs: {} },
  { type: "azuread:index/application:Application", name: "app-registration", inputs: { displayName: "func-x" } },
  { type: "kubernetes:apps/v1:Deployment", name: "api-deploy", inputs: { metadata: { name: "api" } } },
  { type: "azure-native:foo:Bar", name: "mystery" },
]);
// The engine gives every Azure resource its ARM id as an output; references and dependsOn go through those.
const outputs: Record<string, Record<string, unknown>> = {
  rg: { id: rgId },
  st: {
    id: id("Microsoft.Storage/storageAccounts/stx"),
    primaryEndpoints: { blob: "https://stx.blob.core.windows.net/" },
  },
  docs: { id: id("Microsoft.Storage/storageAccounts/stx/blobServices/default/containers/documents") },
  log: { id: id("Microsoft.OperationalInsights/workspaces/log-x") },
  appi: { id: id("Microsoft.Insights/components/appi-x"), instrumentationKey: "d2918625-a26b-48c8-8a2d-696a8c70ae4d" },
  redis: { id: id("Microsoft.Cache/redis/redis-x") },
};
for (const r of plan.resources) Object.assign(r.outputs, outputs[r.name] ?? {});

describe("toArmTemplate", () => {
  const template = toArmTemplate(plan);
  const byName = (name: string) => template.resources.find((r) => r.name === name)!;

  it("is a resource-group-scoped deployment template: the group is the deployment's target, described in metadata", () => {
    expect(template.$schema).toBe(ARM_SCHEMA);
    expect(template.contentVersion).toBe("1.0.0.0");
    expect(template.resources.map((r) => r.type)).not.toContain("Microsoft.Resources/resourceGroups");
    expect(template.metadata.deployment).toEqual({
      scope: "resourceGroup",
      resourceGroup: { name: "rg-x", location: "westeurope", tags },
      commands: [
        "az group create --name rg-x --location westeurope",
        "az deployment group create --resource-group rg-x --template-file template.json",
      ],
    });
  });

  it("puts flattened inputs back under properties, nested ones included (NSG rules, private endpoint connections)", () => {
    expect(byName("nsg-x")).toEqual({
      type: "Microsoft.Network/networkSecurityGroups",
      apiVersion: "2024-05-01",
      name: "nsg-x",
      location: "westeurope",
      properties: {
        securityRules: [
          { name: "deny-all", properties: { access: "Deny", direction: "Inbound", priority: 4096, protocol: "*" } },
        ],
      },
      dependsOn: [],
    });
    expect(byName("pe-x").properties).toEqual({
      privateLinkServiceConnections: [
        {
          name: "blob",
          properties: {
            groupIds: ["blob"],
            privateLinkServiceId: "[resourceId('Microsoft.Storage/storageAccounts', 'stx')]",
          },
        },
      ],
      // A subnet outside the template: its id through the deployment's group.
      subnet: {
        id: "[format('{0}/providers/Microsoft.Network/virtualNetworks/vnet-x/subnets/snet-pe', resourceGroup().id)]",
      },
    });
  });

  it("reverses azure-native's renames and keeps sku where ARM keeps it", () => {
    expect(byName("stx")).toMatchObject({
      sku: { name: "Standard_ZRS" },
      kind: "StorageV2",
      properties: { networkAcls: { bypass: "None", defaultAction: "Deny" }, supportsHttpsTrafficOnly: true },
    });
    expect(byName("redis-x").sku).toBeUndefined();
    expect(byName("redis-x").properties).toEqual({ sku: { name: "Premium", family: "P", capacity: 1 } });
    expect(byName("log-x").properties).toEqual({ sku: { name: "PerGB2018" }, retentionInDays: 30 });
    expect(byName("appi-x")).toMatchObject({
      kind: "web",
      properties: {
        Application_Type: "web",
        WorkspaceResourceId: "[resourceId('Microsoft.OperationalInsights/workspaces', 'log-x')]",
      },
    });
    expect(byName("avail-x")).toMatchObject({
      kind: "standard",
      properties: {
        Name: "avail-x",
        Kind: "standard",
        SyntheticMonitorId: "avail-x",
        Locations: [{ Id: "emea-nl-ams-azr" }],
      },
      tags: { "[format('hidden-link:{0}', resourceId('Microsoft.Insights/components', 'appi-x'))]": "Resource" },
    });
    expect(byName("alert-x").properties!.criteria).toMatchObject({
      "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
      allOf: [{ name: "memory" }],
    });
  });

  it("names child resources with their literal segments and depends only on resources of the template", () => {
    expect(byName("stx/default/documents")).toEqual({
      type: "Microsoft.Storage/storageAccounts/blobServices/containers",
      apiVersion: "2024-01-01",
      name: "stx/default/documents",
      properties: { publicAccess: "None" },
      dependsOn: ["[resourceId('Microsoft.Storage/storageAccounts', 'stx')]"],
    });
    expect(byName("nsg-x").dependsOn).toEqual([]); // the resource group is the deployment's, not a resource
  });

  it("gives extension resources a scope relative to the group and ids through subscription()", () => {
    expect(byName("3b43c7da-5d1c-4b15-a9b4-f0a599f1aab6")).toMatchObject({
      scope: "Microsoft.Storage/storageAccounts/stx/blobServices/default/containers/documents",
      properties: {
        principalId: "p",
        roleDefinitionId:
          "[format('{0}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe', subscription().id)]",
      },
      dependsOn: [
        "[resourceId('Microsoft.Storage/storageAccounts/blobServices/containers', 'stx', 'default', 'documents')]",
      ],
    });
    // On the deployment's group: no scope. On a resource of the group outside the template: its relative id.
    expect(byName("lock-group")).toEqual({
      type: "Microsoft.Authorization/locks",
      apiVersion: "2020-05-01",
      name: "lock-group",
      properties: { level: "CanNotDelete" },
      dependsOn: [],
    });
    expect(byName("lock-outside").scope).toBe("Microsoft.Network/dnsZones/contoso.com");
    // A budget on the deployment's group needs no scope.
    expect(byName("budget-x")).toEqual({
      type: "Microsoft.Consumption/budgets",
      apiVersion: "2024-08-01",
      name: "budget-x",
      properties: { amount: 100, category: "Cost", timeGrain: "Monthly" },
      dependsOn: [],
    });
  });

  it("turns redacted secrets into secure parameters and escapes literal strings ARM would read as expressions", () => {
    expect(byName("kv-x/signing").properties).toEqual({
      value: "[parameters('kv-x-signing-properties-value')]",
      contentType: "[[generated]",
    });
    expect(template.parameters).toEqual({
      "kv-x-signing-properties-value": {
        type: "securestring",
        metadata: {
          description: "properties.value of kv-x/signing: a secret the plan redacts; supply it at deployment",
        },
      },
    });
    expect(JSON.stringify(template)).not.toContain("0000e57a7e00");
  });

  it("lists what it leaves out, and why, in metadata", () => {
    expect(template.metadata.skipped.map((s) => [s.name, s.reason.split(":")[0]])).toEqual([
      ["network", "component"],
      ["rg", "the deployment's target resource group"],
      ["pw", "not an Azure resource (Pulumi-only)"],
      ["package-api", "not an Azure resource (Pulumi-only)"],
      ["app-registration", "an Entra ID object"],
      ["api-deploy", "a Kubernetes object"],
      ["mystery", "not in infra/catalog"],
    ]);
    expect(template.metadata.leftOut.map((l) => l.split(":")[0])).toEqual([
      "service packages",
      "generated secrets",
      "Entra ID objects (app registrations, service principals, app role assignments)",
      "Kubernetes workloads",
    ]);
  });
});
