import { z } from "zod";
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
          severity: z.number().int().min(0).max(4),
        })
        .strict(),
      /** Monthly budget on the estate's resource group; notified at 80 % and 100 %. */
      budget: z.object({ monthlyAmount: z.number() }).strict(),
    })
    .strict(),
  defaults: (profile) => ({
    retentionDays: RETENTION[profile],
    alerts: { emails: [], webhooks: [], severity: SEVERITY[profile] },
    budget: { monthlyAmount: BUDGET[profile] },
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
    checkPositive(report, ["budget", "monthlyAmount"], value.budget.monthlyAmount, "a positive amount per month");
  },
});
