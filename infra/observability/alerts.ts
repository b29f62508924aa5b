import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as monitor from "@pulumi/azure-native/monitor";
import type { BaseArgs } from "../core/args.js";

/**
 * Metric alert rules, one per kind of resource the estate watches. Thresholds are the estate's
 * service levels; Azure evaluates `aggregation` of `metric` over `window` every `frequency`.
 */
export const METRIC_RULES = {
  cosmosRu: {
    metric: "NormalizedRUConsumption",
    namespace: "Microsoft.DocumentDB/databaseAccounts",
    aggregation: "Maximum",
    threshold: 80,
    window: "PT15M",
    description: "Cosmos DB normalised RU consumption above 80 % for 15 minutes: requests are about to be throttled.",
  },
  redisMemory: {
    metric: "usedmemorypercentage",
    namespace: "Microsoft.Cache/redis",
    aggregation: "Maximum",
    threshold: 80,
    window: "PT15M",
    description: "Redis memory above 80 %: keys will be evicted.",
  },
  sqlCpu: {
    metric: "cpu_percent",
    namespace: "Microsoft.Sql/servers/databases",
    aggregation: "Average",
    threshold: 80,
    window: "PT15M",
    description: "Azure SQL CPU above 80 % for 15 minutes.",
  },
  deadLetters: {
    metric: "DeadletteredMessages",
    namespace: "Microsoft.ServiceBus/namespaces",
    aggregation: "Maximum",
    threshold: 0,
    window: "PT5M",
    description: "A Service Bus message was dead-lettered: a poison message needs a look.",
  },
  http5xx: {
    metric: "Http5xx",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    threshold: 5,
    window: "PT5M",
    description: "The app answered with more than 5 server errors in 5 minutes.",
  },
} as const;
export type MetricRule = keyof typeof METRIC_RULES;

/** Log-search alerts on App Insights requests, for what metrics cannot express (ratios, percentiles). */
export const LOG_RULES = {
  errorRate: {
    query: "requests | summarize failedPercent = 100.0 * countif(success == false) / count()",
    column: "failedPercent",
    threshold: 5,
    window: "PT5M",
    description: "More than 5 % of requests failed over 5 minutes.",
  },
  latencyP95: {
    query: "requests | summarize p95Ms = percentile(duration, 95)",
    column: "p95Ms",
    threshold: 2000,
    window: "PT10M",
    description: "95th percentile request duration above 2 s over 10 minutes.",
  },
} as const;

export interface MetricAlertTarget {
  rule: MetricRule;
  /** Distinguishes alerts of one rule, e.g. the app or database name. */
  key: string;
  resourceId: pulumi.Input<string>;
}

/** Alerts take no lock: an alert rule is recreated from config in seconds, and a lock would only stop that. */
export interface AlertsArgs extends Omit<BaseArgs, "diagnostics" | "roleAssignments" | "lock"> {
  receivers: { emails: string[]; webhooks: string[] };
  /** Azure Monitor severity of every alert: 0 critical ... 4 verbose. */
  severity: number;
  appInsightsId: pulumi.Input<string>;
  metricAlerts: MetricAlertTarget[];
  /** Standard availability test of this URL from several regions, alerting when two fail. */
  availabilityUrl?: pulumi.Input<string>;
}

/** A rule key as a name qualifier: `cosmosRu-api` becomes `cosmos-ru-api`. */
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Azure test locations (Europe and US) the availability test runs from. */
export const AVAILABILITY_LOCATIONS = ["emea-nl-ams-azr", "emea-gb-db3-azr", "emea-fr-pra-edge", "us-va-ash-azr", "us-ca-sjc-azr"];

/**
 * The estate's alerting: an action group (email and webhook receivers), metric alerts on the
 * resources given, error-rate and latency log alerts on App Insights, and an availability test.
 */
export class Alerts extends pulumi.ComponentResource {
  readonly actionGroupId: pulumi.Output<string>;
  readonly webTestId?: pulumi.Output<string>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("estate:observability:Alerts", name, {}, opts);
    const { resourceGroupName, namer, tags, receivers } = args;
    if (receivers.emails.length + receivers.webhooks.length === 0) {
      throw new Error("alerts: no receivers; give at least one email or webhook, or alerts reach nobody");
    }
    if (!Number.isInteger(args.severity) || args.severity < 0 || args.severity > 4) {
      throw new Error(`alerts: severity got ${args.severity}; expected 0 (critical) to 4 (verbose)`);
    }

    const group = new monitor.ActionGroup(
      `${name}-ag`,
      {
        actionGroupName: namer.name("actionGroup"),
        resourceGroupName,
        location: "Global",
        tags,
        enabled: true,
        // Shown in SMS and email subjects; Azure allows 12 characters.
        groupShortName: `${namer.context.workload}-${namer.context.environment}`.slice(0, 12),
        emailReceivers: receivers.emails.map((email, i) => ({ name: `email-${i + 1}`, emailAddress: email, useCommonAlertSchema: true })),
        webhookReceivers: receivers.webhooks.map((url, i) => ({ name: `webhook-${i + 1}`, serviceUri: url, useCommonAlertSchema: true })),
      },
      { parent: this },
    );
    this.actionGroupId = group.id;

    const common = { resourceGroupName, tags, severity: args.severity, enabled: true, autoMitigate: true };
    for (const target of args.metricAlerts) {
      const rule = METRIC_RULES[target.rule];
      const qualifier = kebab(`${target.rule}-${target.key}`);
      new monitor.MetricAlert(
        `${name}-${qualifier}`,
        {
          ...common,
          ruleName: namer.name("metricAlert", qualifier),
          location: "global",
          description: rule.description,
          scopes: [target.resourceId],
          evaluationFrequency: "PT5M",
          windowSize: rule.window,
          criteria: {
            odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
            allOf: [
              {
                criterionType: "StaticThresholdCriterion",
                name: rule.metric,
                metricName: rule.metric,
                metricNamespace: rule.namespace,
                timeAggregation: rule.aggregation,
                operator: "GreaterThan",
                threshold: rule.threshold,
              },
            ],
          },
          actions: [{ actionGroupId: group.id }],
        },
        { parent: this },
      );
    }

    for (const [key, rule] of Object.entries(LOG_RULES)) {
      const qualifier = kebab(key);
      new monitor.ScheduledQueryRule(
        `${name}-${qualifier}`,
        {
          ...common,
          ruleName: namer.name("metricAlert", qualifier),
          location: args.location,
          kind: "LogAlert",
          description: rule.description,
          scopes: [args.appInsightsId],
          evaluationFrequency: "PT5M",
          windowSize: rule.window,
          criteria: {
            allOf: [
              {
                query: rule.query,
                metricMeasureColumn: rule.column,
                timeAggregation: "Maximum",
                operator: "GreaterThan",
                threshold: rule.threshold,
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
    const hiddenLink = pulumi.output(args.appInsightsId).apply((id) => ({ [`hidden-link:${id}`]: "Resource", ...args.tags }));
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
        request: { requestUrl: args.availabilityUrl, httpVerb: "GET", followRedirects: false, parseDependentRequests: false },
        validationRules: { expectedHttpStatusCode: 200, sSLCheck: true, sSLCertRemainingLifetimeCheck: 14 },
      },
      { parent: this },
    );
    new monitor.MetricAlert(
      `${name}-availability-alert`,
      {
        resourceGroupName: args.resourceGroupName,
        tags: args.tags,
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
