// Alerts from the stack config: each rule's threshold, window and severity as the stack file says,
// each metric rule only on resources of its kind the stack declares, and bad rule config refused.
import { beforeAll, describe, expect, it } from "vitest";
import { planStack } from "../cli/plan/stack.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { ROOT } from "../test/estate-plans.js";

const plans: Record<string, Plan> = {};
beforeAll(async () => {
  // One after another: Pulumi's runtime is per process.
  plans.ninevectors = await planStack({ projectDir: ROOT, stack: "ninevectors" });
  plans.chatlings = await planStack({ projectDir: ROOT, stack: "chatlings" });
  plans.dreamspace = await planStack({ projectDir: ROOT, stack: "dreamspace" });
  plans.lean = await planStack({
    projectDir: ROOT,
    stack: "dev",
    configOverrides: {
      "estate:data": JSON.stringify({ redis: { enabled: false }, sql: { enabled: false } }),
      "estate:observability": JSON.stringify({
        alerts: { rules: { latencyP95: { enabled: false }, http5xx: { threshold: 20, window: "PT15M", severity: 4 } } },
      }),
    },
  });
});

const metricAlerts = (plan: Plan, metric: string) =>
  plan.resources.filter(
    (r) => r.type === "azure-native:monitor:MetricAlert" && (r.inputs.criteria as any).allOf?.[0].metricName === metric,
  );
const logAlert = (plan: Plan, column: string): PlanResource | undefined =>
  plan.resources.find(
    (r) =>
      r.type === "azure-native:monitor:ScheduledQueryRule" &&
      (r.inputs.criteria as any).allOf[0].metricMeasureColumn === column,
  );
const byId = (plan: Plan) => new Map(plan.resources.map((r) => [r.outputs.id, r]));
const targetsOf = (plan: Plan, metric: string) =>
  metricAlerts(plan, metric).map((a) => byId(plan).get((a.inputs.scopes as string[])[0])?.type);

describe("alert thresholds from the seed stacks' config", () => {
  it("9Vectors: error rate > 5 % over 5 minutes and p95 > 2 s over 10 minutes as errors, resource usage > 80 % over 15 minutes as warnings", () => {
    const plan = plans.ninevectors;
    expect(logAlert(plan, "failedPercent")!.inputs).toMatchObject({
      severity: 1,
      windowSize: "PT5M",
      criteria: { allOf: [{ threshold: 5 }] },
    });
    expect(logAlert(plan, "p95Ms")!.inputs).toMatchObject({
      severity: 1,
      windowSize: "PT10M",
      criteria: { allOf: [{ threshold: 2000 }] },
    });
    for (const metric of [
      "CpuPercentage",
      "MemoryPercentage",
      "cpu_percent",
      "NormalizedRUConsumption",
      "usedmemorypercentage",
    ]) {
      expect(metricAlerts(plan, metric).length, metric).toBeGreaterThan(0);
      for (const alert of metricAlerts(plan, metric))
        expect(alert.inputs).toMatchObject({
          severity: 2,
          windowSize: "PT15M",
          criteria: { allOf: [{ threshold: 80 }] },
        });
    }
  });

  it("Chatlings: its critical alerts as errors, its warnings as warnings", () => {
    const plan = plans.chatlings;
    expect(logAlert(plan, "failedPercent")!.inputs).toMatchObject({
      severity: 1,
      windowSize: "PT5M",
      criteria: { allOf: [{ threshold: 10 }] },
    });
    expect(logAlert(plan, "p95Ms")!.inputs).toMatchObject({
      severity: 1,
      windowSize: "PT5M",
      criteria: { allOf: [{ threshold: 5000 }] },
    });
    expect(metricAlerts(plan, "MemoryPercentage").map((a) => (a.inputs.criteria as any).allOf[0].threshold)).toEqual([
      85, 85,
    ]);
    // Cache hit ratio < 70 % is Redis's miss rate > 30 %.
    expect(
      metricAlerts(plan, "cachemissrate").map((a) => [a.inputs.severity, (a.inputs.criteria as any).allOf[0]]),
    ).toEqual([[2, expect.objectContaining({ operator: "GreaterThan", threshold: 30 })]]);
    const notifications = plan.resources.find((r) => r.type === "azure-native:consumption:Budget")!.inputs
      .notifications as Record<string, { thresholdType: string }>;
    expect(Object.keys(notifications).sort()).toEqual([
      "actual-100-percent",
      "actual-80-percent",
      "forecasted-100-percent",
    ]);
  });
});

describe("alerts only where their service exists", () => {
  it("App Service plan CPU and memory on the web and Elastic Premium plans, none on Flex Consumption", () => {
    expect(targetsOf(plans.chatlings, "CpuPercentage")).toEqual([
      "azure-native:web:AppServicePlan",
      "azure-native:web:AppServicePlan",
    ]);
    expect(metricAlerts(plans.dreamspace, "CpuPercentage")).toEqual([]);
    expect(metricAlerts(plans.dreamspace, "MemoryPercentage")).toEqual([]);
  });

  it("SQL CPU per database, Redis memory and hit rate per cache, storage availability per account", () => {
    expect(targetsOf(plans.ninevectors, "cpu_percent")).toEqual(["azure-native:sql:Database"]);
    expect(metricAlerts(plans.chatlings, "cpu_percent")).toEqual([]);
    expect(targetsOf(plans.chatlings, "cachemissrate")).toEqual(["azure-native:redis:Redis"]);
    for (const plan of [plans.ninevectors, plans.chatlings, plans.dreamspace]) {
      expect(targetsOf(plan, "Availability")).toEqual(["azure-native:storage:StorageAccount"]);
      expect(metricAlerts(plan, "Availability")[0].inputs).toMatchObject({
        criteria: { allOf: [{ operator: "LessThan", threshold: 99 }] },
      });
    }
    expect(metricAlerts(plans.lean, "usedmemorypercentage")).toEqual([]);
    expect(metricAlerts(plans.lean, "cachemissrate")).toEqual([]);
    expect(metricAlerts(plans.lean, "cpu_percent")).toEqual([]);
  });

  it("a rule the stack turns off is not declared; an overridden one takes the stack's values", () => {
    expect(logAlert(plans.lean, "p95Ms")).toBeUndefined();
    expect(logAlert(plans.lean, "failedPercent")).toBeDefined();
    for (const alert of metricAlerts(plans.lean, "Http5xx"))
      expect(alert.inputs).toMatchObject({
        severity: 4,
        windowSize: "PT15M",
        criteria: { allOf: [{ threshold: 20 }] },
      });
    expect(metricAlerts(plans.lean, "Http5xx").length).toBeGreaterThan(0);
  });
});

describe("alert config refused before anything is declared", () => {
  const DEV = { "estate:profile": "dev", "estate:owner": "team@contoso.com", "estate:costCentre": "CC-1" };
  const problems = (observability: object) => {
    try {
      loadConfig({ ...DEV, "estate:observability": JSON.stringify(observability) }, { stack: "dev" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };

  it.each([
    [
      "an unknown rule",
      { alerts: { rules: { cpu: { threshold: 80 } } } },
      "estate:observability.alerts.rules.cpu",
      /unknown key; allowed keys here: cosmosRu, redisMemory, cacheHitRate/,
    ],
    [
      "a threshold out of range",
      { alerts: { rules: { appCpu: { threshold: 180 } } } },
      "estate:observability.alerts.rules.appCpu.threshold",
      /got 180; App Service plan CPU takes 0-100 %/,
    ],
    [
      "a window that is no ISO duration",
      { alerts: { rules: { errorRate: { window: "5m" } } } },
      "estate:observability.alerts.rules.errorRate.window",
      /got "5m"; a log search alert accepts the windows PT5M, PT10M/,
    ],
    [
      "a log window on a metric alert",
      { alerts: { rules: { appCpu: { window: "PT10M" } } } },
      "estate:observability.alerts.rules.appCpu.window",
      /a metric alert accepts the windows PT1M, PT5M, PT15M/,
    ],
    [
      "a severity Azure has not",
      { alerts: { rules: { latencyP95: { severity: 5 } } } },
      "estate:observability.alerts.rules.latencyP95.severity",
      /5/,
    ],
    [
      "more budget notifications than Azure takes",
      { budget: { actualPercent: [50, 80, 100], forecastPercent: [80, 100, 120] } },
      "estate:observability.budget",
      /6 notifications; Azure allows 5 per budget/,
    ],
  ])("%s", (_label, observability, key, message) => {
    const found = problems(observability);
    expect(found.find((p) => p.key === key)?.message, JSON.stringify(found)).toMatch(message);
  });

  it("keeps today's alerts by default", () => {
    const { rules } = loadConfig(DEV, { stack: "dev" }).observability.alerts;
    expect(rules.errorRate).toEqual({ enabled: true, threshold: 5, window: "PT5M" });
    expect(rules.latencyP95).toEqual({ enabled: true, threshold: 2000, window: "PT10M" });
    expect(rules.cosmosRu).toEqual({ enabled: true, threshold: 80, window: "PT15M" });
  });
});
