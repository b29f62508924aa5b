/** Elastic Premium plans for Function apps: all can be zone redundant; they scale to 100 instances. */
export const FUNCTION_PLAN_SKUS = ["EP1", "EP2", "EP3"] as const;
export type FunctionPlanSku = (typeof FUNCTION_PLAN_SKUS)[number];
export const ELASTIC_MAX_INSTANCES = 100;

/** Plans for web apps, with the instance ceiling of each tier and whether it can span zones. */
export const WEB_PLAN_SKUS = {
  B1: { tier: "Basic", maxInstances: 3, zonal: false },
  B2: { tier: "Basic", maxInstances: 3, zonal: false },
  S1: { tier: "Standard", maxInstances: 10, zonal: false },
  S2: { tier: "Standard", maxInstances: 10, zonal: false },
  P0v3: { tier: "PremiumV3", maxInstances: 30, zonal: true },
  P1v3: { tier: "PremiumV3", maxInstances: 30, zonal: true },
  P2v3: { tier: "PremiumV3", maxInstances: 30, zonal: true },
  P3v3: { tier: "PremiumV3", maxInstances: 30, zonal: true },
} as const;
export type WebPlanSku = keyof typeof WEB_PLAN_SKUS;

/** Azure keeps a zone-redundant plan at three instances or more, one per zone. */
export const ZONE_REDUNDANT_MIN_INSTANCES = 3;
