import { describe, expect, it } from "vitest";
import { DEV_STACK as BASE, refusal } from "../../test/config.js";
import { secondaryRegion } from "./dr.js";
import { loadConfig } from "./load.js";

const PROD = { ...BASE, "estate:profile": "prod" };
const dr = (value: unknown) => ({ "estate:dr": JSON.stringify(value) });

describe("estate:dr", () => {
  it("is off by default, with the seeds' targets and the primary's pair as secondary", () => {
    const config = loadConfig(PROD, { stack: "prod" });
    expect(config.dr).toMatchObject({ enabled: false, rpoMinutes: 5, rtoMinutes: 60 });
    expect(secondaryRegion(config.dr, config.location)).toBe("northeurope");
    expect(secondaryRegion(config.dr, "westus3")).toBe("eastus");
  });

  it("accepts prod's SKUs with every tier replicated", () => {
    const config = loadConfig({ ...PROD, ...dr({ enabled: true }) }, { stack: "prod" });
    expect(config.dr.failover).toMatchObject({ cosmos: "automatic", sql: "manual", storage: "manual" });
  });

  it("refuses a secondary equal to the primary, and a pair the estate does not accept, naming the key", () => {
    const same = refusal({ ...PROD, ...dr({ enabled: true, secondary: "westeurope" }) }, { stack: "prod" });
    expect(same.problems).toEqual([
      expect.objectContaining({
        key: "estate:dr.secondary",
        message: expect.stringContaining("the primary region itself"),
      }),
    ]);
    const unpaired = refusal(
      { ...PROD, "estate:location": "swedencentral", ...dr({ enabled: true }) },
      { stack: "prod" },
    );
    expect(unpaired.problems).toEqual([
      expect.objectContaining({ key: "estate:dr.secondary", message: expect.stringContaining("swedensouth") }),
    ]);
    const unknown = refusal({ ...PROD, ...dr({ enabled: true, secondary: "marsnorth" }) }, { stack: "prod" });
    expect(unknown.problems.map((p) => p.key)).toEqual(["estate:dr.secondary"]);
  });

  it("refuses SKUs that cannot geo-replicate and automatic failover Azure does not offer, every problem listed", () => {
    // dev's SKUs: serverless Cosmos, Standard Service Bus, Standard Redis.
    const error = refusal({ ...BASE, ...dr({ enabled: true, rpoMinutes: -1, failover: { storage: "automatic" } }) });
    expect(error.problems.map((p) => p.key).sort()).toEqual([
      "estate:dr.failover.cosmos",
      "estate:dr.failover.redis",
      "estate:dr.failover.serviceBus",
      "estate:dr.failover.storage",
      "estate:dr.rpoMinutes",
    ]);
    expect(error.message).toContain("Service Bus geo-replication needs the Premium SKU");
  });

  it("lets a tier stay out of DR with none", () => {
    const config = loadConfig(
      { ...BASE, ...dr({ enabled: true, failover: { cosmos: "none", serviceBus: "none", redis: "none" } }) },
      { stack: "dev" },
    );
    expect(config.dr.enabled).toBe(true);
  });

  it("says nothing about SKUs while DR is off", () => {
    expect(() => loadConfig({ ...BASE, ...dr({ failover: { storage: "manual" } }) }, { stack: "dev" })).not.toThrow();
  });
});

describe("estate:dr and serverless SQL", () => {
  const SQL = { enabled: true, admin: { login: "sql-admins", objectId: "6f1c2a7e-3b5d-4c8e-9a10-2d4e6f8a0b1c" } };
  it("refuses an auto-pausing serverless database in a failover group, naming the database key", () => {
    const error = refusal({
      ...BASE,
      "estate:data": JSON.stringify({ sql: SQL }),
      ...dr({ enabled: true, failover: { cosmos: "none", serviceBus: "none", redis: "none" } }),
    });
    expect(error.problems).toEqual([
      expect.objectContaining({
        key: "estate:data.sql.databases[0].autoPauseDelayMinutes",
        message: expect.stringContaining("never auto-pause"),
      }),
    ]);
  });
});
