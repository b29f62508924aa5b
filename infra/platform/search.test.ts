import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { AiSearch, type SearchArgs } from "./search.js";
import { searchProblems } from "./limits.js";

const ARGS: SearchArgs = {
  ...BASE,
  sku: "basic",
  replicas: 2,
  partitions: 1,
  vectorSearch: true,
  semanticRanker: "free",
  privateEndpoint: PRIVATE_ENDPOINT,
};
const APP = "33333333-3333-4333-8333-333333333333";

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const service = new AiSearch("search", ARGS);
    service.grantDataAccess("api", APP);
    service.grantDataAccess("indexer", APP, "Search Index Data Contributor");
    return { endpoint: service.endpoint, principal: service.principalId };
  });
});

describe("AI Search", () => {
  it("takes only Entra tokens, never from the internet, with replicas and partitions from its args", () => {
    const service = oneOfType(plan, "azure-native:search:Service");
    expect(service.inputs).toMatchObject({
      sku: { name: "basic" },
      replicaCount: 2,
      partitionCount: 1,
      publicNetworkAccess: "Disabled",
      disableLocalAuth: true,
      identity: { type: "SystemAssigned" },
      semanticSearch: "free",
      networkRuleSet: { ipRules: [] },
    });
    expect(service.inputs.authOptions).toBeUndefined();
    expect(service.physicalName).toMatch(/^srch-estate-test-weu-[a-z0-9]+$/);
    expect(plan.outputs.endpoint).toBe(`https://${service.physicalName}.search.windows.net`);
    expect(plan.outputs.principal).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("is reachable through a private endpoint on searchService, and sends its logs to the workspace", () => {
    const service = oneOfType(plan, "azure-native:search:Service");
    expect(endpointOf(plan, service.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["searchService"] }),
    ]);
    expect(oneOfType(plan, "azure-native:monitor:DiagnosticSetting").inputs).toMatchObject({
      resourceUri: service.outputs.id,
      workspaceId: BASE.diagnostics.workspaceId,
    });
  });

  it("grants index data roles on the service by their built-in ids", () => {
    const service = oneOfType(plan, "azure-native:search:Service");
    const roles = plan.resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment");
    expect(roles.map((r) => String(r.inputs.roleDefinitionId).split("/").pop()).sort()).toEqual([
      "1407120a-92aa-4202-b7e9-c0e197c71c8f",
      "8ebe5a00-799e-43f5-93ac-243d3dce84a7",
    ]);
    for (const role of roles) expect(role.inputs).toMatchObject({ scope: service.outputs.id, principalId: APP });
  });
});

describe("AI Search refusals", () => {
  it("refuses vectors, a private endpoint and semantic ranker on the free tier, naming each", async () => {
    await expect(
      planComponents(() => void new AiSearch("search", { ...ARGS, sku: "free", replicas: 1 })),
    ).rejects.toThrow(
      /vector search needs a tier with a vector quota[\s\S]*no private endpoints[\s\S]*semantic ranker needs basic/,
    );
  });

  it("refuses more replicas, partitions or search units than the tier has", () => {
    expect(searchProblems({ ...ARGS, replicas: 4 })).toEqual(["replicas 4 is outside 1-3 for the basic tier"]);
    expect(searchProblems({ ...ARGS, sku: "standard", replicas: 12, partitions: 12 })).toEqual([
      "12 replicas x 12 partitions = 144 search units; the standard tier allows 36",
    ]);
    expect(searchProblems({ ...ARGS, partitions: 0 })).toEqual(["partitions 0 is outside 1-3 for the basic tier"]);
    expect(searchProblems(ARGS)).toEqual([]);
  });
});
