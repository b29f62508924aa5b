import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { EstateError } from "../errors.js";

/** The price table shipped with the project; schema documented in docs/cost.md. */
export const PRICE_TABLE_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "prices.json");

const meterSchema = z
  .object({
    price: z.number().nonnegative(),
    /** `hour` and `month` prices are totalled; `usage` prices depend on traffic and are only shown. */
    per: z.enum(["hour", "month", "usage"]),
    /** The unit the price is quoted in, as the pricing page or Retail Prices API says it. */
    unit: z.string().min(1),
    service: z.string().min(1),
    sku: z.string().min(1),
    meter: z.string().min(1),
    source: z.string().url(),
    /** How `cli/cost/refresh.ts` finds this meter in the Azure Retail Prices API; absent: refreshed by hand. */
    retail: z.object({ serviceName: z.string(), skuName: z.string(), meterName: z.string() }).strict().optional(),
  })
  .strict();

export const priceTableSchema = z
  .object({
    schemaVersion: z.literal(1),
    version: z.string().min(1),
    currency: z.string().length(3),
    pricesAsOf: z.string().date(),
    hoursPerMonth: z.number().positive(),
    provenance: z.string().min(1),
    regions: z.record(z.object({ meters: z.record(meterSchema) }).strict()),
    /**
     * Regions priced from another region's meters until real figures are entered: every cost line
     * priced this way says so. Never used for a region that has meters of its own.
     */
    approximatedRegions: z
      .record(z.object({ from: z.string().min(1), factor: z.number().positive(), reason: z.string().min(10) }).strict())
      .default({}),
  })
  .strict()
  .superRefine((table, context) => {
    for (const [region, { from }] of Object.entries(table.approximatedRegions)) {
      if (!table.regions[from])
        context.addIssue({
          code: "custom",
          path: ["approximatedRegions", region, "from"],
          message: `no region ${from} with meters in the table`,
        });
      if (table.regions[region])
        context.addIssue({
          code: "custom",
          path: ["approximatedRegions", region],
          message: `${region} has meters of its own`,
        });
    }
  });

export type PriceTable = z.input<typeof priceTableSchema>;
export type Meter = z.infer<typeof meterSchema>;

/** A meter as the estimate uses it: where it was approximated from another region, the note says how. */
export type PricedMeter = Meter & { approximation?: string };

/** Whether the table prices a region at all: meters of its own, or an approximation from another region's. */
export function hasPrices(table: PriceTable, region: string): boolean {
  return Boolean(table.regions[region] ?? table.approximatedRegions?.[region]);
}

/** The meter for a key in a region: its own, or an approximated region's reading of its source's. */
export function meterFor(table: PriceTable, key: string, region: string): PricedMeter | undefined {
  const own = table.regions[region]?.meters[key];
  if (own) return own;
  const approximated = table.approximatedRegions?.[region];
  const source = approximated && table.regions[approximated.from]?.meters[key];
  if (!approximated || !source) return undefined;
  const factor = approximated.factor === 1 ? "" : ` x ${approximated.factor}`;
  return {
    ...source,
    price: Math.round(source.price * approximated.factor * 1e6) / 1e6,
    approximation: `${region} priced as ${approximated.from}${factor}: ${approximated.reason}`,
  };
}

/** A price table that cannot be used: names the file and each bad key. */
export class PriceTableError extends EstateError {}

export function parsePriceTable(doc: unknown, file: string): PriceTable {
  const parsed = priceTableSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new PriceTableError(`${file}: not a valid price table (see docs/cost.md)\n${problems.join("\n")}`);
  }
  return parsed.data;
}

export function loadPriceTable(file = PRICE_TABLE_FILE): PriceTable {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new PriceTableError(`${file}: cannot read the price table: ${(error as Error).message}`);
  }
  return parsePriceTable(doc, file);
}
