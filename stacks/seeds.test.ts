// Every seed stack (a user's own system as an Estate stack, docs/seeds/) plans under mocks,
// passes the policy pack for its profile with no mandatory violation, has a price for every
// resource, and its doc page states the monthly total `estate cost` computes. One stack per line in SEEDS.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import { planStack } from "../cli/plan/stack.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import type { Profile } from "../policies/model.js";
import { loadStackPolicy } from "../policies/settings.js";

const projectDir = path.resolve(import.meta.dirname, "..");

/** Each seed stack with the profile its stack file sets (the policy pack's bar for it). */
const SEEDS: Array<{ stack: string; profile: Profile }> = [
  { stack: "chatlings", profile: "prod" },
  { stack: "dreamspace", profile: "prod" },
  { stack: "events", profile: "prod" },
  { stack: "feastfrenzy", profile: "prod" },
  { stack: "ninevectors", profile: "dev" },
];

/**
 * The fixed monthly total a seed page states on its marked line,
 * `**Stack total: $1,234.56/month** ... (\`estate cost <stack>\` ...)`: exactly one such line, naming the stack.
 */
function statedMonthlyTotal(page: string, stack: string): number {
  const lines = page.split("\n").filter((line) => line.startsWith("**Stack total: "));
  const match =
    lines.length === 1
      ? /^\*\*Stack total: \$([\d,]+\.\d{2})\/month\*\*.*`estate cost ([^`\s]+)`/.exec(lines[0])
      : null;
  if (!match || match[2] !== stack)
    throw new Error(
      `docs/seeds/${stack}.md: expected one line "**Stack total: $N.NN/month** ... (\`estate cost ${stack}\`)", found ${lines.length ? lines.join(" | ") : "none"}`,
    );
  return Number(match[1].replaceAll(",", ""));
}

describe("statedMonthlyTotal", () => {
  it("reads the marked line and refuses a page without one, with two, or naming another stack", () => {
    const line = "**Stack total: $1,872.15/month** in fixed charges (`estate cost feastfrenzy`; checked).";
    expect(statedMonthlyTotal(`# Page\n\n${line}\n`, "feastfrenzy")).toBe(1872.15);
    expect(() => statedMonthlyTotal("# Page\n| **Total** | 1,872.15 |\n", "feastfrenzy")).toThrow(/found none/);
    expect(() => statedMonthlyTotal(`${line}\n${line}\n`, "feastfrenzy")).toThrow(/expected one line/);
    expect(() => statedMonthlyTotal(line, "events")).toThrow(/estate cost events/);
  });
});

describe.each(SEEDS)("the $stack seed stack", ({ stack, profile }) => {
  // Plans run one after another (Pulumi's runtime is per process): each case plans its own stack.
  it("plans with no mandatory violation and no unknown price, at the monthly total its doc page states", async () => {
    const plan = await planStack({ projectDir, stack });
    expect(plan.profile).toBe(profile);
    const report = evaluatePlan(plan, loadStackPolicy(projectDir, RULES, { stack, profile }));
    const mandatory = report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory");
    expect(mandatory.map((r) => `${r.ruleId} ${r.resource.name}: ${r.message}`)).toEqual([]);
    const cost = estimateCost(plan, loadPriceTable());
    expect(cost.resources.filter((r) => r.status === "unknown").map((r) => `${r.type} ${r.name}`)).toEqual([]);
    // The page's stated total is `estate cost`'s: update docs/seeds/<stack>.md (its table too) when this fails.
    const page = readFileSync(path.join(projectDir, "docs", "seeds", `${stack}.md`), "utf8");
    expect(statedMonthlyTotal(page, stack)).toBe(cost.total.monthly);
  }, 120_000);
});

describe("the ninevectors stack (seed 003, Startup tier)", () => {
  it("hosts the site, the web API and the Functions behind the gateway, with the seed's queues and AI services", async () => {
    const plan = await planStack({ projectDir, stack: "ninevectors" });
    const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
    expect(ofType("azure-native:web:StaticSite").map((r) => r.inputs.sku)).toEqual([{ name: "Free", tier: "Free" }]);
    expect(ofType("azure-native:apimanagement:ApiManagementService")[0]!.inputs.sku).toMatchObject({
      name: "Developer",
      capacity: 1,
    });
    const plans = Object.fromEntries(
      ofType("azure-native:web:AppServicePlan").map((p) => [String(p.name), (p.inputs.sku as { name: string }).name]),
    );
    // The same plans in West US (estate:dr, docs/dr.md).
    expect(plans).toEqual({
      "compute-asp-func": "EP1",
      "compute-asp-web": "B1",
      "compute-secondary-asp-func": "EP1",
      "compute-secondary-asp-web": "B1",
    });
    const kindsIn = (location: string) =>
      ofType("azure-native:web:WebApp")
        .filter((r) => r.inputs.location === location)
        .map((r) => r.inputs.kind)
        .sort();
    expect(kindsIn("eastus")).toEqual(["app,linux", "functionapp,linux", "functionapp,linux"]);
    expect(kindsIn("westus")).toEqual(kindsIn("eastus"));
    expect(ofType("azure-native:servicebus:Queue").map((q) => [q.inputs.queueName, q.inputs.maxDeliveryCount])).toEqual(
      [
        ["document-processing", 3],
        ["ai-analysis", 5],
        ["notifications", 3],
        ["exports", 1],
      ],
    );
    const [database] = ofType("azure-native:sql:Database");
    expect(database!.inputs).toMatchObject({
      sku: { name: "GP_S_Gen5", capacity: 1 },
      autoPauseDelay: 60,
      minCapacity: 0.5,
    });
    expect(ofType("azure-native:search:Service")[0]!.inputs.sku).toEqual({ name: "basic" });
    expect(
      ofType("azure-native:cognitiveservices:Deployment").map((d) => (d.inputs.properties as any).model.name),
    ).toEqual(["gpt-4o-mini", "text-embedding-3-small"]);
  }, 120_000);
});

describe("the dreamspace stack (seed 000)", () => {
  it("serves the SPA from a Standard static site with both custom domains and runs the API on Flex Consumption, with no gateway or Front Door", async () => {
    const plan = await planStack({ projectDir, stack: "dreamspace" });
    const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
    const [site] = ofType("azure-native:web:StaticSite");
    expect(site!.inputs).toMatchObject({ sku: { name: "Standard" }, location: "eastus2" });
    expect(
      ofType("azure-native:web:StaticSiteCustomDomain")
        .map((d) => d.inputs.domainName)
        .sort(),
    ).toEqual(["dreams.netsurit.com", "dreamspace.tylerstewart.co.za"]);
    const [funcPlan] = ofType("azure-native:web:AppServicePlan");
    expect(funcPlan!.inputs).toMatchObject({ sku: { name: "FC1" }, location: "eastus" });
    const [app] = ofType("azure-native:web:WebApp");
    expect(app!.inputs.virtualNetworkSubnetId).toBeDefined();
    // The API behind the site's own /api: the linked backend is that Function app, in its region.
    const [backend] = ofType("azure-native:web:StaticSiteLinkedBackend");
    expect(backend!.inputs).toMatchObject({ backendResourceId: app!.outputs.id, region: "eastus" });
    expect(ofType("azure-native:apimanagement:ApiManagementService")).toEqual([]);
    expect(ofType("azure-native:cdn:Profile")).toEqual([]);
    expect(ofType("azure-native:servicebus:Namespace")).toEqual([]);
    const [database] = ofType("azure-native:cosmosdb:SqlResourceSqlDatabase");
    expect(database!.inputs.options).toEqual({ throughput: 400 });
    expect(ofType("azure-native:keyvault:Vault")).toHaveLength(1);
    expect(ofType("azure-native:applicationinsights:Component")).toHaveLength(1);
  }, 120_000);
});
