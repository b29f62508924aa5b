import { z } from "zod";
import { corsOriginProblem } from "../../infra/gateway/policy-xml.js";
import { defineArea, type Profile } from "./area.js";
import { checkPositive } from "./checks.js";

/**
 * Classic tiers that can be injected into a VNet. StandardV2/PremiumV2 integrate with a VNet
 * differently (outbound integration, no injection), so they are not offered here.
 */
export const GATEWAY_SKUS = ["Developer", "Premium"] as const;
/** Premium spreads its units over these zones when the stack is zone redundant. */
export const GATEWAY_ZONES = ["1", "2", "3"];

const limitKey = z.enum(["subject", "subscription"]);
const wholeNumber = z.number().int();

const DEFAULTS: Record<Profile, { sku: (typeof GATEWAY_SKUS)[number]; capacity: number; calls: number; quota: number; sampling: number }> = {
  dev: { sku: "Developer", capacity: 1, calls: 300, quota: 100_000, sampling: 100 },
  ephemeral: { sku: "Developer", capacity: 1, calls: 300, quota: 50_000, sampling: 100 },
  prod: { sku: "Premium", capacity: 3, calls: 1200, quota: 2_000_000, sampling: 25 },
};

export const gatewayArea = defineArea({
  schema: z
    .object({
      sku: z.enum(GATEWAY_SKUS),
      /** Scale units; Developer has exactly one. */
      capacity: z.number().int().min(1).max(31),
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
      rateLimit: z.object({ callsPerMinute: wholeNumber, key: limitKey }).strict(),
      quota: z.object({ callsPerDay: wholeNumber, key: limitKey }).strict(),
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
    if (value.sku === "Developer" && value.capacity !== 1) {
      report(["capacity"], `got ${value.capacity}; the Developer tier has exactly one unit (use sku Premium to scale)`);
    }
    if (context.zoneRedundant && value.sku !== "Premium") {
      report(["sku"], `zone redundancy needs sku Premium; ${value.sku} has no availability zones (or set zoneRedundant: false)`);
    }
    if (context.zoneRedundant && value.sku === "Premium" && value.capacity % GATEWAY_ZONES.length !== 0) {
      report(["capacity"], `got ${value.capacity}; a zone-redundant gateway spreads units evenly over ${GATEWAY_ZONES.length} zones, so use a multiple of ${GATEWAY_ZONES.length}`);
    }
    checkPositive(report, ["rateLimit", "callsPerMinute"], value.rateLimit.callsPerMinute);
    checkPositive(report, ["quota", "callsPerDay"], value.quota.callsPerDay);
    value.corsOrigins.forEach((origin, i) => {
      const problem = corsOriginProblem(origin);
      if (problem) report(["corsOrigins", i], problem);
      else if (context.profile === "prod" && origin.startsWith("http://")) report(["corsOrigins", i], `"${origin}": prod allows https origins only`);
    });
  },
});
