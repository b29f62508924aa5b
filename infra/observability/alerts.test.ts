import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { Alerts, alertSettingsProblems, METRIC_RULES, type AlertsArgs } from "./alerts.js";
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
      expect((alert.inputs.criteria as any).allOf[0]).toMatchObject({
        metricName: rule.metric,
        metricNamespace: rule.namespace,
        threshold: rule.threshold,
      });
      expect(alert.inputs).toMatchObject({
        windowSize: rule.window,
        severity: 1,
        actions: [{ actionGroupId: plan.outputs.actionGroupId }],
      });
    }
    expect(METRIC_RULES.cosmosRu).toMatchObject({ threshold: 80, window: "PT15M" });
  });

  it("alerts on error rate > 5 % over 5 minutes and p95 latency > 2 s over 10 minutes from App Insights", () => {
    const rules = Object.fromEntries(
      ofType(plan, "azure-native:monitor:ScheduledQueryRule").map((r) => [
        (r.inputs.criteria as any).allOf[0].metricMeasureColumn,
        r.inputs as any,
      ]),
    );
    expect(rules.failedPercent).toMatchObject({
      windowSize: "PT5M",
      scopes: [APPI],
      criteria: { allOf: [{ threshold: 5, operator: "GreaterThan" }] },
    });
    expect(rules.p95Ms).toMatchObject({ windowSize: "PT10M", criteria: { allOf: [{ threshold: 2000 }] } });
    expect(rules.p95Ms.actions.actionGroups).toEqual([plan.outputs.actionGroupId]);
  });

  it("tests the health URL from several regions and alerts when two locations fail", () => {
    const test = oneOfType(plan, "azure-native:applicationinsights:WebTest");
    expect(test.inputs).toMatchObject({
      kind: "standard",
      webTestKind: "standard",
      request: { requestUrl: ARGS.availabilityUrl, httpVerb: "GET" },
    });
    expect((test.inputs.tags as Record<string, string>)[`hidden-link:${APPI}`]).toBe("Resource");
    expect((test.inputs.locations as unknown[]).length).toBeGreaterThanOrEqual(5);
    const alert = ofType(plan, "azure-native:monitor:MetricAlert").find((a) => (a.inputs.criteria as any).webTestId);
    expect(alert?.inputs.criteria).toMatchObject({
      webTestId: test.outputs.id,
      componentId: APPI,
      failedLocationCount: 2,
    });
  });

  it("budgets monthly from the first of the month and notifies at 80 % and 100 %", () => {
    const budget = oneOfType(plan, "azure-native:consumption:Budget").inputs as any;
    expect(budget).toMatchObject({
      amount: 300,
      timeGrain: "Monthly",
      category: "Cost",
      timePeriod: { startDate: "2026-11-01T00:00:00Z" },
    });
    const thresholds = Object.values(budget.notifications)
      .map((n: any) => [n.threshold, n.contactGroups[0]])
      .sort((a: any, b: any) => a[0] - b[0]);
    expect(thresholds).toEqual([
      [80, plan.outputs.actionGroupId],
      [100, plan.outputs.actionGroupId],
    ]);
    expect(monthStart(new Date("2026-01-31T23:59:00Z"))).toBe("2026-01-01T00:00:00Z");
  });

  it("takes each rule's threshold, window and severity, or turns it off", async () => {
    const tuned = await planComponents(() => {
      new Alerts("alerts", {
        ...ARGS,
        metricAlerts: [
          ...ARGS.metricAlerts,
          { rule: "cacheHitRate", key: "redis", resourceId: ID("Microsoft.Cache/redis/redis") },
        ],
        rules: {
          errorRate: { threshold: 10, severity: 0 },
          latencyP95: { enabled: false },
          cosmosRu: { window: "PT1M", threshold: 90 },
          cacheHitRate: { threshold: 70, severity: 2 },
        },
      });
    });
    const logRules = ofType(tuned, "azure-native:monitor:ScheduledQueryRule");
    expect(logRules).toHaveLength(1);
    expect(logRules[0].inputs).toMatchObject({
      severity: 0,
      windowSize: "PT5M",
      criteria: { allOf: [{ metricMeasureColumn: "failedPercent", threshold: 10 }] },
    });
    expect(logRules[0].inputs.description).toBe("Failed requests above 10 % over 5 minutes.");
    const metric = (name: string) =>
      ofType(tuned, "azure-native:monitor:MetricAlert").find(
        (a) => (a.inputs.criteria as any).allOf?.[0].metricName === name,
      )!.inputs as any;
    // A one-minute window is evaluated every minute: Azure refuses a window shorter than the frequency.
    expect(metric("NormalizedRUConsumption")).toMatchObject({
      windowSize: "PT1M",
      evaluationFrequency: "PT1M",
      severity: 1,
      criteria: { allOf: [{ threshold: 90 }] },
    });
    // Redis reports misses: a hit rate below 70 % is a miss rate above 30 %.
    expect(metric("cachemissrate")).toMatchObject({
      severity: 2,
      windowSize: "PT15M",
      criteria: { allOf: [{ operator: "GreaterThan", threshold: 30 }] },
    });
    expect(metric("cachemissrate").description).toBe("Redis cache hit rate below 70 % over 15 minutes.");
  });

  it("refuses a threshold out of range and a window Azure does not accept for the kind of alert", async () => {
    await expect(
      planComponents(() => void new Alerts("alerts", { ...ARGS, rules: { cosmosRu: { threshold: 120 } } })),
    ).rejects.toThrow(/rule cosmosRu: threshold got 120; .* takes 0-100 %/);
    // PT10M is a log alert window, not a metric alert one.
    await expect(
      planComponents(() => void new Alerts("alerts", { ...ARGS, rules: { http5xx: { window: "PT10M" } } })),
    ).rejects.toThrow(/rule http5xx: window got "PT10M"; a metric alert accepts the windows PT1M, PT5M/);
    expect(
      alertSettingsProblems("latencyP95", { enabled: true, threshold: 1000, window: "PT10M", severity: 2 }),
    ).toEqual([]);
    expect(
      alertSettingsProblems("latencyP95", { enabled: true, threshold: 1000, window: "10m", severity: 5 }).map(
        (p) => p.field,
      ),
    ).toEqual(["window", "severity"]);
  });

  it("notifies on Azure's forecast too, and refuses more notifications than a budget takes", async () => {
    const forecast = await planComponents(() => {
      new Budget("budget", {
        namer: BASE.namer,
        scope: "/subscriptions/s/resourceGroups/rg-test",
        monthlyAmount: 300,
        emails: [],
        actionGroupId: "ag",
        thresholdsPercent: [90],
        forecastPercent: [100],
        now: new Date("2026-11-24T10:00:00Z"),
      });
    });
    const notifications = oneOfType(forecast, "azure-native:consumption:Budget").inputs.notifications as Record<
      string,
      { threshold: number; thresholdType: string }
    >;
    expect(
      Object.fromEntries(Object.entries(notifications).map(([key, n]) => [key, [n.threshold, n.thresholdType]])),
    ).toEqual({
      "actual-90-percent": [90, "Actual"],
      "forecasted-100-percent": [100, "Forecasted"],
    });
    await expect(
      planComponents(
        () =>
          void new Budget("budget", {
            namer: BASE.namer,
            scope: "s",
            monthlyAmount: 1,
            emails: [],
            actionGroupId: "ag",
            thresholdsPercent: [10, 20, 30, 40],
            forecastPercent: [50, 60],
          }),
      ),
    ).rejects.toThrow(/6 notifications; Azure allows 5 per budget/);
  });

  it("refuses alerts that reach nobody and an impossible severity", async () => {
    await expect(
      planComponents(() => void new Alerts("alerts", { ...ARGS, receivers: { emails: [], webhooks: [] } })),
    ).rejects.toThrow(/no receivers/);
    await expect(planComponents(() => void new Alerts("alerts", { ...ARGS, severity: 7 }))).rejects.toThrow(
      /severity got 7/,
    );
  });
});
