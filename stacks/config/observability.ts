import { z } from "zod";
import { ALERT_RULES, alertSettingsProblems, ruleDefaults, type AlertRule } from "../../infra/observability/alerts.js";
import { budgetNotificationProblems } from "../../infra/observability/budget.js";
import type { Profile } from "./area.js";
import { defineArea } from "./area.js";
import { checkPositive } from "./checks.js";

const RETENTION: Record<Profile, number> = { dev: 30, prod: 90, ephemeral: 30 };
/**
 * Monthly cost ceiling per profile, in the billing currency (USD): about a third above what
 * `estate cost` estimates for the default estate (dev ~$365, ephemeral ~$330, prod ~$12.6k in
 * November 2026), so the 80 % alert means "unusual spend", not "every month".
 */
const BUDGET: Record<Profile, number> = { dev: 500, prod: 16_000, ephemeral: 450 };
/** Azure Monitor severity: 0 critical ... 4 verbose. Prod pages people; dev only informs. */
const SEVERITY: Record<Profile, number> = { dev: 3, prod: 1, ephemeral: 4 };

/** One alert rule's settings; a stack file overrides any of them (`enabled: false` turns the rule off). */
const alertRule = z
  .object({
    enabled: z.boolean(),
    threshold: z.number(),
    /** ISO 8601 duration Azure accepts for the rule's kind of alert (infra/observability/alerts.ts). */
    window: z.string(),
    /** Absent: the estate's `alerts.severity`. */
    severity: z.number().int().min(0).max(4).optional(),
  })
  .strict();
const alertRules = z
  .object(Object.fromEntries(ALERT_RULES.map((rule) => [rule, alertRule])) as Record<AlertRule, typeof alertRule>)
  .strict();

export const observabilityArea = defineArea({
  schema: z
    .object({
      /** Log Analytics and App Insights retention; Azure accepts 30-730 days. */
      retentionDays: z.number().int().min(30).max(730),
      alerts: z
        .object({
          /** Who is emailed when an alert fires; empty means the stack's owner, if it is an email address. */
          emails: z.array(z.string().email()),
          /** HTTPS endpoints (chat, incident tools) called when an alert fires. */
          webhooks: z.array(z.string().url()),
          /** Azure Monitor severity of every rule that sets none: 0 critical, 1 error, 2 warning, 3 informational, 4 verbose. */
          severity: z.number().int().min(0).max(4),
          /** Per rule: on or off, threshold, window and severity (defaults: the rule's own, see README "Alerts"). */
          rules: alertRules,
        })
        .strict(),
      /** Monthly budget on the estate's resource group: notified at each percentage of actual spend, and of Azure's forecast for the month. */
      budget: z
        .object({ monthlyAmount: z.number(), actualPercent: z.array(z.number()), forecastPercent: z.array(z.number()) })
        .strict(),
    })
    .strict(),
  defaults: (profile) => ({
    retentionDays: RETENTION[profile],
    alerts: {
      emails: [],
      webhooks: [],
      severity: SEVERITY[profile],
      rules: Object.fromEntries(ALERT_RULES.map((rule) => [rule, ruleDefaults(rule)])) as Record<
        AlertRule,
        z.input<typeof alertRule>
      >,
    },
    budget: { monthlyAmount: BUDGET[profile], actualPercent: [80, 100], forecastPercent: [] },
  }),
  check: (value, _context, report) => {
    value.alerts.webhooks.forEach((url, i) => {
      if (!url.startsWith("https://")) report(["alerts", "webhooks", i], `got "${url}"; alert webhooks must use https`);
    });
    const seen = new Set<string>();
    value.alerts.emails.forEach((email, i) => {
      if (seen.has(email.toLowerCase())) report(["alerts", "emails", i], `"${email}" is listed twice`);
      seen.add(email.toLowerCase());
    });
    for (const rule of ALERT_RULES) {
      const settings = value.alerts.rules[rule];
      for (const { field, message } of alertSettingsProblems(rule, {
        ...settings,
        severity: settings.severity ?? value.alerts.severity,
      })) {
        report(["alerts", "rules", rule, field], message);
      }
    }
    checkPositive(report, ["budget", "monthlyAmount"], value.budget.monthlyAmount, "a positive amount per month");
    for (const problem of budgetNotificationProblems([
      ...value.budget.actualPercent,
      ...value.budget.forecastPercent,
    ])) {
      report(["budget"], `${problem} (actualPercent and forecastPercent together)`);
    }
  },
});
