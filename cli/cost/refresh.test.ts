import { describe, expect, it } from "vitest";
import type { PriceTable } from "./prices.js";
import { refreshTable, retailQuery, type Fetch } from "./refresh.js";

const table: PriceTable = {
  schemaVersion: 1,
  version: "2026.11.0",
  currency: "USD",
  pricesAsOf: "2026-11-01",
  hoursPerMonth: 730,
  provenance: "test",
  regions: {
    eastus: {
      meters: {
        "apim.Developer": {
          price: 0.06,
          per: "hour",
          unit: "1 Hour",
          service: "API Management",
          sku: "Developer",
          meter: "Developer unit",
          source: "https://azure.microsoft.com/pricing/details/api-management/",
          retail: { serviceName: "API Management", skuName: "Developer", meterName: "Developer Units" },
        },
        "dns.privateZone": {
          price: 0.5,
          per: "month",
          unit: "1/Month",
          service: "Azure DNS",
          sku: "Private zone",
          meter: "Private zone",
          source: "https://azure.microsoft.com/pricing/details/dns/",
        },
      },
    },
  },
};

const answer = (items: unknown[]) => async () => ({ ok: true, status: 200, json: async () => ({ Items: items }) });

describe("refreshTable", () => {
  it("builds an OData filter on service, SKU, meter, region and pay-as-you-go prices", () => {
    const url = decodeURIComponent(retailQuery(table.regions.eastus.meters["apim.Developer"], "eastus"));
    expect(url).toContain("serviceName eq 'API Management' and skuName eq 'Developer' and armRegionName eq 'eastus'");
    expect(url).toContain("meterName eq 'Developer Units'");
  });

  it("takes the single matching price, dates and versions the table, and lists meters to check by hand", async () => {
    const fetcher: Fetch = answer([
      {
        unitPrice: 0.07,
        retailPrice: 0.07,
        unitOfMeasure: "1 Hour",
        meterName: "Developer Units",
        skuName: "Developer",
        type: "Consumption",
      },
    ]);
    const result = await refreshTable(table, fetcher, "2026-12-01", "2026.12.0");
    expect(result.table.regions.eastus.meters["apim.Developer"].price).toBe(0.07);
    expect(result.table).toMatchObject({ pricesAsOf: "2026-12-01", version: "2026.12.0" });
    expect(result.changed).toEqual(["eastus/apim.Developer: 0.06 -> 0.07 per 1 Hour"]);
    expect(result.byHand).toEqual([expect.stringMatching(/^eastus\/dns\.privateZone: no retail query/)]);
    expect(table.regions.eastus.meters["apim.Developer"].price).toBe(0.06); // the input is not modified
  });

  it("fails with a clear message when the API cannot be reached", async () => {
    const offline: Fetch = async () => {
      throw new Error("getaddrinfo ENOTFOUND prices.azure.com");
    };
    await expect(refreshTable(table, offline, "2026-12-01", "x")).rejects.toThrow(
      /cannot reach the Azure Retail Prices API .*ENOTFOUND.*the price table was not changed/,
    );
  });
});
