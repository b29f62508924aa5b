import { z } from "zod";
import { GATEWAY_TIERS, LIMITS_BY_TIER, type GatewaySku } from "../../infra/gateway/index.js";
import { corsOriginProblem } from "../../infra/gateway/policy-xml.js";
import { defineArea, type Profile } from "./area.js";
import { checkPositive } from "./checks.js";

/**
 * API Management in any tier, or `none`: no gateway (the apps, or Front Door in front of them,
 * are the entry point and validate callers' tokens themselves). How each tier joins the VNet is
 * in infra/gateway (GATEWAY_TIERS). PremiumV2 is not offered yet.
 */
export const GATEWAY_SKUS = ["none", ...(Object.keys(GATEWAY_TIERS) as GatewaySku[])] as ["none", ...GatewaySku[]];
/** Premium spreads its units over these zones when the stack is zone redundant. */
export const GATEWAY_ZONES = ["1", "2", "3"];

const limitKey = z.enum(["subject", "subscription"]);
const wholeNumber = z.number().int();

const DEFAULTS: Record<Profile, { sku: GatewaySku; capacity: number; calls: number; quota: number; sampling: number }> =
  {
    dev: { sku: "Developer", capacity: 1, calls: 300, quota: 100_000, sampling: 100 },
    ephemeral: { sku: "Developer", capacity: 1, calls: 300, quota: 50_000, sampling: 100 },
    prod: { sku: "Premium", capacity: 3, calls: 1200, quota: 2_000_000, sampling: 25 },
  };

export const gatewayArea = defineArea({
  schema: z
    .object({
      sku: z.enum(GATEWAY_SKUS),
      /** Scale units (Consumption 0, Developer 1, v2 1-10, Premium 1-31); null: the tier's least. */
      capacity: z.number().int().optional(),
      /** Publisher contact shown by APIM; defaults to the stack's owner. */
      publisherEmail: z.string().email().optional(),
      auth: z
        .object({
          /** Entra tenant that issues the tokens; defaults to the tenant deploying the stack. */
          tenantId: z.string().uuid().optional(),
          audience: z.string().min(1),
          /** Claims every token must carry; `org_id` isolates tenants. */
          requiredClaims: z.array(z.string().min(1)),
        })
        .strict(),
      /** Per-caller limits; null leaves one out (Consumption has neither, the v2 tiers no quota). */
      rateLimit: z.object({ callsPerMinute: wholeNumber, key: limitKey }).strict().optional(),
      quota: z.object({ callsPerDay: wholeNumber, key: limitKey }).strict().optional(),
      /** Browser origins allowed by CORS: explicit origins, never `*`. */
      corsOrigins: z.array(z.string()),
      /** Share of requests App Insights records. */
      samplingPercentage: z.number().min(0).max(100),
    })
    .strict(),
  defaults: (profile) => {
    const d = DEFAULTS[profile];
    return {
      sku: d.sku,
      capacity: d.capacity,
      auth: { audience: "api://estate-api", requiredClaims: ["org_id"] },
      rateLimit: { callsPerMinute: d.calls, key: "subject" as const },
      quota: { callsPerDay: d.quota, key: "subject" as const },
      corsOrigins: profile === "prod" ? [] : ["http://localhost:3000"],
      samplingPercentage: d.sampling,
    };
  },
  check: (value, context, report) => {
    // No gateway: its settings are unused, except auth, which the services validate themselves.
    if (value.sku === "none") return;
    const [min, max] = GATEWAY_TIERS[value.sku].capacity;
    if (value.capacity !== undefined && (value.capacity < min || value.capacity > max)) {
      const units = min === max ? `exactly ${min} unit${min === 1 ? "" : "s"}` : `${min}-${max} units`;
      report(
        ["capacity"],
        `got ${value.capacity}; the ${value.sku} tier has ${units} (capacity: null takes the tier's least)`,
      );
    }
    const capacity = gatewayCapacity({ sku: value.sku, capacity: value.capacity });
    if (context.zoneRedundant && value.sku !== "Premium") {
      report(
        ["sku"],
        `zone redundancy needs sku Premium; ${value.sku} has no availability zones (or set zoneRedundant: false)`,
      );
    }
    if (context.zoneRedundant && value.sku === "Premium" && capacity % GATEWAY_ZONES.length !== 0) {
      report(
        ["capacity"],
        `got ${capacity}; a zone-redundant gateway spreads units evenly over ${GATEWAY_ZONES.length} zones, so use a multiple of ${GATEWAY_ZONES.length}`,
      );
    }
    const limits = LIMITS_BY_TIER[value.sku];
    if (value.rateLimit && !limits.rateLimit)
      report(
        ["rateLimit"],
        `the ${value.sku} tier has no rate-limit-by-key policy; set rateLimit: null (Front Door's WAF rate limit still applies)`,
      );
    if (value.quota && !limits.quota)
      report(["quota"], `the ${value.sku} tier has no quota-by-key policy; set quota: null`);
    if (value.rateLimit) checkPositive(report, ["rateLimit", "callsPerMinute"], value.rateLimit.callsPerMinute);
    if (value.quota) checkPositive(report, ["quota", "callsPerDay"], value.quota.callsPerDay);
    value.corsOrigins.forEach((origin, i) => {
      const problem = corsOriginProblem(origin);
      if (problem) report(["corsOrigins", i], problem);
      else if (context.profile === "prod" && origin.startsWith("http://"))
        report(["corsOrigins", i], `"${origin}": prod allows https origins only`);
    });
  },
});

/** The gateway's units: the stack's, else the least its tier takes. */
export function gatewayCapacity(gateway: { sku: GatewaySku; capacity?: number }): number {
  return gateway.capacity ?? GATEWAY_TIERS[gateway.sku].capacity[0];
}
