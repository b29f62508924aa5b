/** Elastic Premium plans for Function apps: all can be zone redundant; they scale to 100 instances. */
export const FUNCTION_PLAN_SKUS = ["EP1", "EP2", "EP3"] as const;
export type FunctionPlanSku = (typeof FUNCTION_PLAN_SKUS)[number];
export const ELASTIC_MAX_INSTANCES = 100;

/**
 * Flex Consumption (plan SKU FC1): instance sizes in MB, and the range of the per-app instance
 * ceiling (40-1000, default 100).
 * Source: https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#instance-memory
 * and the FC1 quickstart template (maximumInstanceCount minValue 40, maxValue 1000):
 * https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.web/function-app-flex-managed-identities
 */
export const FLEX_INSTANCE_MEMORY_MB = [512, 2048, 4096] as const;
export type FlexInstanceMemory = (typeof FLEX_INSTANCE_MEMORY_MB)[number];
export const FLEX_MAX_INSTANCES = { min: 40, max: 1000 } as const;
/**
 * Flex Consumption apps integrate with a subnet delegated to Microsoft.App/environments, not
 * Microsoft.Web/serverFarms (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations).
 */
export const FLEX_SUBNET_DELEGATION = "Microsoft.App/environments";
export const APP_SERVICE_SUBNET_DELEGATION = "Microsoft.Web/serverFarms";

/**
 * Plans for web apps, with the instance ceiling of each tier, whether it can span zones, and its
 * deployment slots per app (Basic has none: slots need Standard or higher).
 * Slots: https://learn.microsoft.com/azure/app-service/deploy-staging-slots ("The app must be
 * running in the Standard, Premium, or Isolated tier") and
 * https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits#app-service-limits
 * (staging slots per app: Standard 5, Premium 20).
 */
export const WEB_PLAN_SKUS = {
  B1: { tier: "Basic", maxInstances: 3, zonal: false, slots: 0 },
  B2: { tier: "Basic", maxInstances: 3, zonal: false, slots: 0 },
  S1: { tier: "Standard", maxInstances: 10, zonal: false, slots: 5 },
  S2: { tier: "Standard", maxInstances: 10, zonal: false, slots: 5 },
  P0v3: { tier: "PremiumV3", maxInstances: 30, zonal: true, slots: 20 },
  P1v3: { tier: "PremiumV3", maxInstances: 30, zonal: true, slots: 20 },
  P2v3: { tier: "PremiumV3", maxInstances: 30, zonal: true, slots: 20 },
  P3v3: { tier: "PremiumV3", maxInstances: 30, zonal: true, slots: 20 },
} as const;
export type WebPlanSku = keyof typeof WEB_PLAN_SKUS;

/** Azure keeps a zone-redundant plan at three instances or more, one per zone. */
export const ZONE_REDUNDANT_MIN_INSTANCES = 3;
