import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planConfig } from "../cli/plan/stack.js";
import { readStackFile } from "./config/stackfile.js";
import { loadStackPolicy } from "../policies/settings.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { ROOT } from "../test/estate-plans.js";

/** The dev stack file with other shapes: the same file, other tiers. */
const DEV = readStackFile(ROOT, "dev").config;
const json = (value: unknown) => JSON.stringify(value);
const SHAPES: Record<string, Record<string, string>> = {
  // No gateway: Front Door straight to the one routed app (the worker has no routes).
  noGateway: { "estate:gateway": json({ sku: "none" }) },
  // Nothing in front of the apps: they are the entry point.
  bare: { "estate:gateway": json({ sku: "none" }), "estate:edge": json({ sku: "none" }) },
  standardV2: { "estate:gateway": json({ sku: "StandardV2", capacity: 1, quota: null }) },
  consumption: { "estate:gateway": json({ sku: "Consumption", capacity: null, rateLimit: null, quota: null }) },
  // No Cosmos DB and no Service Bus: the stack hosts no service that needs them.
  noCosmosNoServiceBus: {
    "estate:services": json([]),
    "estate:data": json({
      ...JSON.parse(DEV["estate:data"]),
      cosmos: { enabled: false },
      serviceBus: { enabled: false },
    }),
  },
  flex: {
    "estate:compute": json({
      functions: { plan: "FlexConsumption", instanceMemoryMB: 2048, alwaysReady: 1, maxInstances: 100 },
    }),
  },
};

const plans: Record<string, Plan> = {};
beforeAll(async () => {
  // One after another: Pulumi's runtime is per process.
  for (const [name, overrides] of Object.entries(SHAPES)) {
    plans[name] = await planConfig({
      projectDir: ROOT,
      stack: "dev",
      config: { ...DEV, ...overrides },
      secretKeys: [],
    });
  }
  plans.production = await planConfig({
    projectDir: ROOT,
    stack: "production",
    config: { ...DEV, "estate:profile": "prod" },
    secretKeys: [],
  });
}, 120_000);

const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const apps = (plan: Plan) => ofType(plan, "azure-native:web:WebApp");
const restrictions = (app: PlanResource) =>
  (app.inputs.siteConfig as { ipSecurityRestrictions: Array<Record<string, unknown>> }).ipSecurityRestrictions;
const settingsOf = (app: PlanResource) =>
  (app.inputs.siteConfig as { appSettings: Array<{ name: string }> }).appSettings.map((s) => s.name);
const subnet = (plan: Plan, role: string) =>
  ofType(plan, "azure-native:network:Subnet").find((s) => s.name === `network-snet-${role}`)!;
const mandatory = (plan: Plan) =>
  evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack: "dev", profile: "dev" }))
    .results.filter((r) => r.status === "fail" && r.enforcement === "mandatory")
    .map((r) => `${r.ruleId} ${r.resource.name}`);

describe("estates of other shapes", () => {
  it("without a gateway: no API Management or app registrations, Front Door's origin is the routed app, which admits Front Door", () => {
    const plan = plans.noGateway;
    expect(ofType(plan, "azure-native:apimanagement:ApiManagementService")).toEqual([]);
    expect(ofType(plan, "azuread:index/application:Application")).toEqual([]);
    const api = apps(plan).find((a) => a.name === "compute-api")!;
    expect(ofType(plan, "azure-native:cdn:AFDOrigin")[0].inputs).toMatchObject({
      originName: "app",
      hostName: api.outputs.defaultHostName,
    });
    expect(restrictions(api)).toEqual([
      expect.objectContaining({ ipAddress: "AzureFrontDoor.Backend", tag: "ServiceTag", action: "Allow" }),
    ]);
    // Nobody moves the caller's token: the app reads Authorization.
    expect(settingsOf(api)).not.toContain("AUTH_CALLER_HEADER");
    expect(plan.outputs.gatewayUrl).toBeUndefined();
  });

  it("with nothing in front: no Front Door and no gateway, open apps, the availability test on the first app", () => {
    const plan = plans.bare;
    expect(ofType(plan, "azure-native:cdn:Profile")).toEqual([]);
    expect(ofType(plan, "azure-native:apimanagement:ApiManagementService")).toEqual([]);
    for (const app of apps(plan))
      expect((app.inputs.siteConfig as Record<string, unknown>).ipSecurityRestrictionsDefaultAction).toBe("Allow");
    const test =
      ofType(plan, "azure-native:insights:WebTest")[0] ?? ofType(plan, "azure-native:applicationinsights:WebTest")[0];
    expect(JSON.stringify(test.inputs)).toContain("azurewebsites.net/api/v1/health");
  });

  it("StandardV2 integrates outbound through the gateway subnet, delegated to Microsoft.Web/serverFarms; no quota-by-key", () => {
    const plan = plans.standardV2;
    const apim = ofType(plan, "azure-native:apimanagement:ApiManagementService")[0];
    expect(apim.inputs).toMatchObject({ sku: { name: "StandardV2", capacity: 1 }, virtualNetworkType: "External" });
    expect((apim.inputs.virtualNetworkConfiguration as { subnetResourceId: string }).subnetResourceId).toBe(
      subnet(plan, "gateway").outputs.id,
    );
    expect(subnet(plan, "gateway").inputs.delegations).toEqual([
      { name: "web-server-farms", serviceName: "Microsoft.Web/serverFarms" },
    ]);
    const policies = ofType(plan, "azure-native:apimanagement:ApiOperationPolicy").map((p) => String(p.inputs.value));
    expect(policies.some((xml) => xml.includes("rate-limit-by-key"))).toBe(true);
    expect(policies.some((xml) => xml.includes("quota-by-key"))).toBe(false);
    expect(restrictions(apps(plan)[0])).toEqual([
      expect.objectContaining({ vnetSubnetResourceId: subnet(plan, "gateway").outputs.id }),
    ]);
  });

  it("Consumption takes no VNet and 0 units; the apps admit Azure's regional ranges and the gateway's identity only", () => {
    const plan = plans.consumption;
    const apim = ofType(plan, "azure-native:apimanagement:ApiManagementService")[0];
    expect(apim.inputs).toMatchObject({ sku: { name: "Consumption", capacity: 0 }, virtualNetworkType: "None" });
    expect(subnet(plan, "gateway").inputs.delegations).toBeUndefined();
    expect(restrictions(apps(plan)[0])).toEqual([
      expect.objectContaining({ ipAddress: "AzureCloud.westeurope", tag: "ServiceTag" }),
    ]);
    expect(ofType(plan, "azuread:index/application:Application").length).toBeGreaterThan(0);
  });

  it("Flex Consumption: an FC1 plan, functionAppConfig on each app, the integration subnet delegated to Microsoft.App/environments", () => {
    const plan = plans.flex;
    expect(ofType(plan, "azure-native:web:AppServicePlan").map((p) => p.inputs.sku)).toEqual([
      { name: "FC1", tier: "FlexConsumption" },
    ]);
    for (const app of apps(plan))
      expect(app.inputs.functionAppConfig).toMatchObject({
        scaleAndConcurrency: { maximumInstanceCount: 100, instanceMemoryMB: 2048 },
      });
    expect(subnet(plan, "integration").inputs.delegations).toEqual([
      { name: "app-environments", serviceName: "Microsoft.App/environments" },
    ]);
  });

  it("declares no Cosmos DB account or Service Bus namespace, nor their alerts, when the stack leaves them out", () => {
    const plan = plans.noCosmosNoServiceBus;
    expect(ofType(plan, "azure-native:cosmosdb:DatabaseAccount")).toEqual([]);
    expect(ofType(plan, "azure-native:servicebus:Namespace")).toEqual([]);
    expect(ofType(plan, "azure-native:storage:StorageAccount")).toHaveLength(1);
    const alerts = ofType(plan, "azure-native:monitor:MetricAlert").map((a) => a.name);
    expect(alerts.some((name) => /cosmos|servicebus/.test(name))).toBe(false);
    expect(mandatory(plan)).toEqual([]);
  });

  it("plans a stack called production, its names carrying prod", () => {
    const group = ofType(plans.production, "azure-native:resources:ResourceGroup")[0];
    expect(group.physicalName).toBe("rg-estate-prod-weu");
  });

  it("keeps the policy pack's mandatory rules quiet where a tier is absent rather than weaker", () => {
    // Flex and StandardV2 keep every mandatory rule; the shapes without a tier in front report
    // exactly the exposure they have (an app or gateway facing the internet), nothing else.
    expect(mandatory(plans.flex)).toEqual([]);
    expect(mandatory(plans.standardV2)).toEqual([]);
    expect(mandatory(plans.noGateway)).toEqual([]);
  });
});
