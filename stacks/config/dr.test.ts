import { describe, expect, it } from "vitest";
import { DEV_STACK as BASE, refusal } from "../../test/config.js";
import { drAddressSpace, secondaryRegion } from "./dr.js";
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

  it("refuses Redis persistence on a geo-replicated cache before anything is declared, naming the key", () => {
    // Azure geo-replicates no cache that persists its data
    // (https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication). The
    // config offers no persistence key at all (docs/data-tier.md says why), so the refusal is the
    // schema's; offering the key later must keep refusing it with Redis in estate:dr.
    const persisted = { redis: { persistence: { kind: "rdb", frequencyMinutes: 60 } } };
    const error = refusal(
      { ...PROD, "estate:data": JSON.stringify(persisted), ...dr({ enabled: true }) },
      { stack: "prod" },
    );
    expect(error.problems).toEqual([expect.objectContaining({ key: "estate:data.redis.persistence" })]);
    expect(error.message).toContain("nothing was declared");
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

describe("estate:dr.addressSpace", () => {
  const on = (extra: Record<string, unknown> = {}) => ({ ...PROD, ...dr({ enabled: true, ...extra }) });

  it("defaults to the block of the primary's size after it", () => {
    const config = loadConfig(
      { ...on(), "estate:network": JSON.stringify({ addressSpace: "10.20.0.0/16" }) },
      { stack: "prod" },
    );
    expect(drAddressSpace(config.dr, config.network.addressSpace)).toBe("10.21.0.0/16");
    expect(drAddressSpace({}, "255.255.0.0/16")).toBe("255.254.0.0/16");
    expect(drAddressSpace({ addressSpace: "172.16.0.0/20" }, "10.0.0.0/16")).toBe("172.16.0.0/20");
  });

  it("refuses a range that is no CIDR, overlaps the primary's or cannot hold the subnets, naming the key", () => {
    const cases: Array<[string, string]> = [
      ["10.0.0.1/16", "expected an IPv4 CIDR"],
      ["10.0.128.0/17", "overlaps estate:network.addressSpace 10.0.0.0/16"],
      ["10.9.0.0/28", "too small"],
    ];
    for (const [addressSpace, message] of cases) {
      const error = refusal(on({ addressSpace }), { stack: "prod" });
      expect(error.problems, addressSpace).toEqual([
        expect.objectContaining({ key: "estate:dr.addressSpace", message: expect.stringContaining(message) }),
      ]);
    }
  });

  it("refuses an AKS cluster and a private link origin with DR on, naming the keys", () => {
    const error = refusal(
      {
        ...on(),
        "estate:kubernetes": JSON.stringify({ enabled: true }),
        "estate:edge": JSON.stringify({ originAccess: "private-link" }),
      },
      { stack: "prod" },
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: "estate:dr.enabled",
          message: expect.stringContaining("estate:kubernetes.enabled"),
        }),
        expect.objectContaining({
          key: "estate:edge.originAccess",
          message: expect.stringContaining("origin in each region"),
        }),
      ]),
    );
  });
});
