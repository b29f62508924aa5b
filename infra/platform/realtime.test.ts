import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { RealtimeService, type RealtimeArgs } from "./realtime.js";
import { realtimeProblems } from "./limits.js";

const ARGS: RealtimeArgs = {
  ...BASE,
  kind: "signalR",
  sku: "Standard_S1",
  units: 2,
  clientCertificate: false,
  privateEndpoint: PRIVATE_ENDPOINT,
};
const APP = "33333333-3333-4333-8333-333333333333";

let signalR: Plan;
let webPubSub: Plan;
beforeAll(async () => {
  signalR = await planComponents(() => {
    const service = new RealtimeService("realtime", ARGS);
    service.grantDataAccess("api", APP);
    return { endpoint: service.endpoint };
  });
  webPubSub = await planComponents(() => {
    const service = new RealtimeService("realtime", {
      ...ARGS,
      kind: "webPubSub",
      sku: "Premium_P1",
      units: 1,
      clientCertificate: true,
    });
    service.grantDataAccess("api", APP);
    return { endpoint: service.endpoint };
  });
});

describe("SignalR Service", () => {
  it("takes Entra tokens only, never from the internet, at the size asked", () => {
    const service = oneOfType(signalR, "azure-native:signalrservice:SignalR");
    expect(service.inputs).toMatchObject({
      kind: "SignalR",
      sku: { name: "Standard_S1", tier: "Standard", capacity: 2 },
      disableLocalAuth: true,
      disableAadAuth: false,
      publicNetworkAccess: "Disabled",
      tls: { clientCertEnabled: false },
      identity: { type: "SystemAssigned" },
      features: [{ flag: "ServiceMode", value: "Default" }],
    });
    expect(service.physicalName).toMatch(/^sigr-estate-test-weu-/);
    expect(signalR.outputs.endpoint).toBe(`https://${service.physicalName}.service.signalr.net`);
    expect(endpointOf(signalR, service.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["signalr"] }),
    ]);
    expect(oneOfType(signalR, "azure-native:monitor:DiagnosticSetting").inputs.resourceUri).toBe(service.outputs.id);
  });

  it("grants SignalR App Server", () => {
    expect(String(oneOfType(signalR, "azure-native:authorization:RoleAssignment").inputs.roleDefinitionId)).toMatch(
      /420fcaa2-552c-430f-98ca-3264be4806c7$/,
    );
  });
});

describe("Web PubSub", () => {
  it("is the same service shape with Web PubSub's endpoint, zone group id and role", () => {
    const service = oneOfType(webPubSub, "azure-native:webpubsub:WebPubSub");
    expect(service.inputs).toMatchObject({
      sku: { name: "Premium_P1", tier: "Premium", capacity: 1 },
      disableLocalAuth: true,
      publicNetworkAccess: "Disabled",
      tls: { clientCertEnabled: true },
      identity: { type: "SystemAssigned" },
    });
    expect(service.inputs.features).toBeUndefined();
    expect(webPubSub.outputs.endpoint).toBe(`https://${service.physicalName}.webpubsub.azure.com`);
    expect(endpointOf(webPubSub, service.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["webpubsub"] }),
    ]);
    expect(String(oneOfType(webPubSub, "azure-native:authorization:RoleAssignment").inputs.roleDefinitionId)).toMatch(
      /12cf5a90-567b-43ae-8102-96cf46c7d9b4$/,
    );
  });
});

describe("real-time refusals", () => {
  it("refuses the free tier and sizes the SKU does not have", () => {
    expect(realtimeProblems({ ...ARGS, sku: "Free_F1" as never })).toEqual([
      expect.stringMatching(/Free_F1 has no SLA and no private endpoints/),
    ]);
    expect(realtimeProblems({ ...ARGS, units: 15 })).toEqual([
      expect.stringMatching(/^units 15 is not a size Standard_S1 offers/),
    ]);
    expect(realtimeProblems({ ...ARGS, sku: "Premium_P2", units: 10 })).toEqual([
      expect.stringMatching(/^units 10 is not a size Premium_P2 offers; sizes: 100, 200/),
    ]);
    expect(realtimeProblems({ ...ARGS, kind: "webPubSub", serviceMode: "Serverless" })).toEqual([
      "serviceMode applies to SignalR Service only",
    ]);
  });

  it("refuses before declaring anything", async () => {
    await expect(planComponents(() => void new RealtimeService("realtime", { ...ARGS, units: 0 }))).rejects.toThrow(
      /SignalR Service realtime: units 0/,
    );
  });
});
