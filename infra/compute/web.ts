import { WEB_PLAN_SKUS, type WebPlanSku } from "./skus.js";

/** A CPU rule of the web plan's autoscale setting: the average over `minutes` crossing `cpuPercent`. */
export interface CpuTrigger {
  cpuPercent: number;
  minutes: number;
}

/** +1 instance on `scaleOut`, -1 on `scaleIn`, each action followed by `cooldownMinutes` without another. */
export interface WebAutoscale {
  scaleOut: CpuTrigger;
  scaleIn: CpuTrigger;
  cooldownMinutes: number;
}

/** The plan web apps run on, autoscaled on CPU between min and max, and what each app gets. */
export interface WebHosting {
  sku: WebPlanSku;
  minInstances: number;
  maxInstances: number;
  /** siteConfig.webSocketsEnabled on every web app (and its slot). */
  webSockets: boolean;
  /** A `staging` deployment slot per web app, with the app's settings, package and kind of identity. */
  stagingSlot: boolean;
  autoscale: WebAutoscale;
}

/** The slot every web app gets when `stagingSlot` is on; swap it into production after checking it. */
export const STAGING_SLOT = "staging";

/**
 * Autoscale's limits: a metric rule's time window is 5 minutes to 12 hours, a cooldown 1 minute to
 * 1 week. Source: https://learn.microsoft.com/azure/azure-monitor/autoscale/autoscale-understanding-settings
 * ("timeWindow ... Must be between 5 minutes and 12 hours"; "cooldown ... between 1 minute and 1 week").
 */
export const AUTOSCALE_LIMITS = {
  windowMinutes: { min: 5, max: 12 * 60 },
  cooldownMinutes: { min: 1, max: 7 * 24 * 60 },
} as const;

export interface WebHostingProblem {
  /** The key under the web hosting settings, e.g. ["autoscale", "scaleOut", "minutes"]. */
  path: (string | number)[];
  message: string;
}

/**
 * What Azure refuses (or what would make the autoscale setting flap), each under its key: both the
 * stack config check and the component call this, so a bad value never gets as far as Azure.
 */
export function webHostingProblems(web: WebHosting): WebHostingProblem[] {
  const problems: WebHostingProblem[] = [];
  const sku = WEB_PLAN_SKUS[web.sku];
  if (web.stagingSlot && sku.slots === 0) {
    problems.push({
      path: ["stagingSlot"],
      message: `${web.sku} (${sku.tier}) has no deployment slots; slots need Standard, Premium or Isolated (https://learn.microsoft.com/azure/app-service/deploy-staging-slots), e.g. sku S1 or P1v3`,
    });
  }
  const { scaleOut, scaleIn, cooldownMinutes } = web.autoscale;
  for (const [key, trigger] of [
    ["scaleOut", scaleOut],
    ["scaleIn", scaleIn],
  ] as const) {
    if (!Number.isInteger(trigger.cpuPercent) || trigger.cpuPercent < 1 || trigger.cpuPercent > 99) {
      problems.push({
        path: ["autoscale", key, "cpuPercent"],
        message: `got ${trigger.cpuPercent}; expected a whole percentage between 1 and 99`,
      });
    }
    const { min, max } = AUTOSCALE_LIMITS.windowMinutes;
    if (!Number.isInteger(trigger.minutes) || trigger.minutes < min || trigger.minutes > max) {
      problems.push({
        path: ["autoscale", key, "minutes"],
        message: `got ${trigger.minutes}; an autoscale rule's time window is ${min}-${max} whole minutes`,
      });
    }
  }
  if (scaleIn.cpuPercent >= scaleOut.cpuPercent) {
    problems.push({
      path: ["autoscale", "scaleIn", "cpuPercent"],
      message: `got ${scaleIn.cpuPercent}, not below scaleOut.cpuPercent ${scaleOut.cpuPercent}: the plan would add and remove instances on the same load`,
    });
  }
  const { min, max } = AUTOSCALE_LIMITS.cooldownMinutes;
  if (!Number.isInteger(cooldownMinutes) || cooldownMinutes < min || cooldownMinutes > max) {
    problems.push({
      path: ["autoscale", "cooldownMinutes"],
      message: `got ${cooldownMinutes}; an autoscale cooldown is ${min}-${max} whole minutes`,
    });
  }
  return problems;
}
