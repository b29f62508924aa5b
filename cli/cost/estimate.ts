import type { Plan, PlanResource } from "../plan/schema.js";
import type { RunProvenance } from "../provenance.js";
import { hasPrices, meterFor, type PricedMeter, type PriceTable } from "./prices.js";
import { pricingFor, type RuleContext } from "./rules.js";

export const COST_SCHEMA_VERSION = 1;

export type CostStatus = "priced" | "free" | "usage" | "unknown";

export interface CostLine {
  meter: string;
  service: string;
  sku: string;
  description: string;
  region: string;
  quantity: number;
  unitPrice: number;
  per: "hour" | "month";
  unit: string;
  monthly: number;
  source: string;
  note?: string;
  /** Set when the region has no prices of its own and another region's stand in for them. */
  approximation?: string;
}

export interface ResourceCost {
  urn: string;
  type: string;
  name: string;
  physicalName?: string;
  status: CostStatus;
  /** Null unless priced: usage-billed and unknown resources are never counted as zero. */
  monthly: number | null;
  daily: number | null;
  lines: CostLine[];
  /** Why it is free, usage-billed or unknown; for usage, the unit rate. */
  reason?: string;
}

/** `.estate/<stack>/cost.json`: the estimate for one plan against one price table. */
export interface CostReport {
  schemaVersion: typeof COST_SCHEMA_VERSION;
  stack: string;
  profile: string;
  mode: "offline";
  currency: string;
  priceTable: { version: string; pricesAsOf: string; provenance: string };
  /**
   * Fixed charges of the priced resources. Usage-billed resources come on top; with any unknown
   * resource the total is a floor, never the estate's cost (`complete: false`).
   */
  total: { monthly: number; daily: number; complete: boolean };
  counts: Record<CostStatus, number>;
  /** The fixed charges by the region each line runs in (`global` for worldwide meters), largest first: a secondary region's share shows here. */
  byRegion: Array<{ region: string; monthly: number }>;
  /** How prices were approximated for regions the table has no prices of its own for (one line each). */
  approximations: string[];
  /** Regions resources are in that the table has no prices for, own or approximated: those resources are unknown. */
  unpricedRegions: string[];
  resources: ResourceCost[];
  /** The run that wrote cost.json: the same as in the plan.json and policy reports beside it. */
  provenance?: RunProvenance;
}

const cents = (amount: number) => Math.round(amount * 100) / 100;

/**
 * The region a resource is priced in: its own location, else the estate's (the resource group's).
 * Global resources (private DNS zones) are billed at the estate's regional rate.
 */
function regionOf(resource: PlanResource, plan: Plan): string {
  const own =
    typeof resource.inputs.location === "string" ? resource.inputs.location.toLowerCase().replace(/\s+/g, "") : "";
  if (own && own !== "global") return own;
  const group = plan.resources.find((r) => r.type === "azure-native:resources:ResourceGroup");
  return String(group?.inputs.location ?? "unknown").toLowerCase();
}

export function estimateCost(plan: Plan, table: PriceTable): CostReport {
  const context: RuleContext = {
    plan,
    find: (type, physicalName) => plan.resources.find((r) => r.type === type && r.physicalName === physicalName),
  };
  const perDay = 24 / table.hoursPerMonth;
  const unpricedRegions = new Set<string>();
  const unpriced = (region: string) => {
    if (!hasPrices(table, region)) unpricedRegions.add(region);
  };
  const resources = plan.resources
    .filter((r) => r.custom)
    .map((resource): ResourceCost => {
      const base = { urn: resource.urn, type: resource.type, name: resource.name, physicalName: resource.physicalName };
      const pricing = pricingFor(resource, context);
      const region = regionOf(resource, plan);
      const meterIn = (key: string, where: string): PricedMeter | undefined => meterFor(table, key, where);
      switch (pricing.kind) {
        case "free":
          return { ...base, status: "free", monthly: 0, daily: 0, lines: [], reason: pricing.reason };
        case "unknown":
          return { ...base, status: "unknown", monthly: null, daily: null, lines: [], reason: pricing.reason };
        case "usage": {
          // Each meter's rate (in its own region), quantities unknown: listed, never counted.
          const rates = pricing.meters.map(({ meter: key, region: where = region, note }) => {
            const meter = meterIn(key, where);
            if (!meter) unpriced(where);
            const rate = meter ? `${meter.price} ${table.currency} per ${meter.unit}` : `no ${key} price for ${where}`;
            return note ? `${note} ${rate}` : rate;
          });
          return {
            ...base,
            status: "usage",
            monthly: null,
            daily: null,
            lines: [],
            reason: `${pricing.reason}: ${rates.join("; ")}`,
          };
        }
        case "priced": {
          const lines: CostLine[] = [];
          for (const charge of pricing.charges) {
            const where = charge.region ?? region;
            const meter = meterIn(charge.meter, where);
            if (!meter || meter.per === "usage") {
              unpriced(where);
              return {
                ...base,
                status: "unknown",
                monthly: null,
                daily: null,
                lines: [],
                reason: `price table ${table.version} has no ${charge.meter} price for ${where}`,
              };
            }
            const monthly = meter.price * charge.quantity * (meter.per === "hour" ? table.hoursPerMonth : 1);
            lines.push({
              meter: charge.meter,
              service: meter.service,
              sku: meter.sku,
              description: meter.meter,
              region: where,
              quantity: charge.quantity,
              unitPrice: meter.price,
              per: meter.per,
              unit: meter.unit,
              monthly: cents(monthly),
              source: meter.source,
              note: charge.note,
              ...(meter.approximation ? { approximation: meter.approximation } : {}),
            });
          }
          const monthly = lines.reduce((sum, line) => sum + line.monthly, 0);
          return { ...base, status: "priced", monthly: cents(monthly), daily: cents(monthly * perDay), lines };
        }
      }
    });
  const monthly = resources.reduce((sum, r) => sum + (r.monthly ?? 0), 0);
  const counts: Record<CostStatus, number> = { priced: 0, free: 0, usage: 0, unknown: 0 };
  for (const r of resources) counts[r.status] += 1;
  const regions = new Map<string, number>();
  for (const line of resources.flatMap((r) => r.lines))
    regions.set(line.region, (regions.get(line.region) ?? 0) + line.monthly);
  const byRegion = [...regions]
    .map(([region, amount]) => ({ region, monthly: cents(amount) }))
    .sort((a, b) => b.monthly - a.monthly);
  return {
    schemaVersion: COST_SCHEMA_VERSION,
    stack: plan.stack,
    profile: plan.profile,
    mode: "offline",
    currency: table.currency,
    priceTable: { version: table.version, pricesAsOf: table.pricesAsOf, provenance: table.provenance },
    total: { monthly: cents(monthly), daily: cents(monthly * perDay), complete: counts.unknown === 0 },
    counts,
    byRegion,
    approximations: [...new Set(resources.flatMap((r) => r.lines.flatMap((line) => line.approximation ?? [])))],
    unpricedRegions: [...unpricedRegions].sort(),
    resources,
  };
}
