// Every seed stack (the users' own systems in Pulumi.<seed>.yaml, docs/seeds/<seed>.md) plans under
// mocks with no mandatory policy violation and a price for every resource.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import { planStack } from "../cli/plan/stack.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";

const projectDir = path.resolve(import.meta.dirname, "..");

/** The seed stacks and the profile each runs on. */
const SEEDS = [
  { stack: "dreamspace", profile: "prod" },
  { stack: "feastfrenzy", profile: "prod" },
] as const;

describe.each(SEEDS)("seed stack $stack", ({ stack, profile }) => {
  it("plans with no mandatory policy violation and no unknown price", async () => {
    const plan = await planStack({ projectDir, stack });
    expect(plan.profile).toBe(profile);
    const report = evaluatePlan(plan, loadStackPolicy(projectDir, RULES, { stack, profile }));
    const mandatory = report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory");
    expect(mandatory.map((r) => `${r.ruleId} ${r.resource.name}`)).toEqual([]);
    const cost = estimateCost(plan, loadPriceTable());
    expect(cost.resources.filter((r) => r.status === "unknown").map((r) => `${r.type} ${r.name}`)).toEqual([]);
  }, 120_000);
});

describe("the dreamspace stack (seed 000)", () => {
  it("serves the SPA from a Standard static site with both custom domains and runs the API on Flex Consumption, with no gateway or Front Door", async () => {
    const plan = await planStack({ projectDir, stack: "dreamspace" });
    const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
    const [site] = ofType("azure-native:web:StaticSite");
    expect(site!.inputs).toMatchObject({ sku: { name: "Standard" }, location: "eastus2" });
    expect(ofType("azure-native:web:StaticSiteCustomDomain").map((d) => d.inputs.domainName).sort()).toEqual(["dreams.netsurit.com", "dreamspace.tylerstewart.co.za"]);
    const [funcPlan] = ofType("azure-native:web:AppServicePlan");
    expect(funcPlan!.inputs).toMatchObject({ sku: { name: "FC1" }, location: "eastus" });
    const [app] = ofType("azure-native:web:WebApp");
    expect(app!.inputs.virtualNetworkSubnetId).toBeDefined();
    expect(ofType("azure-native:apimanagement:ApiManagementService")).toEqual([]);
    expect(ofType("azure-native:cdn:Profile")).toEqual([]);
    expect(ofType("azure-native:servicebus:Namespace")).toEqual([]);
    const [database] = ofType("azure-native:cosmosdb:SqlResourceSqlDatabase");
    expect(database!.inputs.options).toEqual({ throughput: 400 });
    expect(ofType("azure-native:keyvault:Vault")).toHaveLength(1);
    expect(ofType("azure-native:applicationinsights:Component")).toHaveLength(1);
  }, 120_000);
});
