import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { Compute, type ComputeArgs, type WebHosting } from "./index.js";

const SUBNETS = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets";
const WEB: WebHosting = {
  sku: "P1v3",
  minInstances: 2,
  maxInstances: 10,
  webSockets: true,
  stagingSlot: true,
  autoscale: { scaleOut: { cpuPercent: 70, minutes: 5 }, scaleIn: { cpuPercent: 30, minutes: 10 }, cooldownMinutes: 5 },
};
const ARGS: ComputeArgs = {
  ...BASE,
  apps: [
    {
      name: "web",
      kind: "web-app",
      appSettings: { MODE: "live" },
      packageUrl: "https://sthost.blob.core.windows.net/deployments/web/abc.zip",
    },
  ],
  functions: { plan: "ElasticPremium", sku: "EP1", alwaysReady: 1, maxInstances: 20 },
  web: WEB,
  zoneRedundant: false,
  integrationSubnetId: `${SUBNETS}/snet-integration`,
  inbound: { name: "allow-front-door", description: "Front Door only", serviceTag: "AzureFrontDoor.Backend" },
  appInsights: {
    id: "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi",
    connectionString: "InstrumentationKey=k",
  },
};
const withWeb = (web: Partial<WebHosting>) =>
  planComponents(() => void new Compute("compute", { ...ARGS, web: { ...WEB, ...web } }));

describe("Compute web apps: WebSockets, staging slot, autoscale from config", () => {
  let plan: Plan;
  let slotPrincipal: string | undefined;
  beforeAll(async () => {
    plan = await planComponents(() => {
      const compute = new Compute("compute", ARGS);
      compute.apps.web.stagingSlot!.principalId.apply((id) => (slotPrincipal = id));
      return {};
    });
  });

  it("turns WebSockets on and ARR affinity off on the app", () => {
    const app = oneOfType(plan, "azure-native:web:WebApp").inputs as any;
    expect(app.siteConfig.webSocketsEnabled).toBe(true);
    expect(app.clientAffinityEnabled).toBe(false);
  });

  it("gives the app a staging slot with the same settings, package and kind of identity, and the slot's own telemetry grant", () => {
    const app = oneOfType(plan, "azure-native:web:WebApp");
    const slot = oneOfType(plan, "azure-native:web:WebAppSlot");
    expect(slot.inputs).toMatchObject({
      name: app.physicalName,
      slot: "staging",
      serverFarmId: app.inputs.serverFarmId,
      clientAffinityEnabled: false,
      httpsOnly: true,
    });
    expect(slot.inputs.identity).toEqual({ type: "SystemAssigned" });
    expect(slot.inputs.siteConfig).toEqual(app.inputs.siteConfig);
    const settings = Object.fromEntries((slot.inputs.siteConfig as any).appSettings.map((s: any) => [s.name, s.value]));
    expect(settings).toMatchObject({
      WEBSITE_RUN_FROM_PACKAGE: "https://sthost.blob.core.windows.net/deployments/web/abc.zip",
      MODE: "live",
    });
    expect(slotPrincipal).toBe((slot.outputs.identity as any).principalId);
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter(
      (r) => r.inputs.principalId === slotPrincipal,
    );
    expect(grants).toHaveLength(1);
  });

  it("autoscales 2-10 with the configured rules: +1 above 70 % for 5 min, -1 below 30 % for 10 min, 5 min cooldown", () => {
    const [profile] = (oneOfType(plan, "azure-native:monitor:AutoscaleSetting").inputs as any).profiles;
    expect(profile.capacity).toEqual({ minimum: "2", maximum: "10", default: "2" });
    const rules = profile.rules.map((r: any) => [
      r.metricTrigger.operator,
      r.metricTrigger.threshold,
      r.metricTrigger.timeWindow,
      r.scaleAction.direction,
      r.scaleAction.value,
      r.scaleAction.cooldown,
    ]);
    expect(rules).toEqual([
      ["GreaterThan", 70, "PT5M", "Increase", "1", "PT5M"],
      ["LessThan", 30, "PT10M", "Decrease", "1", "PT5M"],
    ]);
  });

  it("declares no slot and leaves WebSockets off when the config says so", async () => {
    const off = await withWeb({ webSockets: false, stagingSlot: false });
    expect(ofType(off, "azure-native:web:WebAppSlot")).toEqual([]);
    expect((oneOfType(off, "azure-native:web:WebApp").inputs as any).siteConfig.webSocketsEnabled).toBe(false);
  });

  it("refuses a slot on Basic, a window under 5 minutes, a scale-in threshold not below scale-out, and a zero cooldown, naming each key", async () => {
    await expect(withWeb({ sku: "B1", maxInstances: 3 })).rejects.toThrow(
      /web\.stagingSlot: B1 \(Basic\) has no deployment slots/,
    );
    await expect(
      withWeb({ autoscale: { ...WEB.autoscale, scaleOut: { cpuPercent: 70, minutes: 2 } } }),
    ).rejects.toThrow(/web\.autoscale\.scaleOut\.minutes: got 2/);
    await expect(
      withWeb({ autoscale: { ...WEB.autoscale, scaleIn: { cpuPercent: 80, minutes: 10 } } }),
    ).rejects.toThrow(/web\.autoscale\.scaleIn\.cpuPercent: got 80, not below scaleOut\.cpuPercent 70/);
    await expect(withWeb({ autoscale: { ...WEB.autoscale, cooldownMinutes: 0 } })).rejects.toThrow(
      /web\.autoscale\.cooldownMinutes: got 0/,
    );
  });
});
