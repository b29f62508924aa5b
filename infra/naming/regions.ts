/**
 * Azure regions the estate may be deployed to, with the short code used in names and whether the
 * region has availability zones (zone redundancy is impossible without them).
 * Source: Azure "regions with availability zones" list, 2026; short codes follow common CAF usage.
 */
export const REGIONS = {
  australiaeast: { short: "aue", zones: true },
  brazilsouth: { short: "brs", zones: true },
  canadacentral: { short: "cac", zones: true },
  centralindia: { short: "inc", zones: true },
  centralus: { short: "cus", zones: true },
  eastasia: { short: "ea", zones: true },
  eastus: { short: "eus", zones: true },
  eastus2: { short: "eus2", zones: true },
  francecentral: { short: "frc", zones: true },
  germanywestcentral: { short: "gwc", zones: true },
  japaneast: { short: "jpe", zones: true },
  koreacentral: { short: "krc", zones: true },
  northcentralus: { short: "ncus", zones: false },
  northeurope: { short: "neu", zones: true },
  norwayeast: { short: "nwe", zones: true },
  southcentralus: { short: "scus", zones: true },
  southeastasia: { short: "sea", zones: true },
  swedencentral: { short: "sdc", zones: true },
  switzerlandnorth: { short: "szn", zones: true },
  uksouth: { short: "uks", zones: true },
  ukwest: { short: "ukw", zones: false },
  westcentralus: { short: "wcus", zones: false },
  westeurope: { short: "weu", zones: true },
  westus: { short: "wus", zones: false },
  westus2: { short: "wus2", zones: true },
  westus3: { short: "wus3", zones: true },
} as const satisfies Record<string, { short: string; zones: boolean }>;

export type Region = keyof typeof REGIONS;
export const REGION_NAMES = Object.keys(REGIONS) as Region[];

export function isRegion(value: string): value is Region {
  return Object.hasOwn(REGIONS, value);
}
