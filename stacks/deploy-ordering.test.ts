import { beforeAll, describe, expect, it } from "vitest";
import { planStack } from "../cli/plan/stack.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { FUNCTIONS_HOST_CONTAINERS } from "../infra/compute/index.js";
import { planGraph } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { DEFAULT_SETTINGS } from "../policies/settings.js";
import { ROOT } from "../test/estate-plans.js";

/** What a first `pulumi up` must create before each app: the app's package, its host's containers. */
let plans: { elastic: Plan; flex: Plan };
beforeAll(async () => {
  const elastic = await planStack({ projectDir: ROOT, stack: "dev" });
  const flex = await planStack({ projectDir: ROOT, stack: "dev", configOverrides: { "estate:compute": JSON.stringify({ functions: { plan: "FlexConsumption", maxInstances: 100 } }) } });
  plans = { elastic, flex };
});

const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const upload = (plan: Plan, service: string) => plan.resources.find((r) => r.type === "command:local:Command" && r.name === `package-${service}`)!;
const container = (plan: Plan, name: string) => ofType(plan, "azure-native:storage:BlobContainer").find((r) => r.inputs.containerName === name)!;
const functionApps = (plan: Plan) => ofType(plan, "azure-native:web:WebApp").filter((r) => String(r.inputs.kind).startsWith("functionapp"));
const service = (app: PlanResource) => app.name.replace(/^compute-/, "");

describe.each(["elastic", "flex"] as const)("deploy ordering on %s functions", (hosting) => {
  it("makes every app wait for its own package's upload", () => {
    const plan = plans[hosting];
    const apps = ofType(plan, "azure-native:web:WebApp");
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) expect(app.dependsOn, app.urn).toContain(upload(plan, service(app)).urn);
  });

  it("grants the host its containers only once they exist", () => {
    const plan = plans[hosting];
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => /\/containers\/azure-webjobs-/.test(String(r.inputs.scope)));
    expect(grants.length).toBe(functionApps(plan).length * FUNCTIONS_HOST_CONTAINERS.length);
    for (const grant of grants) {
      const named = FUNCTIONS_HOST_CONTAINERS.find((c) => String(grant.inputs.scope).endsWith(`/containers/${c}`))!;
      expect(grant.dependsOn, grant.urn).toContain(container(plan, named).urn);
    }
  });
});

it("makes Flex apps wait for the container they deploy from", () => {
  const deployments = container(plans.flex, "deployments");
  for (const app of functionApps(plans.flex)) {
    expect((app.inputs.functionAppConfig as any).deployment.storage.value).toBe(`https://${deployments.inputs.accountName}.blob.core.windows.net/deployments`);
    expect(app.dependsOn, app.urn).toContain(deployments.urn);
  }
});

it("leaves nothing for EST-STK-013 to find: every input naming a resource of the program waits for it", () => {
  const rule = RULES.find((r) => r.id === "EST-STK-013")!;
  const context = { profile: "dev" as const, stack: "dev", now: new Date("2026-12-01T12:00:00Z"), settings: DEFAULT_SETTINGS };
  for (const plan of Object.values(plans)) expect(rule.kind === "stack" && rule.check(planGraph(plan), context)).toEqual([]);
});
