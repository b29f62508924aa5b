import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { Alerts, METRIC_RULES, type AlertsArgs } from "./alerts.js";
import { Budget, monthStart } from "./budget.js";

const ID = (path: string) => `/subscriptions/s/resourceGroups/rg-test/providers/${path}`;
const APPI = ID("Microsoft.Insights/components/appi");
const ARGS: AlertsArgs = {
  ...BASE,
  receivers: { emails: ["oncall@contoso.com"], webhooks: ["https://hooks.contoso.com/alerts"] },
  severity: 1,
  appInsightsId: APPI,
  metricAlerts: [
    { rule: "cosmosRu", key: "cosmos", resourceId: ID("Microsoft.DocumentDB/databaseAccounts/cosmos") },
    { rule: "http5xx", key: "api", resourceId: ID("Microsoft.Web/sites/func-api") },
  ],
  availabilityUrl: "https://fde.z01.azurefd.net/api/v1/health",
};

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const alerts = new Alerts("alerts", ARGS);
    new Budget("budget", {
      namer: BASE.namer,
      scope: ID("").replace(/\/providers\/$/, ""),
      monthlyAmount: 300,
      emails: ["oncall@contoso.com"],
      actionGroupId: alerts.actionGroupId,
      now: new Date("2026-11-24T10:00:00Z"),
    });
    return { actionGroupId: alerts.actionGroupId };
  });
});

describe("Alerts", () => {
  it("notifies the configured emails and webhooks", () => {
    const group = oneOfType(plan, "azure-native:monitor:ActionGroup").inputs as any;
    expect(group.emailReceivers.map((r: any) => r.emailAddress)).toEqual(["oncall@contoso.com"]);
    expect(group.webhookReceivers.map((r: any) => r.serviceUri)).toEqual(["https://hooks.contoso.com/alerts"]);
    expect(group.groupShortName.length).toBeLessThanOrEqual(12);
  });

  it("raises one metric alert per target, on that resource, to the action group", () => {
    const alerts = ofType(plan, "azure-native:monitor:MetricAlert").filter((a) => (a.inputs.criteria as any).allOf);
    expect(alerts).toHaveLength(2);
    for (const target of ARGS.metricAlerts) {
      const alert = alerts.find((a) => (a.inputs.scopes as string[])[0] === target.resourceId)!;
      const rule = METRIC_RULES[target.rule];
      expect((alert.inputs.criteria as any).allOf[0]).toMatchObject({ metricName: rule.metric, metricNamespace: rule.namespace, threshold: rule.threshold });
      expect(alert.inputs).toMatchObject({ windowSize: rule.window, severity: 1, actions: [{ actionGroupId: plan.outputs.actionGroupId }] });
    }
    expect(METRIC_RULES.cosmosRu).toMatchObject({ threshold: 80, window: "PT15M" });
  });

  it("alerts on error rate > 5 % over 5 minutes and p95 latency > 2 s over 10 minutes from App Insights", () => {
    const rules = Object.fromEntries(
      ofType(plan, "azure-native:monitor:ScheduledQueryRule").map((r) => [(r.inputs.criteria as any).allOf[0].metricMeasureColumn, r.inputs as any]),
    );
    expect(rules.failedPercent).toMatchObject({ windowSize: "PT5M", scopes: [APPI], criteria: { allOf: [{ threshold: 5, operator: "GreaterThan" }] } });
    expect(rules.p95Ms).toMatchObject({ windowSize: "PT10M", criteria: { allOf: [{ threshold: 2000 }] } });
    expect(rules.p95Ms.actions.actionGroups).toEqual([plan.outputs.actionGroupId]);
  });

  it("tests the health URL from several regions and alerts when two locations fail", () => {
    const test = oneOfType(plan, "azure-native:applicationinsights:WebTest");
    expect(test.inputs).toMatchObject({ kind: "standard", webTestKind: "standard", request: { requestUrl: ARGS.availabilityUrl, httpVerb: "GET" } });
    expect((test.inputs.tags as Record<string, string>)[`hidden-link:${APPI}`]).toBe("Resource");
    expect((test.inputs.locations as unknown[]).length).toBeGreaterThanOrEqual(5);
    const alert = ofType(plan, "azure-native:monitor:MetricAlert").find((a) => (a.inputs.criteria as any).webTestId);
    expect(alert?.inputs.criteria).toMatchObject({ webTestId: test.outputs.id, componentId: APPI, failedLocationCount: 2 });
  });

  it("budgets monthly from the first of the month and notifies at 80 % and 100 %", () => {
    const budget = oneOfType(plan, "azure-native:consumption:Budget").inputs as any;
    expect(budget).toMatchObject({ amount: 300, timeGrain: "Monthly", category: "Cost", timePeriod: { startDate: "2026-11-01T00:00:00Z" } });
    const thresholds = Object.values(budget.notifications)
      .map((n: any) => [n.threshold, n.contactGroups[0]])
      .sort((a: any, b: any) => a[0] - b[0]);
    expect(thresholds).toEqual([
      [80, plan.outputs.actionGroupId],
      [100, plan.outputs.actionGroupId],
    ]);
    expect(monthStart(new Date("2026-01-31T23:59:00Z"))).toBe("2026-01-01T00:00:00Z");
  });

  it("refuses alerts that reach nobody and an impossible severity", async () => {
    await expect(planComponents(() => void new Alerts("alerts", { ...ARGS, receivers: { emails: [], webhooks: [] } }))).rejects.toThrow(/no receivers/);
    await expect(planComponents(() => void new Alerts("alerts", { ...ARGS, severity: 7 }))).rejects.toThrow(/severity got 7/);
  });
});
