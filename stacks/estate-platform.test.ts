import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import type { Plan } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";
import { DEFAULT_PRIVATE_LINK_SERVICES, PRIVATE_LINK } from "../infra/network/dns.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";
import { endpointOf, ofType, oneOfType } from "../test/components.js";
import { ROOT } from "../test/estate-plans.js";

const PLATFORM_TYPES = {
  search: "azure-native:search:Service",
  openAi: "azure-native:cognitiveservices:Account",
  signalR: "azure-native:signalrservice:SignalR",
  webPubSub: "azure-native:webpubsub:WebPubSub",
  appConfiguration: "azure-native:appconfiguration:ConfigurationStore",
} as const;

const everything = (kind: "signalR" | "webPubSub") => ({
  "estate:platform": JSON.stringify({
    search: { enabled: true },
    openAi: { enabled: true },
    realtime: { enabled: true, kind },
    appConfiguration: { enabled: true },
  }),
});

let dev: Plan;
let prod: Plan;
let plain: Plan;
let singleReplica: Plan;
beforeAll(async () => {
  dev = await planStack({ projectDir: ROOT, stack: "dev", configOverrides: everything("webPubSub") });
  prod = await planStack({ projectDir: ROOT, stack: "prod", configOverrides: everything("signalR") });
  plain = await planStack({ projectDir: ROOT, stack: "dev" });
  singleReplica = await planStack({
    projectDir: ROOT,
    stack: "prod",
    configOverrides: { "estate:platform": JSON.stringify({ search: { enabled: true, replicas: 1 } }) },
  });
}, 120_000);

describe("a stack enabling the platform services", () => {
  it("declares each enabled service once behind a private endpoint in its own private DNS zone", () => {
    for (const [plan, realtime] of [
      [dev, "webPubSub"],
      [prod, "signalR"],
    ] as const) {
      const services = ["search", "openAi", realtime, "appConfiguration"] as const;
      const zones = new Map(
        ofType(plan, "azure-native:privatedns:PrivateZone").map((z) => [z.physicalName, z.outputs.id]),
      );
      const subnet = ofType(plan, "azure-native:network:Subnet").find((s) =>
        String(s.inputs.subnetName).endsWith("privateendpoints"),
      )!;
      for (const service of services) {
        const resource = oneOfType(plan, PLATFORM_TYPES[service]);
        const pe = endpointOf(plan, resource.outputs.id);
        expect(pe, `${service} has no private endpoint`).toBeDefined();
        expect((pe!.endpoint.inputs.subnet as { id: string }).id).toBe(subnet.outputs.id);
        expect(
          (pe!.zoneGroup.inputs.privateDnsZoneConfigs as Array<{ privateDnsZoneId: string }>)[0].privateDnsZoneId,
        ).toBe(zones.get(PRIVATE_LINK[service].zone));
      }
      const other = realtime === "signalR" ? "webPubSub" : "signalR";
      expect(ofType(plan, PLATFORM_TYPES[other])).toHaveLength(0);
      expect(zones.has(PRIVATE_LINK[other].zone)).toBe(false);
    }
  });

  it("takes the profile's defaults: prod's search SLA replicas, Premium units and purge protection", () => {
    expect(oneOfType(prod, PLATFORM_TYPES.search).inputs).toMatchObject({ replicaCount: 3, sku: { name: "basic" } });
    expect(oneOfType(prod, PLATFORM_TYPES.signalR).inputs).toMatchObject({ sku: { name: "Premium_P1" } });
    expect(oneOfType(prod, PLATFORM_TYPES.appConfiguration).inputs).toMatchObject({ enablePurgeProtection: true });
    expect(oneOfType(dev, PLATFORM_TYPES.search).inputs).toMatchObject({ replicaCount: 1 });
    const account = oneOfType(dev, PLATFORM_TYPES.openAi);
    expect((account.inputs.properties as { customSubDomainName: string }).customSubDomainName).toBe(
      account.physicalName,
    );
    expect(ofType(dev, "azure-native:cognitiveservices:Deployment").map((d) => d.inputs.deploymentName)).toEqual([
      "chat",
    ]);
  });

  it("exports the enabled services' endpoints", () => {
    expect(Object.keys(dev.outputs.platform as object).sort()).toEqual([
      "appConfigurationEndpoint",
      "openAiEndpoint",
      "realtimeEndpoint",
      "searchEndpoint",
    ]);
    expect(String((prod.outputs.platform as Record<string, string>).realtimeEndpoint)).toMatch(
      /\.service\.signalr\.net$/,
    );
  });

  it("plans with no mandatory policy violation and no unknown price", () => {
    for (const [plan, stack] of [
      [dev, "dev"],
      [prod, "prod"],
    ] as const) {
      const report = evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack, profile: stack }));
      const mandatory = report.results
        .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
        .map((r) => `${r.ruleId} ${r.resource.name}`);
      expect(mandatory).toEqual([]);
      const judged = new Set(
        report.results.filter((r) => r.status === "pass").map((r) => r.ruleId.replace(/-\d+$/, "")),
      );
      for (const area of ["EST-SRCH", "EST-OAI", "EST-SIGR", "EST-APPCS"])
        expect(judged, `${stack}: no ${area} rule was evaluated`).toContain(area);
      const platformCosts = estimateCost(plan, loadPriceTable()).resources.filter(
        (r) =>
          Object.values(PLATFORM_TYPES).includes(r.type as never) ||
          r.type.startsWith("azure-native:cognitiveservices"),
      );
      expect(platformCosts.filter((r) => r.status === "unknown").map((r) => `${r.type}: ${r.reason}`)).toEqual([]);
      expect(platformCosts.find((r) => r.type === "azure-native:cognitiveservices:Deployment")?.status).toBe("usage");
    }
  });
});

describe("a production stack below the search SLA", () => {
  it("fails EST-SRCH-004 as a mandatory violation on the search service", () => {
    const report = evaluatePlan(singleReplica, loadStackPolicy(ROOT, RULES, { stack: "prod", profile: "prod" }));
    const mandatory = report.results.filter((r) => r.status === "fail" && r.enforcement === "mandatory");
    expect(mandatory.map((r) => [r.ruleId, r.resource.type])).toEqual([["EST-SRCH-004", PLATFORM_TYPES.search]]);
  });
});

describe("a stack leaving them off", () => {
  it("declares no platform resource, zone or output", () => {
    for (const type of Object.values(PLATFORM_TYPES)) expect(ofType(plain, type)).toHaveLength(0);
    expect(
      ofType(plain, "azure-native:privatedns:PrivateZone")
        .map((z) => z.physicalName)
        .sort(),
    ).toEqual(DEFAULT_PRIVATE_LINK_SERVICES.map((service) => PRIVATE_LINK[service].zone).sort());
    expect(plain.outputs.platform).toBeUndefined();
  });
});
