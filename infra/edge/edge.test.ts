import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { customRules, Edge, type EdgeArgs } from "./index.js";

const APIM_ID = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.ApiManagement/service/apim-test";
const STANDARD: EdgeArgs = {
  ...BASE,
  sku: "Standard",
  origin: { hostName: "apim-test.azure-api.net" },
  waf: { mode: "Detection", enabled: true, managedRules: false, rateLimitPerMinute: 1000 },
  cachedPaths: ["/static/*"],
};
const PREMIUM: EdgeArgs = {
  ...STANDARD,
  sku: "Premium",
  origin: { hostName: "apim-test.azure-api.net", privateLink: { resourceId: APIM_ID, location: "westeurope" } },
  waf: {
    mode: "Prevention",
    enabled: true,
    managedRules: true,
    rateLimitPerMinute: 500,
    allowedCountries: ["NL", "DE"],
  },
};

const SITE: EdgeArgs = {
  ...STANDARD,
  cachedPaths: ["/assets/*"],
  staticSite: { hostName: "stapp-estate-test-weu-web-1a2b3c4d5.3.azurestaticapps.net" },
  customDomains: ["www.contoso.com", "api.contoso.com"],
};

let standard: Plan;
let premium: Plan;
let site: Plan;
beforeAll(async () => {
  standard = await planComponents(() => {
    const edge = new Edge("edge", STANDARD);
    return { url: edge.url, fdid: edge.frontDoorId };
  });
  premium = await planComponents(() => {
    new Edge("edge", PREMIUM);
  });
  site = await planComponents(() => {
    const edge = new Edge("edge", SITE);
    return { tokens: edge.validationTokens };
  });
});

describe("Edge (Front Door + WAF)", () => {
  it("uses the SKU asked for on both profile and WAF policy", () => {
    expect(oneOfType(standard, "azure-native:cdn:Profile").inputs.sku).toEqual({ name: "Standard_AzureFrontDoor" });
    expect(oneOfType(premium, "azure-native:cdn:Profile").inputs.sku).toEqual({ name: "Premium_AzureFrontDoor" });
    expect(oneOfType(premium, "azure-native:frontdoor:Policy").inputs.sku).toEqual({ name: "Premium_AzureFrontDoor" });
  });

  it("has the gateway as its only origin, probed on /api/v1/health over HTTPS", () => {
    const origin = oneOfType(standard, "azure-native:cdn:AFDOrigin");
    expect(origin.inputs).toMatchObject({
      hostName: "apim-test.azure-api.net",
      originHostHeader: "apim-test.azure-api.net",
      enforceCertificateNameCheck: true,
    });
    expect(origin.inputs.sharedPrivateLinkResource).toBeUndefined();
    expect(oneOfType(standard, "azure-native:cdn:AFDOriginGroup").inputs.healthProbeSettings).toMatchObject({
      probePath: "/api/v1/health",
      probeProtocol: "Https",
    });
  });

  it("reaches the origin over private link on Premium", () => {
    expect(oneOfType(premium, "azure-native:cdn:AFDOrigin").inputs.sharedPrivateLinkResource).toMatchObject({
      privateLink: { id: APIM_ID },
      groupId: "Gateway",
    });
  });

  it("routes /api/* uncached and HTTPS only (HTTP redirected); static paths cached", () => {
    const routes = Object.fromEntries(
      ofType(standard, "azure-native:cdn:Route").map((r) => [r.inputs.routeName, r.inputs]),
    );
    expect(routes.api).toMatchObject({
      patternsToMatch: ["/api/*"],
      httpsRedirect: "Enabled",
      forwardingProtocol: "HttpsOnly",
    });
    expect(routes.api.cacheConfiguration).toBeUndefined();
    expect(routes.static).toMatchObject({
      patternsToMatch: ["/static/*"],
      httpsRedirect: "Enabled",
      forwardingProtocol: "HttpsOnly",
    });
    expect(routes.static.cacheConfiguration).toBeDefined();
  });

  it("WAF: Detection in dev shape, Prevention with managed rules, bot rules, rate limit and geo filter on Premium", () => {
    const dev = oneOfType(standard, "azure-native:frontdoor:Policy").inputs as any;
    expect(dev.policySettings).toMatchObject({ mode: "Detection", enabledState: "Enabled" });
    expect(dev.managedRules.managedRuleSets).toEqual([]);
    const prod = oneOfType(premium, "azure-native:frontdoor:Policy").inputs as any;
    expect(prod.policySettings).toMatchObject({ mode: "Prevention", enabledState: "Enabled" });
    expect(prod.managedRules.managedRuleSets.map((s: any) => `${s.ruleSetType}@${s.ruleSetVersion}`)).toEqual([
      "Microsoft_DefaultRuleSet@2.1",
      "Microsoft_BotManagerRuleSet@1.1",
    ]);
    const rules = Object.fromEntries(prod.customRules.rules.map((r: any) => [r.name, r]));
    expect(rules.RateLimitPerClientIp).toMatchObject({
      ruleType: "RateLimitRule",
      rateLimitThreshold: 500,
      rateLimitDurationInMinutes: 1,
      action: "Block",
    });
    expect(rules.AllowedCountriesOnly.matchConditions[0]).toMatchObject({
      operator: "GeoMatch",
      negateCondition: true,
      matchValue: ["NL", "DE"],
    });
  });

  it("attaches the WAF to the endpoint with a security policy", () => {
    const security = oneOfType(standard, "azure-native:cdn:SecurityPolicy").inputs as any;
    expect(security.parameters.wafPolicy.id).toBe(oneOfType(standard, "azure-native:frontdoor:Policy").outputs.id);
    expect(security.parameters.associations[0].domains[0].id).toBe(
      oneOfType(standard, "azure-native:cdn:AFDEndpoint").outputs.id,
    );
  });

  it("exposes the endpoint URL and the Front Door id, and sends diagnostics", () => {
    expect(standard.outputs.url).toMatch(/^https:\/\/fde-.*\.azurefd\.net$/);
    expect(standard.outputs.fdid).toBe(oneOfType(standard, "azure-native:cdn:Profile").outputs.frontDoorId);
    const profileId = oneOfType(standard, "azure-native:cdn:Profile").outputs.id;
    expect(ofType(standard, "azure-native:monitor:DiagnosticSetting").map((d) => d.inputs.resourceUri)).toContain(
      profileId,
    );
  });

  it("refuses what Front Door Standard cannot do, and a non-positive rate limit", async () => {
    expect(() => customRules({ ...STANDARD.waf, rateLimitPerMinute: 0 })).toThrow(/rateLimitPerMinute got 0/);
    await expect(
      planComponents(() => void new Edge("edge", { ...PREMIUM, sku: "Standard", waf: STANDARD.waf })),
    ).rejects.toThrow(/private link origin needs sku Premium/);
    await expect(planComponents(() => void new Edge("edge", { ...STANDARD, waf: PREMIUM.waf }))).rejects.toThrow(
      /managed WAF rule sets need sku Premium/,
    );
  });

  it("serves a static site from its own origin group, cached, beside the API's uncached one", () => {
    const groups = Object.fromEntries(
      ofType(site, "azure-native:cdn:AFDOriginGroup").map((g) => [g.inputs.originGroupName, g]),
    );
    expect(Object.keys(groups).sort()).toEqual(["gateway", "site"]);
    expect(groups.site.inputs.healthProbeSettings).toMatchObject({
      probePath: "/index.html",
      probeProtocol: "Https",
      probeRequestType: "HEAD",
    });
    const siteOrigin = ofType(site, "azure-native:cdn:AFDOrigin").find((o) => o.inputs.originName === "site")!;
    expect(siteOrigin.inputs).toMatchObject({
      hostName: SITE.staticSite!.hostName,
      originHostHeader: SITE.staticSite!.hostName,
      enforceCertificateNameCheck: true,
    });
    const routes = Object.fromEntries(
      ofType(site, "azure-native:cdn:Route").map((r) => [r.inputs.routeName, r.inputs as any]),
    );
    expect(routes.api).toMatchObject({ patternsToMatch: ["/api/*"], originGroup: { id: groups.gateway.outputs.id } });
    expect(routes.api.cacheConfiguration).toBeUndefined();
    expect(routes.static).toMatchObject({
      patternsToMatch: ["/*"],
      originGroup: { id: groups.site.outputs.id },
      httpsRedirect: "Enabled",
      forwardingProtocol: "HttpsOnly",
    });
    expect(routes.static.cacheConfiguration).toMatchObject({ queryStringCachingBehavior: "IgnoreQueryString" });
    expect(routes.static.ruleSets).toEqual([{ id: oneOfType(site, "azure-native:cdn:RuleSet").outputs.id }]);
  });

  it("caches assets under the cached paths for a year and pages for five minutes", () => {
    const rules = Object.fromEntries(
      ofType(site, "azure-native:cdn:Rule").map((r) => [r.inputs.ruleName, r.inputs as any]),
    );
    expect(rules.assets.conditions[0]).toMatchObject({
      name: "UrlPath",
      parameters: { operator: "BeginsWith", matchValues: ["/assets/"] },
    });
    expect(rules.assets.actions[0].parameters.cacheConfiguration).toMatchObject({
      cacheBehavior: "OverrideAlways",
      cacheDuration: "365.00:00:00",
    });
    expect(rules.pages.conditions[0]).toMatchObject({
      name: "UrlFileExtension",
      parameters: { operator: "Equal", matchValues: ["html"] },
    });
    expect(rules.pages.actions[0].parameters.cacheConfiguration.cacheDuration).toBe("00:05:00");
  });

  it("answers on custom domains with managed certificates (TLS 1.2), on every route, behind the WAF", () => {
    const domains = ofType(site, "azure-native:cdn:AFDCustomDomain");
    expect(domains.map((d) => d.inputs.hostName)).toEqual(["www.contoso.com", "api.contoso.com"]);
    for (const domain of domains) {
      expect(domain.inputs.tlsSettings).toEqual({ certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" });
    }
    const ids = domains.map((d) => ({ id: d.outputs.id }));
    for (const route of ofType(site, "azure-native:cdn:Route")) expect(route.inputs.customDomains).toEqual(ids);
    const security = oneOfType(site, "azure-native:cdn:SecurityPolicy").inputs as any;
    expect(security.parameters.associations[0].domains).toEqual([
      { id: oneOfType(site, "azure-native:cdn:AFDEndpoint").outputs.id },
      ...ids,
    ]);
    expect(Object.keys(site.outputs.tokens as object)).toEqual(["www.contoso.com", "api.contoso.com"]);
    expect((site.outputs.tokens as any)["www.contoso.com"]).toBe(
      (domains[0].outputs.validationProperties as any).validationToken,
    );
  });

  it("refuses a custom domain that is not a host name, or one listed twice", async () => {
    await expect(
      planComponents(() => void new Edge("edge", { ...SITE, customDomains: ["https://www.contoso.com"] })),
    ).rejects.toThrow(/custom domain "https:\/\/www.contoso.com" is not a lowercase DNS host name/);
    await expect(
      planComponents(() => void new Edge("edge", { ...SITE, customDomains: ["a.contoso.com", "a.contoso.com"] })),
    ).rejects.toThrow(/a.contoso.com is listed twice/);
  });
});
