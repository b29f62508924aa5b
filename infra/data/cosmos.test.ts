import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { COSMOS_DATA_CONTRIBUTOR, CosmosDb, type CosmosArgs } from "./cosmos.js";

const DATABASES: CosmosArgs["databases"] = [
  {
    name: "estate",
    containers: [
      { name: "events", partitionKey: "/tenantId" },
      {
        name: "idempotency",
        partitionKey: "/tenantId",
        defaultTtlSeconds: -1,
        indexing: { includedPaths: ["/tenantId/?"], excludedPaths: ["/*"] },
      },
    ],
  },
];
const DEV: CosmosArgs = {
  ...BASE,
  capacity: "serverless",
  zoneRedundant: false,
  backup: "periodic",
  databases: DATABASES,
  privateEndpoint: PRIVATE_ENDPOINT,
};
const PROD: CosmosArgs = {
  ...DEV,
  capacity: "provisioned",
  databases: DATABASES.map((db) => ({ ...db, throughput: { autoscaleMax: 4000 } })),
  zoneRedundant: true,
  backup: "continuous",
  lock: "CanNotDelete",
};

let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const cosmos = new CosmosDb("cosmos", DEV);
    cosmos.grantDataAccess("api", "11111111-1111-4111-8111-111111111111");
    return { endpoint: cosmos.documentEndpoint };
  });
  prod = await planComponents(() => {
    new CosmosDb("cosmos", PROD);
  });
});

describe("Cosmos DB", () => {
  it("turns off public access, keys and old TLS", () => {
    const account = oneOfType(dev, "azure-native:cosmosdb:DatabaseAccount");
    expect(account.inputs).toMatchObject({
      publicNetworkAccess: "Disabled",
      disableLocalAuth: true,
      disableKeyBasedMetadataWriteAccess: true,
      minimalTlsVersion: "Tls12",
    });
  });

  it("is serverless with periodic backup in dev, autoscale, zone redundant and continuous backup in prod", () => {
    const d = oneOfType(dev, "azure-native:cosmosdb:DatabaseAccount").inputs;
    expect(d.capabilities).toEqual([{ name: "EnableServerless" }]);
    expect(d.backupPolicy).toMatchObject({ type: "Periodic" });
    expect(d.locations).toEqual([expect.objectContaining({ isZoneRedundant: false })]);
    expect(oneOfType(dev, "azure-native:cosmosdb:SqlResourceSqlDatabase").inputs.options).toBeUndefined();

    const p = oneOfType(prod, "azure-native:cosmosdb:DatabaseAccount").inputs;
    expect(p.capabilities).toEqual([]);
    expect(p.backupPolicy).toMatchObject({ type: "Continuous" });
    expect(p.locations).toEqual([expect.objectContaining({ isZoneRedundant: true })]);
    expect(oneOfType(prod, "azure-native:cosmosdb:SqlResourceSqlDatabase").inputs.options).toEqual({
      autoscaleSettings: { maxThroughput: 4000 },
    });
    expect(ofType(prod, "azure-native:authorization:ManagementLockByScope")).toHaveLength(1);
  });

  it("creates the containers with their partition key, TTL and indexing", () => {
    const containers = ofType(dev, "azure-native:cosmosdb:SqlResourceSqlContainer").map(
      (c) => c.inputs.resource as any,
    );
    expect(containers.map((c) => c.id)).toEqual(["events", "idempotency"]);
    expect(containers[0].partitionKey).toMatchObject({ paths: ["/tenantId"], kind: "Hash" });
    expect(containers[0].defaultTtl).toBeUndefined();
    expect(containers[0].indexingPolicy.excludedPaths).toEqual([{ path: '/"_etag"/?' }]);
    expect(containers[1].defaultTtl).toBe(-1);
    expect(containers[1].indexingPolicy).toMatchObject({
      includedPaths: [{ path: "/tenantId/?" }],
      excludedPaths: [{ path: "/*" }],
    });
  });

  it("is reachable through a private endpoint on the Sql sub-resource with its DNS zone group", () => {
    const account = oneOfType(dev, "azure-native:cosmosdb:DatabaseAccount");
    const pe = endpointOf(dev, account.outputs.id);
    expect(pe?.endpoint.inputs.privateLinkServiceConnections).toEqual([expect.objectContaining({ groupIds: ["Sql"] })]);
    expect(pe?.zoneGroup.inputs.privateDnsZoneConfigs).toEqual([
      expect.objectContaining({ privateDnsZoneId: PRIVATE_ENDPOINT.privateDnsZoneId }),
    ]);
  });

  it("grants data access with the built-in Data Contributor role on the account", () => {
    const account = oneOfType(dev, "azure-native:cosmosdb:DatabaseAccount");
    const grant = oneOfType(dev, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
    expect(grant.inputs).toMatchObject({
      principalId: "11111111-1111-4111-8111-111111111111",
      scope: account.outputs.id,
      roleDefinitionId: `${account.outputs.id}/sqlRoleDefinitions/${COSMOS_DATA_CONTRIBUTOR}`,
    });
    expect(grant.inputs.roleAssignmentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends diagnostics and exposes the document endpoint", () => {
    const account = oneOfType(dev, "azure-native:cosmosdb:DatabaseAccount");
    const diag = oneOfType(dev, "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs).toMatchObject({ resourceUri: account.outputs.id, workspaceId: BASE.diagnostics.workspaceId });
    expect(dev.outputs.endpoint).toBe(`https://${account.physicalName}.documents.azure.com:443/`);
  });
});

describe("Cosmos DB throughput", () => {
  it("shares database throughput with containers that have none and gives dedicated throughput to those that do", async () => {
    const plan = await planComponents(() => {
      new CosmosDb("cosmos", {
        ...DEV,
        capacity: "provisioned",
        databases: [
          {
            name: "app",
            throughput: { autoscaleMax: 1000 },
            containers: [
              { name: "shared", partitionKey: "/id" },
              { name: "hot", partitionKey: "/id", throughput: { manual: 400 } },
            ],
          },
          { name: "own", containers: [{ name: "busy", partitionKey: "/id", throughput: { autoscaleMax: 4000 } }] },
        ],
      });
    });
    const options = (type: string) => Object.fromEntries(ofType(plan, type).map((r) => [r.name, r.inputs.options]));
    expect(options("azure-native:cosmosdb:SqlResourceSqlDatabase")).toEqual({
      "cosmos-app": { autoscaleSettings: { maxThroughput: 1000 } },
      "cosmos-own": undefined,
    });
    expect(options("azure-native:cosmosdb:SqlResourceSqlContainer")).toEqual({
      "cosmos-app-shared": undefined,
      "cosmos-app-hot": { throughput: 400 },
      "cosmos-own-busy": { autoscaleSettings: { maxThroughput: 4000 } },
    });
  });

  it.each<[string, Partial<CosmosArgs>, RegExp]>([
    [
      "throughput on a serverless account",
      { databases: [{ name: "db", throughput: { manual: 400 }, containers: [] }] },
      /database db has throughput, but serverless accounts have none/,
    ],
    [
      "autoscale below 1000 RU/s",
      { capacity: "provisioned", databases: [{ name: "db", throughput: { autoscaleMax: 400 }, containers: [] }] },
      /autoscale maximum 400 RU\/s is not 1000 or more in steps of 1000/,
    ],
    [
      "manual throughput off its steps",
      {
        capacity: "provisioned",
        databases: [{ name: "db", containers: [{ name: "c", partitionKey: "/id", throughput: { manual: 450 } }] }],
      },
      /manual throughput 450 RU\/s/,
    ],
    [
      "a provisioned container without throughput",
      { capacity: "provisioned", databases: [{ name: "db", containers: [{ name: "c", partitionKey: "/id" }] }] },
      /container db\/c has no throughput/,
    ],
  ])("refuses %s", async (_label, change, message) => {
    await expect(planComponents(() => void new CosmosDb("cosmos", { ...DEV, ...change }))).rejects.toThrow(message);
  });
});
