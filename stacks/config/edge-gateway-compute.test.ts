import { describe, expect, it } from "vitest";
import { DEV_STACK as DEV, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const PROD = { ...DEV, "estate:profile": "prod" };

function load(raw: Record<string, string>, stack = "dev") {
  return loadConfig(raw, { stack });
}

/** The problems a stack config is refused with, as `key: message` lines. */
function problems(raw: Record<string, string>, stack = "dev"): string[] {
  return refusal(raw, { stack }).problems.map((p) => `${p.key}: ${p.message}`);
}

const section = (key: string, value: unknown) => ({ [`estate:${key}`]: JSON.stringify(value) });

describe("profile defaults for edge, gateway, compute and observability", () => {
  it("dev: Front Door Standard in Detection, Developer gateway, small plans, 500 USD budget", () => {
    const config = load(DEV);
    expect(config.edge).toMatchObject({ sku: "Standard", wafMode: "Detection", managedRules: false, rateLimitPerMinute: 1000, originAccess: "public" });
    expect(config.gateway).toMatchObject({ sku: "Developer", capacity: 1 });
    expect(config.compute).toMatchObject({ minInstances: 1 });
    expect(config.observability.budget.monthlyAmount).toBe(500);
  });

  it("prod: Premium with managed rules in Prevention, zone-redundant Premium gateway, 3..20 instances, 5000 USD", () => {
    const config = load(PROD, "prod");
    expect(config.edge).toMatchObject({ sku: "Premium", wafMode: "Prevention", managedRules: true });
    expect(config.gateway).toMatchObject({ sku: "Premium", capacity: 3, corsOrigins: [] });
    expect(config.compute).toMatchObject({ minInstances: 3, maxInstances: 20 });
    expect(config.observability.budget.monthlyAmount).toBe(16_000);
  });

  it("ephemeral: 450 USD budget", () => {
    const config = load({ ...DEV, "estate:profile": "ephemeral", "estate:expiresAt": "2026-12-01T00:00:00Z" }, "ephemeral-pr1");
    expect(config.observability.budget.monthlyAmount).toBe(450);
    expect(config.edge.wafMode).toBe("Detection");
  });
});

describe("impossible combinations", () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    ["private link on Standard", section("edge", { originAccess: "private-link" }), "estate:edge.originAccess", /needs sku Premium/],
    ["managed rules on Standard", section("edge", { managedRules: true }), "estate:edge.managedRules", /need sku Premium/],
    ["a zero rate limit", section("edge", { rateLimitPerMinute: 0 }), "estate:edge.rateLimitPerMinute", /got 0; expected a positive/],
    ["a bad country code", section("edge", { geoFilter: { allowedCountries: ["NL", "XX"] } }), "estate:edge.geoFilter.allowedCountries[1]", /got "XX"/],
    ["lower-case country code", section("edge", { geoFilter: { allowedCountries: ["nl"] } }), "estate:edge.geoFilter.allowedCountries[0]", /ISO 3166-1/],
    ["caching /api/", section("edge", { cachedPaths: ["/api/v1/*"] }), "estate:edge.cachedPaths[0]", /never cached/],
    ["a wildcard CORS origin", section("gateway", { corsOrigins: ["*"] }), "estate:gateway.corsOrigins[0]", /wildcard/],
    ["Developer with 2 units", section("gateway", { capacity: 2 }), "estate:gateway.capacity", /exactly one unit/],
    ["a zero gateway rate limit", section("gateway", { rateLimit: { callsPerMinute: 0, key: "subject" } }), "estate:gateway.rateLimit.callsPerMinute", /positive/],
    ["minInstances > maxInstances", section("compute", { minInstances: 4, maxInstances: 2 }), "estate:compute.minInstances", /more than maxInstances 2/],
    ["more instances than the SKU has", section("compute", { webPlanSku: "B1", maxInstances: 5 }), "estate:compute.maxInstances", /B1 scales to 3/],
    ["a plain-http webhook", section("observability", { alerts: { webhooks: ["http://hooks.contoso.com"] } }), "estate:observability.alerts.webhooks[0]", /https/],
    ["a zero budget", section("observability", { budget: { monthlyAmount: 0 } }), "estate:observability.budget.monthlyAmount", /positive amount/],
  ])("dev refuses %s", (_name, override, key, message) => {
    const found = problems({ ...DEV, ...override });
    const line = found.find((p) => p.startsWith(`${key}: `));
    expect(line, found.join("\n")).toBeDefined();
    expect(line).toMatch(message);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    ["a zone-redundant Developer gateway", section("gateway", { sku: "Developer", capacity: 1 }), "estate:gateway.sku", /zone redundancy needs sku Premium/],
    ["a zone-redundant gateway with 4 units", section("gateway", { capacity: 4 }), "estate:gateway.capacity", /multiple of 3/],
    ["zone redundancy on a non-zonal web SKU", section("compute", { webPlanSku: "S1", maxInstances: 10 }), "estate:compute.webPlanSku", /cannot be zone redundant/],
    ["fewer than 3 instances when zone redundant", section("compute", { minInstances: 2 }), "estate:compute.minInstances", /at least 3 instances/],
    ["an http CORS origin", section("gateway", { corsOrigins: ["http://localhost:3000"] }), "estate:gateway.corsOrigins[0]", /https origins only/],
  ])("prod refuses %s", (_name, override, key, message) => {
    const found = problems({ ...PROD, ...override }, "prod");
    const line = found.find((p) => p.startsWith(`${key}: `));
    expect(line, found.join("\n")).toBeDefined();
    expect(line).toMatch(message);
  });

  it("refuses a Front Door custom domain that is not a host name, or one listed twice", () => {
    expect(problems({ ...DEV, ...section("edge", { customDomains: ["www.contoso.com", "www.contoso.com", "*.contoso.com"] }) })).toEqual([
      "estate:edge.customDomains[1]: www.contoso.com is listed twice",
      'estate:edge.customDomains[2]: got "*.contoso.com"; expected a lowercase DNS host name such as www.contoso.com',
    ]);
  });

  it("accepts a Premium edge with private link, managed rules and a valid geo filter", () => {
    const config = load({
      ...DEV,
      ...section("edge", { sku: "Premium", originAccess: "private-link", managedRules: true, geoFilter: { allowedCountries: ["NL", "BE"] } }),
    });
    expect(config.edge.geoFilter?.allowedCountries).toEqual(["NL", "BE"]);
  });
});
