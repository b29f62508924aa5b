import { z } from "zod";
import {
  ELASTIC_MAX_INSTANCES,
  FUNCTION_PLAN_SKUS,
  WEB_PLAN_SKUS,
  ZONE_REDUNDANT_MIN_INSTANCES,
  type FunctionPlanSku,
  type WebPlanSku,
} from "../../infra/compute/skus.js";
import { defineArea, type Profile } from "./area.js";
import { checkPositive } from "./checks.js";

const DEFAULTS: Record<Profile, { functionPlanSku: FunctionPlanSku; webPlanSku: WebPlanSku; minInstances: number; maxInstances: number }> = {
  dev: { functionPlanSku: "EP1", webPlanSku: "P0v3", minInstances: 1, maxInstances: 3 },
  ephemeral: { functionPlanSku: "EP1", webPlanSku: "B1", minInstances: 1, maxInstances: 1 },
  // Prod is zone redundant: three instances, one per zone, is its floor.
  prod: { functionPlanSku: "EP2", webPlanSku: "P1v3", minInstances: 3, maxInstances: 20 },
};

export const computeArea = defineArea({
  schema: z
    .object({
      functionPlanSku: z.enum(FUNCTION_PLAN_SKUS),
      webPlanSku: z.enum(Object.keys(WEB_PLAN_SKUS) as [WebPlanSku, ...WebPlanSku[]]),
      /** Always-ready instances (Elastic Premium) or the autoscale floor (web plans). */
      minInstances: z.number().int(),
      /** Burst ceiling (Elastic Premium) or the autoscale ceiling (web plans). */
      maxInstances: z.number().int(),
    })
    .strict(),
  defaults: (profile) => DEFAULTS[profile],
  check: (value, context, report) => {
    checkPositive(report, ["minInstances"], value.minInstances, "at least 1");
    if (value.minInstances > value.maxInstances) {
      report(["minInstances"], `got ${value.minInstances}, more than maxInstances ${value.maxInstances}`);
    }
    const web = WEB_PLAN_SKUS[value.webPlanSku];
    const ceiling = Math.min(web.maxInstances, ELASTIC_MAX_INSTANCES);
    if (value.maxInstances > ceiling) {
      report(["maxInstances"], `got ${value.maxInstances}; webPlanSku ${value.webPlanSku} scales to ${ceiling} instances at most`);
    }
    if (context.zoneRedundant) {
      if (!web.zonal) {
        report(["webPlanSku"], `${value.webPlanSku} (${web.tier}) cannot be zone redundant; use a PremiumV3 SKU such as P1v3, or set zoneRedundant: false`);
      }
      if (value.minInstances < ZONE_REDUNDANT_MIN_INSTANCES) {
        report(["minInstances"], `got ${value.minInstances}; a zone-redundant plan runs at least ${ZONE_REDUNDANT_MIN_INSTANCES} instances, one per zone`);
      }
    }
  },
});
