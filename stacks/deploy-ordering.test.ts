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
  const flex = await planStack({
    projectDir: ROOT,
    stack: "dev",
    configOverrides: {
      "estate:compute": JSON.stringify({ functions: { plan: "FlexConsumption", maxInstances: 100 } }),
    },
  });
  plans = { elastic, flex };
});

const ofType = (plan: Plan, type: string) => plan.resources.filter((r) => r.type === type);
const upload = (plan: Plan, service: string) =>
  plan.resources.find((r) => r.type === "command:local:Command" && r.name === `package-${service}`)!;
const container = (plan: Plan, name: string) =>
  ofType(plan, "azure-native:storage:BlobContainer").find((r) => r.inputs.containerName === name)!;
const functionApps = (plan: Plan) =>
  ofType(plan, "azure-native:web:WebApp").filter((r) => String(r.inputs.kind).startsWith("functionapp"));
const service = (app: PlanResource) => app.name.replace(/^compute-/, "");

it("makes every app wait for its own package's upload (Elastic Premium)", () => {
  const apps = ofType(plans.elastic, "azure-native:web:WebApp");
  expect(apps.length).toBeGreaterThan(0);
  for (const app of apps) expect(app.dependsOn, app.urn).toContain(upload(plans.elastic, service(app)).urn);
});

describe.each(["elastic", "flex"] as const)("deploy ordering on %s functions", (hosting) => {
  it("grants the host its containers only once they exist", () => {
    const plan = plans[hosting];
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) =>
      /\/containers\/azure-webjobs-/.test(String(r.inputs.scope)),
    );
    expect(grants.length).toBe(functionApps(plan).length * FUNCTIONS_HOST_CONTAINERS.length);
    for (const grant of grants) {
      const named = FUNCTIONS_HOST_CONTAINERS.find((c) => String(grant.inputs.scope).endsWith(`/containers/${c}`))!;
      expect(grant.dependsOn, grant.urn).toContain(container(plan, named).urn);
    }
  });
});

describe("Flex apps, deployed by One deploy", () => {
  const grantOn = (plan: Plan, scope: unknown) =>
    ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs.scope === scope);

  it("each deploy from a container of their own, which they wait for and alone may write", () => {
    for (const app of functionApps(plans.flex)) {
      const own = container(plans.flex, `deploy-${service(app)}`);
      expect((app.inputs.functionAppConfig as any).deployment.storage.value).toBe(
        `https://${own.inputs.accountName}.blob.core.windows.net/deploy-${service(app)}`,
      );
      expect(app.dependsOn, app.urn).toContain(own.urn);
      const writers = grantOn(plans.flex, own.outputs.id);
      expect(writers.map((g) => g.inputs.principalId)).toEqual([(app.outputs.identity as any).principalId]);
    }
  });

  it("get their package published after they exist and may write it, with no blob upload or package URL", () => {
    for (const app of functionApps(plans.flex)) {
      const publish = plans.flex.resources.find(
        (r) => r.type === "command:local:Command" && r.name === `publish-${service(app)}`,
      )!;
      expect(publish.inputs.create).toMatch(/^az functionapp deployment source config-zip /);
      expect(publish.dependsOn).toContain(app.urn);
      const grant = grantOn(plans.flex, container(plans.flex, `deploy-${service(app)}`).outputs.id)[0]!;
      expect(publish.dependsOn).toContain(grant.urn);
      expect(upload(plans.flex, service(app))).toBeUndefined();
      expect(JSON.stringify(app.inputs.siteConfig)).not.toContain("WEBSITE_RUN_FROM_PACKAGE");
    }
  });

  it("take their publish through an SCM site that admits the management subnet alone, by its Microsoft.Web endpoint", () => {
    const management = ofType(plans.flex, "azure-native:network:Subnet").find((s) =>
      String(s.inputs.subnetName).endsWith("-management"),
    )!;
    expect(management.inputs.serviceEndpoints).toEqual([{ service: "Microsoft.Web" }]);
    for (const app of functionApps(plans.flex)) {
      const config = app.inputs.siteConfig as any;
      expect(config.scmIpSecurityRestrictionsDefaultAction).toBe("Deny");
      expect(config.scmIpSecurityRestrictions.map((r: any) => [r.action, r.vnetSubnetResourceId])).toEqual([
        ["Allow", management.outputs.id],
      ]);
    }
    // Apps that run from their uploaded package take nothing through their SCM site: it admits nobody.
    for (const app of functionApps(plans.elastic))
      expect((app.inputs.siteConfig as any).scmIpSecurityRestrictions, app.name).toEqual([]);
  });
});

it("leaves nothing for EST-STK-013 to find: every input naming a resource of the program waits for it", () => {
  const rule = RULES.find((r) => r.id === "EST-STK-013")!;
  const context = {
    profile: "dev" as const,
    stack: "dev",
    now: new Date("2026-12-01T12:00:00Z"),
    settings: DEFAULT_SETTINGS,
  };
  for (const plan of Object.values(plans))
    expect(rule.kind === "stack" && rule.check(planGraph(plan), context)).toEqual([]);
});
