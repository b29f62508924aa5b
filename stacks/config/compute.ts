import { z } from "zod";
import {
  ELASTIC_MAX_INSTANCES,
  FLEX_INSTANCE_MEMORY_MB,
  FLEX_MAX_INSTANCES,
  FUNCTION_PLAN_SKUS,
  WEB_PLAN_SKUS,
  ZONE_REDUNDANT_MIN_INSTANCES,
  type FunctionPlanSku,
  type WebPlanSku,
} from "../../infra/compute/skus.js";
import { webHostingProblems } from "../../infra/compute/web.js";
import { defineArea, type Profile } from "./area.js";
import { checkPositive } from "./checks.js";

export const FUNCTION_PLANS = ["ElasticPremium", "FlexConsumption"] as const;

const DEFAULTS: Record<Profile, { sku: FunctionPlanSku; webSku: WebPlanSku; min: number; max: number }> = {
  dev: { sku: "EP1", webSku: "P0v3", min: 1, max: 3 },
  ephemeral: { sku: "EP1", webSku: "B1", min: 1, max: 1 },
  // Prod is zone redundant: three instances, one per zone, is its floor.
  prod: { sku: "EP2", webSku: "P1v3", min: 3, max: 20 },
};

const cpuTrigger = z.object({ cpuPercent: z.number(), minutes: z.number() }).strict();

export const computeArea = defineArea({
  schema: z
    .object({
      /** The plan the stack's Function apps run on; each plan's limits apply only to it. */
      functions: z
        .object({
          plan: z.enum(FUNCTION_PLANS),
          /** Elastic Premium size (plan ElasticPremium only). */
          sku: z.enum(FUNCTION_PLAN_SKUS),
          /** Instance memory in MB (plan FlexConsumption only). */
          instanceMemoryMB: z.union(
            FLEX_INSTANCE_MEMORY_MB.map((mb) => z.literal(mb)) as [
              z.ZodLiteral<512>,
              z.ZodLiteral<2048>,
              z.ZodLiteral<4096>,
            ],
          ),
          /** Always-ready instances: at least 1 on Elastic Premium; 0 (scale to zero) or more on Flex Consumption. */
          alwaysReady: z.number().int(),
          /** Instance ceiling: at most 100 on Elastic Premium; 40-1000 per app on Flex Consumption. */
          maxInstances: z.number().int(),
        })
        .strict(),
      /** The plan web apps run on, autoscaled on CPU between min and max, and what each web app gets. */
      web: z
        .object({
          sku: z.enum(Object.keys(WEB_PLAN_SKUS) as [WebPlanSku, ...WebPlanSku[]]),
          minInstances: z.number().int(),
          maxInstances: z.number().int(),
          /** siteConfig.webSocketsEnabled (real-time clients straight to the app). */
          webSockets: z.boolean(),
          /** A `staging` deployment slot per web app (Standard tier or higher). */
          stagingSlot: z.boolean(),
          /** The CPU rules: +1 instance above scaleOut for its minutes, -1 below scaleIn, then the cooldown. */
          autoscale: z
            .object({
              scaleOut: cpuTrigger,
              scaleIn: cpuTrigger,
              cooldownMinutes: z.number(),
            })
            .strict(),
        })
        .strict(),
    })
    .strict(),
  defaults: (profile) => {
    const d = DEFAULTS[profile];
    return {
      functions: {
        plan: "ElasticPremium" as const,
        sku: d.sku,
        instanceMemoryMB: 2048 as const,
        alwaysReady: d.min,
        maxInstances: d.max,
      },
      web: {
        sku: d.webSku,
        minInstances: d.min,
        maxInstances: d.max,
        webSockets: false,
        stagingSlot: false,
        autoscale: {
          scaleOut: { cpuPercent: 70, minutes: 10 },
          scaleIn: { cpuPercent: 30, minutes: 10 },
          cooldownMinutes: 10,
        },
      },
    };
  },
  check: ({ functions, web }, context, report) => {
    // Functions: the ceiling and floor of the plan that hosts them.
    if (functions.plan === "ElasticPremium") {
      checkPositive(
        report,
        ["functions", "alwaysReady"],
        functions.alwaysReady,
        "at least 1 (Elastic Premium keeps one instance warm)",
      );
      if (functions.maxInstances > ELASTIC_MAX_INSTANCES) {
        report(
          ["functions", "maxInstances"],
          `got ${functions.maxInstances}; Elastic Premium scales to ${ELASTIC_MAX_INSTANCES} instances at most`,
        );
      }
    } else {
      if (functions.alwaysReady < 0)
        report(["functions", "alwaysReady"], `got ${functions.alwaysReady}; expected 0 (scale to zero) or more`);
      const { min, max } = FLEX_MAX_INSTANCES;
      if (functions.maxInstances < min || functions.maxInstances > max) {
        report(
          ["functions", "maxInstances"],
          `got ${functions.maxInstances}; Flex Consumption's per-app instance ceiling is ${min}-${max}`,
        );
      }
    }
    if (functions.alwaysReady > functions.maxInstances) {
      report(
        ["functions", "alwaysReady"],
        `got ${functions.alwaysReady}, more than maxInstances ${functions.maxInstances}`,
      );
    }
    if (
      context.zoneRedundant &&
      functions.plan === "ElasticPremium" &&
      functions.alwaysReady < ZONE_REDUNDANT_MIN_INSTANCES
    ) {
      report(
        ["functions", "alwaysReady"],
        `got ${functions.alwaysReady}; a zone-redundant Elastic Premium plan runs at least ${ZONE_REDUNDANT_MIN_INSTANCES} instances, one per zone`,
      );
    }

    // Web apps: their plan's own ceiling.
    checkPositive(report, ["web", "minInstances"], web.minInstances, "at least 1");
    if (web.minInstances > web.maxInstances)
      report(["web", "minInstances"], `got ${web.minInstances}, more than maxInstances ${web.maxInstances}`);
    const sku = WEB_PLAN_SKUS[web.sku];
    if (web.maxInstances > sku.maxInstances) {
      report(
        ["web", "maxInstances"],
        `got ${web.maxInstances}; ${web.sku} (${sku.tier}) scales to ${sku.maxInstances} instances at most`,
      );
    }
    for (const problem of webHostingProblems(web)) report(["web", ...problem.path], problem.message);
    if (context.zoneRedundant) {
      if (!sku.zonal)
        report(
          ["web", "sku"],
          `${web.sku} (${sku.tier}) cannot be zone redundant; use a PremiumV3 SKU such as P1v3, or set zoneRedundant: false`,
        );
      if (web.minInstances < ZONE_REDUNDANT_MIN_INSTANCES) {
        report(
          ["web", "minInstances"],
          `got ${web.minInstances}; a zone-redundant plan runs at least ${ZONE_REDUNDANT_MIN_INSTANCES} instances, one per zone`,
        );
      }
    }
  },
});
