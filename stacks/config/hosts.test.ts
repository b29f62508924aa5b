import { describe, expect, it } from "vitest";
import { DEV_STACK as DEV, refusal } from "../../test/config.js";
import { staticSiteRegion } from "./hosts.js";
import { loadConfig } from "./load.js";

const PROD = { ...DEV, "estate:profile": "prod" };
const hosts = (value: unknown) => ({ "estate:hosts": JSON.stringify(value) });
const problems = (raw: Record<string, string>, stack = "dev") =>
  refusal(raw, { stack }).problems.map((p) => `${p.key}: ${p.message}`);

describe("estate:hosts", () => {
  it("defaults: Basic registry and one warm replica in dev; Premium zone-redundant registry, two replicas, no preview sites in prod", () => {
    const dev = loadConfig(DEV, { stack: "dev" }).hosts;
    expect(dev).toMatchObject({
      registry: { sku: "Basic", zoneRedundant: false },
      containerApps: { minReplicas: 1, maxReplicas: 3 },
      staticSites: { sku: "Standard" },
    });
    const prod = loadConfig(PROD, { stack: "prod" }).hosts;
    expect(prod).toMatchObject({
      registry: { sku: "Premium", zoneRedundant: true },
      containerApps: { minReplicas: 2 },
      staticSites: { stagingEnvironments: false },
    });
  });

  it("overrides one key and keeps the profile's others", () => {
    const config = loadConfig({ ...PROD, ...hosts({ containerApps: { minReplicas: 3 } }) }, { stack: "prod" }).hosts;
    expect(config.containerApps).toEqual({ cpu: 1, minReplicas: 3, maxReplicas: 10, concurrentRequests: 100 });
  });

  it("places a static site in the estate's region when Static Web Apps has it, else in the configured one", () => {
    const config = loadConfig(DEV, { stack: "dev" });
    expect(staticSiteRegion(config.hosts, "westeurope")).toBe("westeurope");
    expect(staticSiteRegion(config.hosts, "eastus")).toBeUndefined();
    const east = loadConfig({ ...DEV, ...hosts({ staticSites: { region: "eastus2" } }) }, { stack: "dev" });
    expect(staticSiteRegion(east.hosts, "eastus")).toBe("eastus2");
  });

  it("refuses a zone-redundant registry below Premium, impossible sizes, an unknown region and a repeated domain, every problem listed", () => {
    const found = problems({
      ...DEV,
      ...hosts({
        registry: { zoneRedundant: true },
        containerApps: { cpu: 0.3, minReplicas: 4, maxReplicas: 2, concurrentRequests: 0 },
        staticSites: {
          sku: "Free",
          linkedBackend: "api",
          customDomains: ["www.contoso.com", "www.contoso.com", "https://contoso.com"],
        },
      }),
    });
    expect(found).toEqual(
      expect.arrayContaining([
        "estate:hosts.registry.zoneRedundant: needs sku Premium (got Basic)",
        "estate:hosts.containerApps.cpu: got 0.3; expected 0.25 to 4 vCPU in steps of 0.25",
        "estate:hosts.containerApps.minReplicas: replicas 4..2 are not a valid range (0 <= min <= max <= 1000)",
        "estate:hosts.containerApps.concurrentRequests: got 0; expected at least 1",
        "estate:hosts.staticSites.linkedBackend: needs sku Standard (got Free): Free sites cannot link a backend (https://learn.microsoft.com/azure/static-web-apps/plans)",
        "estate:hosts.staticSites.customDomains[1]: www.contoso.com is listed twice",
        'estate:hosts.staticSites.customDomains[2]: got "https://contoso.com"; expected a lowercase DNS host name such as www.contoso.com',
      ]),
    );
    expect(problems({ ...DEV, ...hosts({ staticSites: { region: "eastus" } }) }).join("\n")).toMatch(
      /estate:hosts\.staticSites\.region: .*centralus/,
    );
  });
});
