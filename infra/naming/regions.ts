/**
 * Azure regions the estate may be deployed to, with the short code used in names and whether the
 * region has availability zones (zone redundancy is impossible without them), and its display name
 * (what API Management's `context.Deployment.Region` holds).
 * Source: Azure "regions with availability zones" list, 2026 (`az account list-locations` for the
 * display names); short codes follow common CAF usage.
 */
export const REGIONS = {
  australiaeast: { short: "aue", zones: true, display: "Australia East" },
  brazilsouth: { short: "brs", zones: true, display: "Brazil South" },
  canadacentral: { short: "cac", zones: true, display: "Canada Central" },
  centralindia: { short: "inc", zones: true, display: "Central India" },
  centralus: { short: "cus", zones: true, display: "Central US" },
  eastasia: { short: "ea", zones: true, display: "East Asia" },
  eastus: { short: "eus", zones: true, display: "East US" },
  eastus2: { short: "eus2", zones: true, display: "East US 2" },
  francecentral: { short: "frc", zones: true, display: "France Central" },
  germanywestcentral: { short: "gwc", zones: true, display: "Germany West Central" },
  japaneast: { short: "jpe", zones: true, display: "Japan East" },
  koreacentral: { short: "krc", zones: true, display: "Korea Central" },
  northcentralus: { short: "ncus", zones: false, display: "North Central US" },
  northeurope: { short: "neu", zones: true, display: "North Europe" },
  norwayeast: { short: "nwe", zones: true, display: "Norway East" },
  southcentralus: { short: "scus", zones: true, display: "South Central US" },
  southeastasia: { short: "sea", zones: true, display: "Southeast Asia" },
  swedencentral: { short: "sdc", zones: true, display: "Sweden Central" },
  switzerlandnorth: { short: "szn", zones: true, display: "Switzerland North" },
  uksouth: { short: "uks", zones: true, display: "UK South" },
  ukwest: { short: "ukw", zones: false, display: "UK West" },
  westcentralus: { short: "wcus", zones: false, display: "West Central US" },
  westeurope: { short: "weu", zones: true, display: "West Europe" },
  westus: { short: "wus", zones: false, display: "West US" },
  westus2: { short: "wus2", zones: true, display: "West US 2" },
  westus3: { short: "wus3", zones: true, display: "West US 3" },
} as const satisfies Record<string, { short: string; zones: boolean; display: string }>;

export type Region = keyof typeof REGIONS;
export const REGION_NAMES = Object.keys(REGIONS) as Region[];

export function isRegion(value: string): value is Region {
  return Object.hasOwn(REGIONS, value);
}
