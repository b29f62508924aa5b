/**
 * The path every hosted app answers health probes on: App Service's health check, Front Door's
 * origin probe and the availability test all call it (services/api serves it).
 */
export const HEALTH_PATH = "/api/v1/health";
