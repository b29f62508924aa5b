import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { estimateCost } from "./estimate.js";
import { loadPriceTable, parsePriceTable, type Meter, type PriceTable } from "./prices.js";

const meter = (price: number, per: Meter["per"]): Meter => ({
  price,
  per,
  unit: per === "hour" ? "1 Hour" : "1/Month",
  service: "test",
  sku: "test",
  meter: "test meter",
  source: "https://example.com/pricing",
});

const table: PriceTable = {
  schemaVersion: 1,
  version: "test.1",
  currency: "USD",
  pricesAsOf: "2026-11-01",
  hoursPerMonth: 730,
  provenance: "test fixture",
  regions: {
    global: { meters: { "frontdoor.Standard_AzureFrontDoor": meter(35, "month") } },
    testregion: {
      meters: {
        "apim.Developer": meter(0.1, "hour"),
        "appservice.EP1": meter(0.2, "hour"),
        "privatelink.endpoint": meter(0.01, "hour"),
        "dns.privateZone": meter(0.5, "month"),
        "cosmos.autoscale": meter(0.012, "hour"),
        "cosmos.storage": meter(0.25, "usage"),
        "storage.Standard_LRS": meter(0.02, "usage"),
      },
    },
  },
};

const location = "testregion";
const tiny = fixturePlan("tiny", [
  { type: "azure-native:resources:ResourceGroup", name: "rg", inputs: { location } },
  {
    type: "azure-native:cdn:Profile",
    name: "afd",
    inputs: { location: "global", sku: { name: "Standard_AzureFrontDoor" } },
  },
  {
    type: "azure-native:apimanagement:ApiManagementService",
    name: "apim",
    inputs: { location, sku: { name: "Developer", capacity: 1 } },
  },
  { type: "azure-native:web:AppServicePlan", name: "asp", inputs: { location, sku: { name: "EP1", capacity: 2 } } },
  { type: "azure-native:network:PrivateEndpoint", name: "pe", inputs: { location } },
  { type: "azure-native:privatedns:PrivateZone", name: "zone", inputs: { location: "global" } },
  {
    type: "azure-native:cosmosdb:DatabaseAccount",
    name: "cosmos",
    inputs: { location, locations: [{ locationName: location, isZoneRedundant: true }, { locationName: location }] },
  },
  {
    type: "azure-native:cosmosdb:SqlResourceSqlContainer",
    name: "items",
    inputs: { accountName: "cosmos", options: { autoscaleSettings: { maxThroughput: 4000 } } },
  },
  { type: "azure-native:storage:StorageAccount", name: "st", inputs: { location, sku: { name: "Standard_LRS" } } },
  { type: "azure-native:network:NetworkSecurityGroup", name: "nsg", inputs: { location } },
  { type: "azure-native:foo:Bar", name: "mystery", inputs: { location } },
  { type: "estate:data:Data", name: "data", custom: false },
]);

describe("estimateCost", () => {
  const report = estimateCost(tiny, table);
  const byName = (name: string) => report.resources.find((r) => r.name === name)!;

  it("prices each resource from its SKU and capacity inputs", () => {
    expect(byName("afd").monthly).toBe(35);
    expect(byName("apim").monthly).toBe(73); // 0.1 x 730
    expect(byName("asp").monthly).toBe(292); // 0.2 x 730 x 2 instances
    expect(byName("pe").monthly).toBe(7.3);
    expect(byName("zone").monthly).toBe(0.5); // a global zone billed at the estate's rate
    // 4000 RU/s autoscale max = 40 units in each region, x1.25 where zone redundant = 90 units x 0.012 x 730
    expect(byName("items").monthly).toBe(788.4);
  });

  it("totals fixed charges only, with the daily figure derived from the hours in a month", () => {
    expect(report.total.monthly).toBe(1196.2);
    expect(report.total.daily).toBe(39.33); // 1196.2 x 24 / 730
    expect(byName("asp").daily).toBe(9.6); // 0.2 x 24 x 2
  });

  it("marks free, usage-billed and unknown resources explicitly, never as a silent zero", () => {
    expect(byName("nsg")).toMatchObject({ status: "free", monthly: 0 });
    expect(byName("rg").status).toBe("free");
    // Throughput is the containers'; the account's own charge is its data, per GB in each region.
    expect(byName("cosmos")).toMatchObject({
      status: "usage",
      monthly: null,
      reason: expect.stringContaining("data stored in testregion 0.25 USD per 1/Month"),
    });
    expect(byName("st")).toMatchObject({
      status: "usage",
      monthly: null,
      reason: expect.stringContaining("0.02 USD per 1/Month"),
    });
    expect(byName("mystery")).toMatchObject({
      status: "unknown",
      monthly: null,
      reason: "no price rule for azure-native:foo:Bar",
    });
    expect(report.counts).toEqual({ priced: 6, free: 2, usage: 2, unknown: 1 });
    expect(report.resources.some((r) => r.name === "data")).toBe(false); // components are not billed
  });

  it("calls a total with any unknown resource incomplete, and one without complete", () => {
    expect(report.total.complete).toBe(false);
    const known = fixturePlan("k", [
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location, sku: { name: "Developer" } },
      },
    ]);
    expect(estimateCost(known, table).total).toEqual({ monthly: 73, daily: 2.4, complete: true });
    // The same resource where the table has no prices: not a cheaper estate, an unknown one.
    const elsewhere = fixturePlan("e", [
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location: "nowhere", sku: { name: "Developer" } },
      },
    ]);
    expect(estimateCost(elsewhere, table).total).toEqual({ monthly: 0, daily: 0, complete: false });
  });

  it("reports a SKU the table has no price for as unknown, naming the meter and region", () => {
    const premium = fixturePlan("p", [
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location, sku: { name: "Premium", capacity: 3 } },
      },
    ]);
    expect(estimateCost(premium, table).resources[0]).toMatchObject({
      status: "unknown",
      reason: "price table test.1 has no apim.Premium price for testregion",
    });
  });

  it("prices a region without meters from the one it is approximated by, saying so on every line", () => {
    const approximated = {
      ...table,
      approximatedRegions: {
        nearby: { from: "testregion", factor: 1.5, reason: "no prices of its own in the test table" },
      },
    };
    const elsewhere = fixturePlan("a", [
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location: "nearby", sku: { name: "Developer", capacity: 1 } },
      },
    ]);
    const report = estimateCost(elsewhere, approximated);
    expect(report.resources[0]).toMatchObject({ status: "priced", monthly: 109.5 }); // 0.1 x 1.5 x 730
    expect(report.resources[0]!.lines[0]!.approximation).toBe(
      "nearby priced as testregion x 1.5: no prices of its own in the test table",
    );
    expect(report.approximations).toEqual([report.resources[0]!.lines[0]!.approximation]);
    expect(report.total.complete).toBe(true);
    // Without the approximation the same plan is unknown, never zero.
    expect(estimateCost(elsewhere, table).resources[0]!.status).toBe("unknown");
  });

  it("refuses an approximation from a region the table does not price", () => {
    expect(() =>
      parsePriceTable(
        { ...table, approximatedRegions: { nearby: { from: "nowhere", factor: 1, reason: "a reason long enough" } } },
        "t.json",
      ),
    ).toThrow(/approximatedRegions\.nearby\.from: no region nowhere/);
  });

  it("keeps each line's source and meter so the figure can be checked", () => {
    expect(byName("apim").lines[0]).toMatchObject({
      meter: "apim.Developer",
      quantity: 1,
      unitPrice: 0.1,
      per: "hour",
      source: "https://example.com/pricing",
    });
  });
});

describe("SQL, Redis and Service Bus rules", () => {
  const real = loadPriceTable();
  const at = (type: string, inputs: Record<string, unknown>) =>
    estimateCost(fixturePlan("x", [{ type, name: "r", inputs: { location: "eastus", ...inputs } }]), real).resources[0];

  it("prices vCores from the SKU name or capacity, and zone redundancy on General Purpose", () => {
    const gp = at("azure-native:sql:Database", { sku: { name: "GP_Gen5", capacity: 4 } });
    expect(gp.lines[0]).toMatchObject({ meter: "sql.gp.vcore", quantity: 4 });
    const zr = at("azure-native:sql:Database", { sku: { name: "GP_Gen5_2" }, zoneRedundant: true });
    expect(zr.lines.map((l) => [l.meter, l.quantity])).toEqual([
      ["sql.gp.vcore", 2],
      ["sql.gp.zoneRedundancy.vcore", 2],
    ]);
  });

  it("treats auto-pausing serverless SQL as usage-billed and always-on serverless at its minimum vCores", () => {
    expect(
      at("azure-native:sql:Database", { sku: { name: "GP_S_Gen5", capacity: 2 }, autoPauseDelay: 60 }).status,
    ).toBe("usage");
    const floor = at("azure-native:sql:Database", {
      sku: { name: "GP_S_Gen5", capacity: 2 },
      minCapacity: 1,
      autoPauseDelay: -1,
    });
    expect(floor.lines[0]).toMatchObject({ meter: "sql.gps.vcore", quantity: 1 });
  });

  it("prices Redis by family and capacity, Premium per shard, and Service Bus Premium per messaging unit", () => {
    expect(at("azure-native:redis:Redis", { sku: { name: "Basic", family: "C", capacity: 0 } }).monthly).toBeCloseTo(
      0.022 * 730,
      2,
    );
    expect(
      at("azure-native:redis:Redis", { sku: { name: "Premium", family: "P", capacity: 1 }, shardCount: 2 }).lines[0]
        .quantity,
    ).toBe(2);
    expect(at("azure-native:servicebus:Namespace", { sku: { name: "Premium", capacity: 2 } }).lines[0]).toMatchObject({
      quantity: 2,
    });
    expect(at("azure-native:servicebus:Namespace", { sku: { name: "Basic" } }).status).toBe("usage");
  });

  it("bills a Premium shard's replicas beyond the first as one node each, half the two-node shard price", () => {
    const p1 = { name: "Premium", family: "P", capacity: 1 };
    const shard = 0.554 * 730; // the eastus P1 shard: primary and one replica
    expect(at("azure-native:redis:Redis", { sku: p1, replicasPerPrimary: 1 }).monthly).toBeCloseTo(shard, 2);
    const zonal = at("azure-native:redis:Redis", { sku: p1, replicasPerPrimary: 2, zones: ["1", "2", "3"] });
    expect(zonal.lines[0]).toMatchObject({ quantity: 1.5, note: "1 shard of 3 nodes (primary and 2 replicas)" });
    expect(zonal.monthly).toBeCloseTo(shard * 1.5, 2);
    // Two shards of four nodes each: eight nodes, four two-node shard prices.
    expect(at("azure-native:redis:Redis", { sku: p1, shardCount: 2, replicasPerPrimary: 3 }).lines[0].quantity).toBe(4);
    // Basic and Standard have no replica count: the meter is the cache.
    expect(
      at("azure-native:redis:Redis", { sku: { name: "Standard", family: "C", capacity: 1 }, replicasPerPrimary: 2 })
        .lines[0].quantity,
    ).toBe(1);
  });
});

describe("the Cosmos DB account's own charges", () => {
  const real = loadPriceTable();
  const account = (inputs: Record<string, unknown>) =>
    estimateCost(
      fixturePlan("x", [
        {
          type: "azure-native:cosmosdb:DatabaseAccount",
          name: "cosmos",
          inputs: {
            location: "westeurope",
            locations: [{ locationName: "westeurope" }, { locationName: "northeurope" }],
            ...inputs,
          },
        },
      ]),
      real,
    ).resources[0];
  const continuous = (tier?: string) => ({
    backupPolicy: { type: "Continuous", ...(tier ? { continuousModeProperties: { tier } } : {}) },
  });

  it("bills the data stored in every region and 30-day continuous backup per GB: usage, never a zero", () => {
    const cosmos = account(continuous("Continuous30Days"));
    expect(cosmos).toMatchObject({ status: "usage", monthly: null, daily: null, lines: [] });
    expect(cosmos.reason).toContain("data stored in westeurope 0.27 USD per 1 GB/Month");
    expect(cosmos.reason).toContain("data stored in northeurope 0.2625 USD per 1 GB/Month");
    expect(cosmos.reason).toContain("30-day continuous backup of it in westeurope 0.216 USD per 1 GB/Month");
    expect(cosmos.reason).toContain("30-day continuous backup of it in northeurope 0.21 USD per 1 GB/Month");
    // An unstated tier is taken as the billed one.
    expect(account(continuous()).reason).toContain("30-day continuous backup of it in westeurope");
  });

  it("bills no backup for the free 7-day tier or periodic backup, and request units when serverless", () => {
    for (const free of [continuous("Continuous7Days"), { backupPolicy: { type: "Periodic" } }]) {
      const cosmos = account(free);
      expect(cosmos.status).toBe("usage");
      expect(cosmos.reason).toContain("data stored in westeurope");
      expect(cosmos.reason).not.toContain("backup of it");
    }
    const serverless = account({
      capabilities: [{ name: "EnableServerless" }],
      locations: [{ locationName: "westeurope" }],
    });
    expect(serverless.reason).toContain("request units 0.27 USD per 1M request units; data stored in westeurope");
  });
});

describe("Flex Consumption function apps", () => {
  const real = loadPriceTable();
  const farm = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/asp-func";
  const app = (zoneRedundant: boolean, alwaysReady: Array<{ name: string; instanceCount: number }>) =>
    estimateCost(
      fixturePlan("x", [
        {
          type: "azure-native:web:AppServicePlan",
          name: "asp-func",
          inputs: { location: "eastus", sku: { name: "FC1", tier: "FlexConsumption" }, zoneRedundant },
        },
        {
          type: "azure-native:web:WebApp",
          name: "func",
          inputs: {
            location: "eastus",
            serverFarmId: farm,
            functionAppConfig: { scaleAndConcurrency: { alwaysReady, instanceMemoryMB: 2048 } },
          },
        },
      ]),
      real,
    ).resources.find((r) => r.type === "azure-native:web:WebApp")!;

  it("bill the always-ready baseline of their memory, idle or not, and nothing fixed when they scale to zero", () => {
    expect(app(false, []).status).toBe("free");
    const ready = app(false, [{ name: "http", instanceCount: 3 }]);
    expect(ready.lines).toEqual([expect.objectContaining({ meter: "appservice.FC1.alwaysReady", quantity: 6 })]);
    // $0.000004 per GB-second: 3 instances x 2 GB all month.
    expect(ready.monthly).toBeCloseTo(0.000004 * 3600 * 730 * 6, 2);
  });

  it("zone redundant, keep at least two always-ready instances per scaling group, whatever the app asks", () => {
    expect(app(true, []).lines).toEqual([expect.objectContaining({ quantity: 4 })]);
    expect(
      app(true, [
        { name: "http", instanceCount: 1 },
        { name: "blob", instanceCount: 3 },
      ]).lines,
    ).toEqual([expect.objectContaining({ quantity: 10 })]);
  });
});

describe("PostgreSQL and MySQL flexible server rules", () => {
  const real = loadPriceTable();
  const at = (type: string, inputs: Record<string, unknown>, location = "eastus") =>
    estimateCost(fixturePlan("x", [{ type, name: "r", inputs: { location, ...inputs } }]), real).resources[0];

  it("prices Burstable per SKU plus storage (the B1ms server near the seed's $12 a month)", () => {
    const b1ms = at("azure-native:dbforpostgresql:Server", {
      sku: { name: "Standard_B1ms", tier: "Burstable" },
      storage: { storageSizeGB: 32 },
    });
    expect(b1ms.lines.map((l) => [l.meter, l.quantity])).toEqual([
      ["postgresql.burstable.Standard_B1ms", 1],
      ["postgresql.storage", 32],
    ]);
    expect(b1ms.lines[0].monthly).toBeCloseTo(0.017 * 730, 2);
  });

  it("prices General Purpose per vCore, with a zone-redundant HA standby billed like the primary", () => {
    const ha = at("azure-native:dbforpostgresql:Server", {
      sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 128 },
      highAvailability: { mode: "ZoneRedundant" },
    });
    expect(ha.lines.map((l) => [l.meter, l.quantity])).toEqual([
      ["postgresql.generalpurpose.vcore", 4],
      ["postgresql.storage", 256],
    ]);
    const mysql = at(
      "azure-native:dbformysql:Server",
      {
        sku: { name: "Standard_D4ds_v4", tier: "GeneralPurpose" },
        storage: { storageSizeGB: 20 },
        highAvailability: { mode: "Disabled" },
      },
      "westeurope",
    );
    expect(mysql.lines.map((l) => [l.meter, l.quantity])).toEqual([
      ["mysql.generalpurpose.vcore", 4],
      ["mysql.storage", 20],
    ]);
    expect(mysql.status).toBe("priced");
  });

  it("reports a SKU it cannot price as unknown, never zero", () => {
    expect(at("azure-native:dbformysql:Server", { sku: { name: "Standard_B20ms", tier: "Burstable" } })).toMatchObject({
      status: "unknown",
    });
    expect(at("azure-native:dbforpostgresql:Server", { sku: { name: "Custom" } })).toMatchObject({ status: "unknown" });
  });

  it("has every flexible server, Redis and geo-redundant storage meter in every region of the table", () => {
    const regional = Object.entries(real.regions).filter(([name]) => name !== "global");
    const meters = [
      "postgresql.generalpurpose.vcore",
      "mysql.burstable.Standard_B1ms",
      "mysql.storage",
      "redis.Premium.P5",
      "storage.Standard_RAGZRS",
      "storage.Standard_GZRS",
    ];
    for (const [name, region] of regional)
      for (const m of meters) expect(region.meters[m], `${name} ${m}`).toBeDefined();
  });
});

describe("static site, registry and Container Apps rules", () => {
  const real = loadPriceTable();
  const at = (type: string, inputs: Record<string, unknown>, location = "eastus") =>
    estimateCost(fixturePlan("x", [{ type, name: "r", inputs: { location, ...inputs } }]), real).resources[0];
  const app = (minReplicas: number) => ({
    template: {
      scale: { minReplicas, maxReplicas: 10 },
      containers: [{ name: "api", resources: { cpu: 0.5, memory: "1Gi" } }],
    },
  });

  it("prices a Standard static site per app and a Free one at nothing", () => {
    // The same price wherever the site's resource lives, regions the table has no other price for included.
    for (const region of ["eastus2", "westeurope"])
      expect(at("azure-native:web:StaticSite", { sku: { name: "Standard" } }, region).monthly).toBe(9);
    expect(at("azure-native:web:StaticSite", { sku: { name: "Free" } })).toMatchObject({ status: "free", monthly: 0 });
  });

  it("prices registries by SKU in every region of the table", () => {
    for (const region of ["eastus", "westeurope", "northeurope"]) {
      for (const sku of ["Basic", "Standard", "Premium"])
        expect(at("azure-native:containerregistry:Registry", { sku: { name: sku } }, region).status).toBe("priced");
    }
    expect(at("azure-native:containerregistry:Registry", { sku: { name: "Premium" } }).monthly).toBeCloseTo(
      1.6666 * (730 / 24),
      1,
    );
    expect(at("azure-native:containerregistry:Registry", { sku: { name: "Classic" } }).status).toBe("unknown");
  });

  it("bills a container app's warm replicas at the idle rate, and one that scales to zero per use", () => {
    const warm = at("azure-native:app:ContainerApp", app(2));
    expect(warm.lines.map((l) => [l.meter, l.quantity])).toEqual([
      ["containerapps.idle.vcpu", 1],
      ["containerapps.idle.memory", 2],
    ]);
    expect(warm.monthly).toBeCloseTo((1 + 2) * 0.0108 * 730, 1);
    expect(at("azure-native:app:ContainerApp", app(0)).status).toBe("usage");
    expect(
      at("azure-native:app:ManagedEnvironment", {
        workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      }).status,
    ).toBe("free");
    expect(
      at("azure-native:app:ManagedEnvironment", { workloadProfiles: [{ name: "d4", workloadProfileType: "D4" }] })
        .status,
    ).toBe("unknown");
  });
});

describe("the shipped price table", () => {
  const real = loadPriceTable();
  it("is valid, dated, and gives every meter a source page", () => {
    expect(real.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const region of Object.values(real.regions)) {
      for (const m of Object.values(region.meters))
        expect(m.source).toMatch(/^https:\/\/azure\.microsoft\.com\/pricing\//);
    }
  });

  it("puts a small dev estate in the tens to low hundreds and a zone-redundant Premium prod estate in the thousands per month", () => {
    const region = "westeurope";
    const dev = fixturePlan("dev", [
      {
        type: "azure-native:cdn:Profile",
        name: "afd",
        inputs: { location: "global", sku: { name: "Standard_AzureFrontDoor" } },
      },
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location: region, sku: { name: "Developer", capacity: 1 } },
      },
      {
        type: "azure-native:web:AppServicePlan",
        name: "asp",
        inputs: { location: region, sku: { name: "EP1", capacity: 1 } },
      },
      {
        type: "azure-native:redis:Redis",
        name: "redis",
        inputs: { location: region, sku: { name: "Basic", family: "C", capacity: 0 } },
      },
      { type: "azure-native:network:PrivateEndpoint", name: "pe", inputs: { location: region } },
    ]);
    const prod = fixturePlan("prod", [
      {
        type: "azure-native:cdn:Profile",
        name: "afd",
        inputs: { location: "global", sku: { name: "Premium_AzureFrontDoor" } },
      },
      {
        type: "azure-native:apimanagement:ApiManagementService",
        name: "apim",
        inputs: { location: region, sku: { name: "Premium", capacity: 3 }, zones: ["1", "2", "3"] },
      },
      {
        type: "azure-native:web:AppServicePlan",
        name: "asp",
        inputs: { location: region, sku: { name: "EP2", capacity: 1 }, zoneRedundant: true },
      },
    ]);
    const devMonthly = estimateCost(dev, real).total.monthly;
    const prodMonthly = estimateCost(prod, real).total.monthly;
    expect(devMonthly).toBeGreaterThan(20);
    expect(devMonthly).toBeLessThan(400);
    expect(prodMonthly).toBeGreaterThan(2000);
  });

  it("refuses a table with a bad field, naming the key and file", () => {
    const broken = { ...real, pricesAsOf: "last week" };
    expect(() => parsePriceTable(broken, "prices.json")).toThrow(
      /prices\.json: not a valid price table[\s\S]*pricesAsOf/,
    );
  });
});
