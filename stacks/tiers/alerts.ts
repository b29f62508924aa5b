import * as pulumi from "@pulumi/pulumi";
import { HEALTH_PATH } from "../../infra/core/health.js";
import { Alerts, type MetricAlertTarget } from "../../infra/observability/alerts.js";
import { Budget } from "../../infra/observability/budget.js";
import { SecretExpiryReminders } from "../../infra/secrets/reminders.js";
import type { EstateConfig } from "../config/schema.js";
import { alertEmails } from "../config/contacts.js";
import type { DataServicesTier } from "./data.js";
import type { EdgeTier } from "./edge.js";
import type { GatewayTier } from "./gateway.js";
import type { Foundation } from "./foundation.js";
import type { HostsTier } from "./hosts.js";

/** Metric alerts on what the other tiers declared, the availability test, the monthly budget and the supplied secrets' expiry reminders. */
export interface AlertsTier {
  alerts: Alerts;
  budget: Budget;
  /** Absent when the stack supplies no secrets. */
  secretReminders?: SecretExpiryReminders;
}

export function alertsTier(
  { config, base, namer, group, monitoring }: Foundation,
  { data }: DataServicesTier,
  { compute, containers, kubernetes, secondary }: HostsTier,
  gateway: GatewayTier | undefined,
  edge: EdgeTier | undefined,
): AlertsTier {
  // loadConfig refuses a stack whose alerts would reach nobody.
  const receivers = { emails: alertEmails(config)!, webhooks: config.observability.alerts.webhooks };
  const alerts = new Alerts("alerts", {
    ...base,
    receivers,
    severity: config.observability.alerts.severity,
    rules: config.observability.alerts.rules,
    appInsightsId: monitoring.appInsightsId,
    metricAlerts: metricAlertTargets(config, data, { compute, containers, kubernetes }, secondary?.compute),
    ...availability(compute, gateway, edge),
  });
  const budget = new Budget("budget", {
    namer,
    scope: group.id,
    monthlyAmount: config.observability.budget.monthlyAmount,
    thresholdsPercent: config.observability.budget.actualPercent,
    forecastPercent: config.observability.budget.forecastPercent,
    emails: receivers.emails,
    actionGroupId: alerts.actionGroupId,
  });
  const supplied = config.secrets.supplied;
  const secretReminders = supplied.length
    ? new SecretExpiryReminders("secret-reminders", {
        ...base,
        vaultId: data.keyVault.vaultId,
        actionGroupId: alerts.actionGroupId,
        severity: config.observability.alerts.severity,
        reminders: supplied.map((secret) => ({
          secret: secret.name,
          ...(secret.remind
            ? { receivers: { emails: secret.remind.emails ?? [], webhooks: secret.remind.webhooks ?? [] } }
            : {}),
        })),
      })
    : undefined;
  return { alerts, budget, secretReminders };
}

/** Each metric rule on every resource of its kind the estate declares, and only there. */
function metricAlertTargets(
  config: EstateConfig,
  data: DataServicesTier["data"],
  { compute, containers, kubernetes }: Pick<HostsTier, "compute" | "containers" | "kubernetes">,
  secondaryCompute?: HostsTier["compute"],
): MetricAlertTarget[] {
  // The secondary region's apps and plan (estate:dr) are watched like the primary's.
  const regions = [
    { suffix: "", hosts: compute },
    ...(secondaryCompute ? [{ suffix: "-secondary", hosts: secondaryCompute }] : []),
  ];
  // Flex Consumption plans report no CPU or memory of their own: only the web plan and an Elastic Premium one are watched.
  const plans = regions.flatMap(({ suffix, hosts }) => [
    ...(hosts.webPlanId ? [{ key: `web${suffix}`, resourceId: hosts.webPlanId }] : []),
    ...(hosts.functionPlanId && config.compute.functions.plan === "ElasticPremium"
      ? [{ key: `func${suffix}`, resourceId: hosts.functionPlanId }]
      : []),
  ]);
  return [
    ...regions.flatMap(({ suffix, hosts }) =>
      Object.entries(hosts.apps).map(([key, app]) => ({
        rule: "http5xx" as const,
        key: `${key}${suffix}`,
        resourceId: app.id,
      })),
    ),
    ...Object.entries(containers?.apps ?? {}).map(([key, app]) => ({
      rule: "containerHttp5xx" as const,
      key,
      resourceId: app.id,
    })),
    ...(kubernetes
      ? (["aksNodeCpu", "aksNodeMemory"] as const).map((rule) => ({
          rule,
          key: "aks",
          resourceId: kubernetes.cluster.id,
        }))
      : []),
    ...plans.flatMap((plan) => (["appCpu", "appMemory"] as const).map((rule) => ({ rule, ...plan }))),
    ...(data.cosmos ? [{ rule: "cosmosRu" as const, key: "cosmos", resourceId: data.cosmos.accountId }] : []),
    ...(data.serviceBus
      ? [{ rule: "deadLetters" as const, key: "servicebus", resourceId: data.serviceBus.namespaceId }]
      : []),
    ...(data.redis
      ? (["redisMemory", "cacheHitRate"] as const).map((rule) => ({
          rule,
          key: "redis",
          resourceId: data.redis!.cacheId,
        }))
      : []),
    // The geo-replicated cache (estate:dr) fills like its primary and becomes the primary after a failover.
    ...(data.redisSecondary
      ? [{ rule: "redisMemory" as const, key: "redis-secondary", resourceId: data.redisSecondary.cacheId }]
      : []),
    ...Object.entries(data.sql?.databaseIds ?? {}).map(([key, id]) => ({
      rule: "sqlCpu" as const,
      key,
      resourceId: id,
    })),
    { rule: "storageAvailability", key: "storage", resourceId: data.storage.accountId },
  ];
}

/**
 * The availability test probes where callers reach the estate: Front Door, else the gateway, else
 * the first app. An estate with none of them (a private AKS workload only) has no public health URL,
 * so it gets no test; its cluster and data alerts still apply.
 */
function availability(
  compute: HostsTier["compute"],
  gateway: GatewayTier | undefined,
  edge: EdgeTier | undefined,
): { availabilityUrl?: pulumi.Input<string> } {
  const [first] = Object.values(compute.apps);
  const entry = edge
    ? edge.edge.url
    : gateway
      ? gateway.gateway.gatewayUrl
      : first
        ? pulumi.interpolate`https://${first.defaultHostName}`
        : undefined;
  return entry ? { availabilityUrl: pulumi.interpolate`${entry}${HEALTH_PATH}` } : {};
}
