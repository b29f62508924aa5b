import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { AppConfiguration, type AppConfigurationArgs } from "./app-configuration.js";
import { appConfigurationProblems } from "./limits.js";

const ARGS: AppConfigurationArgs = {
  ...BASE,
  sku: "standard",
  softDeleteRetentionDays: 7,
  purgeProtection: true,
  privateEndpoint: PRIVATE_ENDPOINT,
};
const APP = "33333333-3333-4333-8333-333333333333";

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const store = new AppConfiguration("appconfig", ARGS);
    store.grantDataAccess("api", APP);
    return { endpoint: store.endpoint };
  });
});

describe("App Configuration", () => {
  it("is a Standard store read with Entra ID only, privately, with soft delete and purge protection", () => {
    const store = oneOfType(plan, "azure-native:appconfiguration:ConfigurationStore");
    expect(store.inputs).toMatchObject({
      sku: { name: "standard" },
      disableLocalAuth: true,
      publicNetworkAccess: "Disabled",
      softDeleteRetentionInDays: 7,
      enablePurgeProtection: true,
      identity: { type: "SystemAssigned" },
    });
    expect(store.physicalName).toMatch(/^appcs-estate-test-weu-/);
    expect(plan.outputs.endpoint).toBe(`https://${store.physicalName}.azconfig.io`);
    expect(endpointOf(plan, store.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["configurationStores"] }),
    ]);
    expect(oneOfType(plan, "azure-native:monitor:DiagnosticSetting").inputs.resourceUri).toBe(store.outputs.id);
  });

  it("grants App Configuration Data Reader on the store", () => {
    const role = oneOfType(plan, "azure-native:authorization:RoleAssignment");
    expect(String(role.inputs.roleDefinitionId)).toMatch(/516239f1-63e1-4d78-a4de-a74fb236a071$/);
    expect(role.inputs).toMatchObject({
      principalId: APP,
      scope: oneOfType(plan, "azure-native:appconfiguration:ConfigurationStore").outputs.id,
    });
  });
});

describe("App Configuration refusals", () => {
  it("refuses a free store with a private endpoint or purge protection before declaring anything", async () => {
    await expect(
      planComponents(() => void new AppConfiguration("appconfig", { ...ARGS, sku: "free" })),
    ).rejects.toThrow(
      /App Configuration appconfig: [\s\S]*the free tier has no private endpoints[\s\S]*the free tier has no purge protection/,
    );
  });

  it("refuses soft delete outside 1-7 days and unknown tiers", () => {
    expect(appConfigurationProblems({ ...ARGS, softDeleteRetentionDays: 8 })).toEqual([
      "softDeleteRetentionDays 8 is outside 1-7",
    ]);
    expect(appConfigurationProblems({ ...ARGS, sku: "basic" as never })).toEqual([
      'sku "basic" is not one of free, standard, premium',
    ]);
    expect(
      appConfigurationProblems({ ...ARGS, sku: "free", purgeProtection: false, privateEndpoint: undefined }),
    ).toEqual([]);
  });
});
