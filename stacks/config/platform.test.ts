import { describe, expect, it } from "vitest";
import { DEV_STACK as BASE, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const platform = (value: unknown) => ({ "estate:platform": JSON.stringify(value) });
const refuse = (raw: Record<string, string>) => refusal({ ...BASE, ...raw });

describe("estate:platform defaults", () => {
  it("turns every platform service off", () => {
    const { platform: p } = loadConfig(BASE, { stack: "dev" });
    expect([p.search.enabled, p.openAi.enabled, p.realtime.enabled, p.appConfiguration.enabled]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it("dev: one Basic search replica, Standard real-time units, no purge protection", () => {
    const { platform: p } = loadConfig(BASE, { stack: "dev" });
    expect(p.search).toMatchObject({ sku: "basic", replicas: 1, partitions: 1, vectorSearch: true });
    expect(p.realtime).toMatchObject({ kind: "signalR", sku: "Standard_S1", units: 1 });
    expect(p.appConfiguration).toMatchObject({ sku: "standard", softDeleteRetentionDays: 7, purgeProtection: false });
    expect(p.openAi).toMatchObject({
      contentFilterThreshold: "Medium",
      deployments: [{ name: "chat", sku: "GlobalStandard", capacity: 10 }],
    });
  });

  it("prod: the search SLA's 3 replicas, Premium real-time units, purge protection", () => {
    const { platform: p } = loadConfig({ ...BASE, "estate:profile": "prod" }, { stack: "prod" });
    expect(p.search.replicas).toBe(3);
    expect(p.realtime.sku).toBe("Premium_P1");
    expect(p.appConfiguration.purgeProtection).toBe(true);
  });

  it("merges a stack's settings over the profile's", () => {
    const { platform: p } = loadConfig(
      {
        ...BASE,
        ...platform({ search: { enabled: true, replicas: 2 }, realtime: { enabled: true, kind: "webPubSub" } }),
      },
      { stack: "dev" },
    );
    expect(p.search).toMatchObject({ enabled: true, replicas: 2, sku: "basic" });
    expect(p.realtime).toMatchObject({ enabled: true, kind: "webPubSub", sku: "Standard_S1" });
  });
});

describe("estate:platform refusals", () => {
  it("refuses vectors on the free search tier, naming the key", () => {
    const error = refuse(platform({ search: { enabled: true, sku: "free", semanticRanker: "disabled" } }));
    expect(error.message).toContain("estate:platform.search");
    expect(error.message).toMatch(/vector search needs a tier with a vector quota/);
    expect(error.message).toMatch(/the free tier has no private endpoints/);
  });

  it("refuses a free App Configuration store (no private endpoint) and an empty OpenAI subdomain", () => {
    const error = refuse(
      platform({
        appConfiguration: { enabled: true, sku: "free" },
        openAi: { enabled: true, customSubDomainName: "" },
      }),
    );
    expect(error.message).toMatch(/estate:platform\.appConfiguration[\s\S]*the free tier has no private endpoints/);
    expect(error.message).toMatch(/estate:platform\.openAi[\s\S]*customSubDomainName is not set/);
  });

  it("refuses real-time sizes the SKU lacks, unknown keys and SKUs", () => {
    expect(refuse(platform({ realtime: { enabled: true, units: 15 } })).message).toMatch(
      /units 15 is not a size Standard_S1 offers/,
    );
    expect(refuse(platform({ realtime: { sku: "Free_F1" } })).message).toMatch(/estate:platform\.realtime\.sku/);
    expect(refuse(platform({ search: { replica: 2 } })).message).toMatch(/replica/);
  });

  it("leaves a disabled service's settings unchecked", () => {
    expect(() =>
      loadConfig({ ...BASE, ...platform({ appConfiguration: { sku: "free" } }) }, { stack: "dev" }),
    ).not.toThrow();
  });
});
