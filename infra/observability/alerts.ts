import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import type { BaseArgs } from "../core/args.js";
import type { Namer } from "../naming/index.js";

/**
 * Windows Azure accepts for a metric alert's `windowSize`, and for a log search alert's
 * (https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-metric-create-templates,
 * https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-log-create-templates: the templates'
 * allowedValues). Log alerts here are evaluated every 5 minutes, so their window is at least that.
 */
export const METRIC_WINDOWS = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "PT24H"] as const;
export const LOG_WINDOWS = [
  "PT5M",
  "PT10M",
  "PT15M",
  "PT30M",
  "PT45M",
  "PT1H",
  "PT2H",
  "PT3H",
  "PT4H",
  "PT5H",
  "PT6H",
  "PT24H",
  "PT48H",
] as const;

/** How often Azure evaluates the alerts; a shorter metric window is evaluated as often as it is long. */
const EVALUATION_FREQUENCY = "PT5M";

interface RuleSpec {
  /** What is measured, for the description: "Cosmos DB normalised RU consumption". */
  what: string;
  unit: string;
  /** Fires when the value is above (`GreaterThan`) or below (`LessThan`) the threshold. */
  operator: "GreaterThan" | "LessThan";
  threshold: number;
  window: string;
  /** The thresholds that make sense for the measure (a percentage is 0-100). */
  range: { min: number; max: number };
}

interface MetricRuleSpec extends RuleSpec {
  metric: string;
  namespace: string;
  aggregation: "Average" | "Maximum" | "Total";
  /** The metric measures 100 minus the rule's value (misses for a hit rate): the criterion flips. */
  complement?: true;
  /** Only the metric's series with these dimension values count (the 5xx of all requests). */
  dimensions?: readonly { name: string; operator: "Include"; values: readonly string[] }[];
}

const PERCENT = { min: 0, max: 100 };

/** A share of capacity in use: above 80 % over 15 minutes by default, the estate's "resource usage" level. */
const inUse = (what: string, metric: string, namespace: string, aggregation: "Average" | "Maximum") =>
  ({
    what,
    metric,
    namespace,
    aggregation,
    operator: "GreaterThan",
    unit: " %",
    threshold: 80,
    window: "PT15M",
    range: PERCENT,
  }) as const;

/**
 * Metric alert rules, one per kind of resource the estate watches, with the estate's default
 * service levels; a stack overrides threshold, window and severity per rule. Metric names from
 * https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/metrics-index.
 */
export const METRIC_RULES = {
  cosmosRu: inUse(
    "Cosmos DB normalised RU consumption (requests are about to be throttled)",
    "NormalizedRUConsumption",
    "Microsoft.DocumentDB/databaseAccounts",
    "Maximum",
  ),
  redisMemory: inUse("Redis memory (keys will be evicted)", "usedmemorypercentage", "Microsoft.Cache/redis", "Maximum"),
  // Redis reports misses, not hits ("Cache Miss Rate", supported-metrics/microsoft-cache-redis-metrics).
  cacheHitRate: {
    what: "Redis cache hit rate",
    metric: "cachemissrate",
    namespace: "Microsoft.Cache/redis",
    aggregation: "Average",
    complement: true,
    operator: "LessThan",
    unit: " %",
    threshold: 70,
    window: "PT15M",
    range: PERCENT,
  },
  sqlCpu: inUse("Azure SQL CPU", "cpu_percent", "Microsoft.Sql/servers/databases", "Average"),
  deadLetters: {
    what: "Dead-lettered Service Bus messages (a poison message needs a look)",
    metric: "DeadletteredMessages",
    namespace: "Microsoft.ServiceBus/namespaces",
    aggregation: "Maximum",
    operator: "GreaterThan",
    unit: "",
    threshold: 0,
    window: "PT5M",
    range: { min: 0, max: 1_000_000 },
  },
  http5xx: {
    what: "Server errors (HTTP 5xx) answered by the app",
    metric: "Http5xx",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    operator: "GreaterThan",
    unit: "",
    threshold: 5,
    window: "PT5M",
    range: { min: 0, max: 1_000_000 },
  },
  // Container Apps count every request in Requests; its statusCodeCategory dimension picks the 5xx
  // (supported-metrics/microsoft-app-containerapps-metrics).
  containerHttp5xx: {
    what: "Server errors (HTTP 5xx) answered by the container app",
    metric: "Requests",
    namespace: "Microsoft.App/containerApps",
    aggregation: "Total",
    dimensions: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }],
    operator: "GreaterThan",
    unit: "",
    threshold: 5,
    window: "PT5M",
    range: { min: 0, max: 1_000_000 },
  },
  // One series averaged over the nodes, so one hot node shows only in the mean (supported-metrics/microsoft-containerservice-managedclusters-metrics).
  aksNodeCpu: inUse(
    "AKS node CPU (averaged over the nodes)",
    "node_cpu_usage_percentage",
    "Microsoft.ContainerService/managedClusters",
    "Average",
  ),
  aksNodeMemory: inUse(
    "AKS node memory working set (averaged over the nodes)",
    "node_memory_working_set_percentage",
    "Microsoft.ContainerService/managedClusters",
    "Average",
  ),
  appCpu: inUse("App Service plan CPU", "CpuPercentage", "Microsoft.Web/serverFarms", "Average"),
  appMemory: inUse("App Service plan memory", "MemoryPercentage", "Microsoft.Web/serverFarms", "Average"),
  storageAvailability: {
    what: "Storage account availability (share of requests that succeed)",
    metric: "Availability",
    namespace: "Microsoft.Storage/storageAccounts",
    aggregation: "Average",
    operator: "LessThan",
    unit: " %",
    threshold: 99,
    window: "PT15M",
    range: PERCENT,
  },
} as const satisfies Record<string, MetricRuleSpec>;
export type MetricRule = keyof typeof METRIC_RULES;

interface LogRuleSpec extends RuleSpec {
  query: string;
  column: string;
}

/** Log-search alerts on App Insights requests, for what metrics cannot express (ratios, percentiles). */
export const LOG_RULES = {
  errorRate: {
    what: "Failed requests",
    query: "requests | summarize failedPercent = 100.0 * countif(success == false) / count()",
    column: "failedPercent",
    operator: "GreaterThan",
    unit: " %",
    threshold: 5,
    window: "PT5M",
    range: PERCENT,
  },
  latencyP95: {
    what: "95th percentile request duration",
    query: "requests | summarize p95Ms = percentile(duration, 95)",
    column: "p95Ms",
    operator: "GreaterThan",
    unit: " ms",
    threshold: 2000,
    window: "PT10M",
    range: { min: 1, max: 600_000 },
  },
} as const satisfies Record<string, LogRuleSpec>;
export type LogRule = keyof typeof LOG_RULES;

export type AlertRule = MetricRule | LogRule;
const RULES: Record<AlertRule, RuleSpec> = { ...METRIC_RULES, ...LOG_RULES };
export const ALERT_RULES = Object.keys(RULES) as AlertRule[];

/** One rule's settings: what the rule defines, with a stack's overrides. */
export interface AlertSettings {
  enabled: boolean;
  threshold: number;
  window: string;
  /** Azure Monitor severity: 0 critical, 1 error, 2 warning, 3 informational, 4 verbose. */
  severity: number;
}

/** The rule's own defaults (severity comes from the estate). */
export function ruleDefaults(rule: AlertRule): Omit<AlertSettings, "severity"> {
  const { threshold, window } = RULES[rule];
  return { enabled: true, threshold, window };
}

/** What is wrong with a rule's settings, by field: a threshold out of the measure's range, a window Azure refuses for the kind of alert. */
export function alertSettingsProblems(
  rule: AlertRule,
  settings: AlertSettings,
): Array<{ field: keyof AlertSettings; message: string }> {
  const spec = RULES[rule];
  const windows: readonly string[] = rule in LOG_RULES ? LOG_WINDOWS : METRIC_WINDOWS;
  const kind = rule in LOG_RULES ? "log search alert" : "metric alert";
  const problems: Array<{ field: keyof AlertSettings; message: string }> = [];
  if (!(settings.threshold >= spec.range.min && settings.threshold <= spec.range.max)) {
    problems.push({
      field: "threshold",
      message: `got ${settings.threshold}; ${spec.what} takes ${spec.range.min}-${spec.range.max}${spec.unit}`,
    });
  }
  if (!windows.includes(settings.window)) {
    problems.push({
      field: "window",
      message: `got "${settings.window}"; a ${kind} accepts the windows ${windows.join(", ")}`,
    });
  }
  if (!Number.isInteger(settings.severity) || settings.severity < 0 || settings.severity > 4) {
    problems.push({ field: "severity", message: `got ${settings.severity}; expected 0 (critical) to 4 (verbose)` });
  }
  return problems;
}

/** "PT15M" as "15 minutes", for descriptions. */
function spoken(window: string): string {
  const [, hours, minutes] = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(window) ?? [];
  if (hours) return `${hours} hour${hours === "1" ? "" : "s"}`;
  return minutes ? `${minutes} minute${minutes === "1" ? "" : "s"}` : window;
}

const describeRule = (rule: AlertRule, { threshold, window }: AlertSettings) => {
  const spec = RULES[rule];
  return `${spec.what} ${spec.operator === "GreaterThan" ? "above" : "below"} ${threshold}${spec.unit} over ${spoken(window)}.`;
};

/** A metric criterion's operator and threshold: on a complement metric both flip (hit rate < 70 is miss rate > 30). */
function criterion(spec: MetricRuleSpec, threshold: number): { operator: RuleSpec["operator"]; threshold: number } {
  if (!spec.complement) return { operator: spec.operator, threshold };
  return { operator: spec.operator === "LessThan" ? "GreaterThan" : "LessThan", threshold: 100 - threshold };
}

export interface MetricAlertTarget {
  rule: MetricRule;
  /** Distinguishes alerts of one rule, e.g. the app or database name. */
  key: string;
  resourceId: pulumi.Input<string>;
}

export interface Receivers {
  emails: string[];
  webhooks: string[];
}

/** Alerts take no lock: an alert rule is recreated from config in seconds, and a lock would only stop that. */
export interface AlertsArgs extends Omit<BaseArgs, "diagnostics" | "lock"> {
  /** Who the action group emails and calls when an alert fires (at least one address or webhook). */
  receivers: Receivers;
  /** Azure Monitor severity of every alert a rule's settings do not give one: 0 critical ... 4 verbose. */
  severity: number;
  /** Per rule: threshold, window, severity, or off. A rule left out keeps its defaults. */
  rules?: Partial<Record<AlertRule, Partial<AlertSettings>>>;
  /** Resource id of the Application Insights resource: the log alerts' scope and the availability test's home. */
  appInsightsId: pulumi.Input<string>;
  /** The resources to watch and the metric rule each gets (error rate, latency, RU, memory, CPU, dead letters). */
  metricAlerts: MetricAlertTarget[];
  /** Standard availability test of this URL from several regions, alerting when two fail. */
  availabilityUrl?: pulumi.Input<string>;
}

/** A rule key as a name qualifier: `cosmosRu-api` becomes `cosmos-ru-api`. */
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Azure test locations (Europe and US) the availability test runs from. */
export const AVAILABILITY_LOCATIONS = [
  "emea-nl-ams-azr",
  "emea-gb-db3-azr",
  "emea-fr-pra-edge",
  "us-va-ash-azr",
  "us-ca-sjc-azr",
];

export interface ActionGroupArgs {
  /** Resource group the action group goes into. */
  resourceGroupName: pulumi.Input<string>;
  /** Names the action group. */
  namer: Namer;
  /** The emails and webhooks the group notifies (at least one). */
  receivers: Receivers;
  /** Distinguishes a second group of the estate (e.g. a secret's own reminder group). */
  qualifier?: string;
}

/** An action group emailing and calling the receivers, with the common alert schema. */
export function actionGroup(
  name: string,
  args: ActionGroupArgs,
  opts: pulumi.CustomResourceOptions,
): monitor.ActionGroup {
  const { receivers, namer } = args;
  if (receivers.emails.length + receivers.webhooks.length === 0) {
    throw new Error(`${name}: no receivers; give at least one email or webhook, or alerts reach nobody`);
  }
  return new monitor.ActionGroup(
    name,
    {
      actionGroupName: namer.name("actionGroup", args.qualifier),
      resourceGroupName: args.resourceGroupName,
      location: "Global",
      enabled: true,
      // Shown in SMS and email subjects; Azure allows 12 characters.
      groupShortName: (args.qualifier ?? `${namer.context.workload}-${namer.context.environment}`).slice(0, 12),
      emailReceivers: receivers.emails.map((email, i) => ({
        name: `email-${i + 1}`,
        emailAddress: email,
        useCommonAlertSchema: true,
      })),
      webhookReceivers: receivers.webhooks.map((url, i) => ({
        name: `webhook-${i + 1}`,
        serviceUri: url,
        useCommonAlertSchema: true,
      })),
    },
    opts,
  );
}

/**
 * The estate's alerting: an action group (email and webhook receivers), metric alerts on the
 * resources given, error-rate and latency log alerts on App Insights, and an availability test.
 * Each rule's threshold, window and severity come from `rules` (else its defaults and `severity`).
 */
export class Alerts extends pulumi.ComponentResource {
  readonly actionGroupId: pulumi.Output<string>;
  readonly webTestId?: pulumi.Output<string>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:observability:Alerts", name, {}, opts);
    const { resourceGroupName, namer } = args;
    if (!Number.isInteger(args.severity) || args.severity < 0 || args.severity > 4) {
      throw new Error(`alerts: severity got ${args.severity}; expected 0 (critical) to 4 (verbose)`);
    }
    const settings = (rule: AlertRule): AlertSettings => {
      const given = args.rules?.[rule];
      const resolved = { ...ruleDefaults(rule), ...given, severity: given?.severity ?? args.severity };
      const problems = alertSettingsProblems(rule, resolved);
      if (problems.length)
        throw new Error(`alerts: rule ${rule}: ${problems.map((p) => `${p.field} ${p.message}`).join("; ")}`);
      return resolved;
    };

    const group = actionGroup(`${name}-ag`, { resourceGroupName, namer, receivers: args.receivers }, { parent: this });
    this.actionGroupId = group.id;

    const common = { resourceGroupName, enabled: true, autoMitigate: true };
    for (const target of args.metricAlerts) {
      const rule = METRIC_RULES[target.rule];
      const resolved = settings(target.rule);
      if (!resolved.enabled) continue;
      const qualifier = kebab(`${target.rule}-${target.key}`);
      new monitor.MetricAlert(
        `${name}-${qualifier}`,
        {
          ...common,
          severity: resolved.severity,
          ruleName: namer.name("metricAlert", qualifier),
          location: "global",
          description: describeRule(target.rule, resolved),
          scopes: [target.resourceId],
          // The window must be at least the evaluation frequency.
          evaluationFrequency: resolved.window === "PT1M" ? "PT1M" : EVALUATION_FREQUENCY,
          windowSize: resolved.window,
          criteria: {
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [
              {
                criterionType: "StaticThresholdCriterion",
                name: rule.metric,
                metricName: rule.metric,
                metricNamespace: rule.namespace,
                timeAggregation: rule.aggregation,
                ...criterion(rule, resolved.threshold),
                ...("dimensions" in rule
                  ? { dimensions: rule.dimensions.map((d) => ({ ...d, values: [...d.values] })) }
                  : {}),
              },
            ],
          },
          actions: [{ actionGroupId: group.id }],
        },
        { parent: this },
      );
    }

    for (const [key, rule] of Object.entries(LOG_RULES) as Array<[LogRule, (typeof LOG_RULES)[LogRule]]>) {
      const resolved = settings(key);
      if (!resolved.enabled) continue;
      const qualifier = kebab(key);
      new monitor.ScheduledQueryRule(
        `${name}-${qualifier}`,
        {
          ...common,
          severity: resolved.severity,
          ruleName: namer.name("metricAlert", qualifier),
          location: args.location,
          kind: "LogAlert",
          description: describeRule(key, resolved),
          scopes: [args.appInsightsId],
          evaluationFrequency: EVALUATION_FREQUENCY,
          windowSize: resolved.window,
          criteria: {
            allOf: [
              {
                query: rule.query,
                metricMeasureColumn: rule.column,
                timeAggregation: "Maximum",
                operator: rule.operator,
                threshold: resolved.threshold,
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          actions: { actionGroups: [group.id] },
        },
        { parent: this },
      );
    }

    if (args.availabilityUrl) this.webTestId = this.availability(name, args, group);
    this.registerOutputs({ actionGroupId: this.actionGroupId });
  }

  private availability(name: string, args: AlertsArgs, group: monitor.ActionGroup): pulumi.Output<string> {
    const testName = args.namer.name("availabilityTest", "health");
    // Azure links a web test to its App Insights resource through this hidden tag.
    const hiddenLink = pulumi.output(args.appInsightsId).apply((id) => ({ [`hidden-link:${id}`]: "Resource" }));
    const test = new applicationinsights.WebTest(
      `${name}-availability`,
      {
        webTestName: testName,
        syntheticMonitorId: testName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        tags: hiddenLink,
        kind: "standard",
        webTestKind: "standard",
        enabled: true,
        frequency: 300,
        timeout: 30,
        retryEnabled: true,
        locations: AVAILABILITY_LOCATIONS.map((location) => ({ location })),
        request: {
          requestUrl: args.availabilityUrl,
          httpVerb: "GET",
          followRedirects: false,
          parseDependentRequests: false,
        },
        validationRules: { expectedHttpStatusCode: 200, sSLCheck: true, sSLCertRemainingLifetimeCheck: 14 },
      },
      { parent: this },
    );
    new monitor.MetricAlert(
      `${name}-availability-alert`,
      {
        resourceGroupName: args.resourceGroupName,
        ruleName: args.namer.name("metricAlert", "availability"),
        location: "global",
        description: "The health endpoint failed from two or more test locations.",
        severity: args.severity,
        enabled: true,
        autoMitigate: true,
        scopes: [test.id, args.appInsightsId],
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        criteria: {
          odataType: "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria",
          webTestId: test.id,
          componentId: args.appInsightsId,
          failedLocationCount: 2,
        },
        actions: [{ actionGroupId: group.id }],
      },
      { parent: this },
    );
    return test.id;
  }
}
