/**
 * Refreshes cli/cost/prices.json from the Azure Retail Prices API (https://prices.azure.com, no
 * sign-in needed). Run with network access:
 *
 *   node bin/run-ts.js cli/cost/refresh.ts [--dry-run] [--version 2026.12.0]
 *
 * Each meter with a `retail` query (serviceName, skuName, meterName) is looked up per region
 * (armRegionName; `global` meters use "Global") for its pay-as-you-go ("Consumption") unit price.
 * Meters without a query, or whose query matches nothing, are listed so they can be checked by
 * hand; for those the API's meter names for that service and SKU are printed to help write the
 * query. The table's `pricesAsOf` becomes today and `version` the given one (or the old with the
 * last number bumped). Offline, it stops with a clear message and leaves the table untouched.
 */
import { writeJson } from "../output/files.js";
import { loadPriceTable, PRICE_TABLE_FILE, type Meter, type PriceTable } from "./prices.js";

const API = "https://prices.azure.com/api/retail/prices";

interface RetailItem {
  retailPrice: number;
  unitPrice: number;
  unitOfMeasure: string;
  meterName: string;
  skuName: string;
  type: string;
}

export type Fetch = (url: string) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The API's filter for one meter in one region; quotes in values are doubled as OData wants. */
export function retailQuery(meter: Meter, region: string, withMeterName = true): string {
  const q = (v: string) => `'${v.replace(/'/g, "''")}'`;
  const retail = meter.retail!;
  const clauses = [
    `serviceName eq ${q(retail.serviceName)}`,
    `skuName eq ${q(retail.skuName)}`,
    `armRegionName eq ${q(region === "global" ? "Global" : region)}`,
    `priceType eq 'Consumption'`,
    ...(withMeterName ? [`meterName eq ${q(retail.meterName)}`] : []),
  ];
  return `${API}?$filter=${encodeURIComponent(clauses.join(" and "))}`;
}

async function items(fetcher: Fetch, url: string): Promise<RetailItem[]> {
  let response;
  try {
    response = await fetcher(url);
  } catch (error) {
    throw new Error(
      `cannot reach the Azure Retail Prices API (${API}): ${(error as Error).message}. ` +
        "Run this with network access; the price table was not changed.",
    );
  }
  if (!response.ok)
    throw new Error(
      `the Azure Retail Prices API answered HTTP ${response.status} for ${url}; the price table was not changed`,
    );
  const body = (await response.json()) as { Items?: RetailItem[] };
  return body.Items ?? [];
}

export interface RefreshResult {
  table: PriceTable;
  changed: string[];
  byHand: string[];
}

/** Looks every refreshable meter up and returns the new table; throws before changing anything when offline. */
export async function refreshTable(
  table: PriceTable,
  fetcher: Fetch,
  today: string,
  version: string,
): Promise<RefreshResult> {
  const next: PriceTable = structuredClone(table);
  const changed: string[] = [];
  const byHand: string[] = [];
  for (const [region, { meters }] of Object.entries(next.regions)) {
    for (const [key, meter] of Object.entries(meters)) {
      const where = `${region}/${key}`;
      if (!meter.retail) {
        byHand.push(`${where}: no retail query; check ${meter.source}`);
        continue;
      }
      const found = (await items(fetcher, retailQuery(meter, region))).filter((i) => i.type === "Consumption");
      if (found.length !== 1) {
        const names = [...new Set((await items(fetcher, retailQuery(meter, region, false))).map((i) => i.meterName))];
        byHand.push(
          `${where}: ${found.length} matches for meterName "${meter.retail.meterName}"; the API has: ${names.join(", ") || "(nothing)"}`,
        );
        continue;
      }
      const price = found[0].unitPrice;
      if (price !== meter.price) changed.push(`${where}: ${meter.price} -> ${price} per ${found[0].unitOfMeasure}`);
      meter.price = price;
    }
  }
  return { table: { ...next, pricesAsOf: today, version }, changed, byHand };
}

function bumpVersion(version: string): string {
  const parts = version.split(".");
  const last = Number(parts.at(-1));
  return Number.isInteger(last) ? [...parts.slice(0, -1), String(last + 1)].join(".") : `${version}.1`;
}

async function main(argv: string[]): Promise<number> {
  const dryRun = argv.includes("--dry-run");
  const versionAt = argv.indexOf("--version");
  const table = loadPriceTable();
  const version = versionAt >= 0 ? argv[versionAt + 1] : bumpVersion(table.version);
  if (!version) {
    console.error("usage: refresh.ts [--dry-run] [--version <version>]");
    return 2;
  }
  const today = new Date().toISOString().slice(0, 10);
  try {
    const result = await refreshTable(table, fetch, today, version);
    for (const line of result.changed) console.log(`changed  ${line}`);
    for (const line of result.byHand) console.log(`by hand  ${line}`);
    if (!dryRun) {
      writeJson(PRICE_TABLE_FILE, result.table);
      console.log(`Wrote ${PRICE_TABLE_FILE} (version ${version}, prices as of ${today})`);
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}

if (process.argv[1]?.endsWith("refresh.ts")) process.exitCode = await main(process.argv.slice(2));
