import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BUILT_IN_ROLES } from "../core/roles.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { ServiceBus, type ServiceBusArgs } from "./service-bus.js";

const QUEUE = {
  name: "document-processing",
  lockDurationSeconds: 60,
  ttlSeconds: 86400,
  maxDeliveryCount: 3,
  deadLetterOnExpiry: true,
};
const STANDARD: ServiceBusArgs = { ...BASE, sku: "Standard", zoneRedundant: false, queues: [QUEUE] };
const PREMIUM: ServiceBusArgs = {
  ...STANDARD,
  sku: "Premium",
  capacity: 1,
  zoneRedundant: true,
  privateEndpoint: PRIVATE_ENDPOINT,
};

let standard: Plan;
let premium: Plan;
beforeAll(async () => {
  standard = await planComponents(() => {
    const bus = new ServiceBus("sb", STANDARD);
    bus.grantQueueAccess("api", "66666666-6666-4666-8666-666666666666", "document-processing", "send");
    bus.grantQueueAccess("worker", "77777777-7777-4777-8777-777777777777", "document-processing", "receive");
    return { fqdn: bus.fullyQualifiedNamespace };
  });
  premium = await planComponents(() => {
    new ServiceBus("sb", PREMIUM);
  });
});

describe("Service Bus", () => {
  it("disables SAS keys and old TLS on every SKU", () => {
    for (const plan of [standard, premium]) {
      expect(oneOfType(plan, "azure-native:servicebus:Namespace").inputs).toMatchObject({
        disableLocalAuth: true,
        minimumTlsVersion: "1.2",
      });
    }
  });

  it("Premium: public access off, zone redundant, private endpoint on namespace with its DNS zone group", () => {
    const ns = oneOfType(premium, "azure-native:servicebus:Namespace");
    expect(ns.inputs).toMatchObject({
      publicNetworkAccess: "Disabled",
      zoneRedundant: true,
      sku: { name: "Premium", capacity: 1 },
    });
    expect(endpointOf(premium, ns.outputs.id)?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["namespace"] }),
    ]);
  });

  it("Standard: no private endpoint exists for the SKU, so it stays on its public endpoint", () => {
    const ns = oneOfType(standard, "azure-native:servicebus:Namespace");
    expect(ns.inputs).toMatchObject({ publicNetworkAccess: "Enabled", sku: { name: "Standard" } });
    expect(ofType(standard, "azure-native:network:PrivateEndpoint")).toHaveLength(0);
    expect(standard.outputs.fqdn).toBe(`${ns.physicalName}.servicebus.windows.net`);
  });

  it("refuses Premium-only features on Standard", async () => {
    await expect(
      planComponents(() => void new ServiceBus("sb", { ...STANDARD, privateEndpoint: PRIVATE_ENDPOINT })),
    ).rejects.toThrow(/need the Premium SKU/);
  });

  it("creates queues with lock duration, TTL, max delivery count and dead-lettering on expiry", () => {
    expect(oneOfType(standard, "azure-native:servicebus:Queue").inputs).toMatchObject({
      queueName: "document-processing",
      lockDuration: "PT60S",
      defaultMessageTimeToLive: "PT86400S",
      maxDeliveryCount: 3,
      deadLetteringOnMessageExpiration: true,
    });
  });

  it("grants Sender and Receiver on the queue itself", () => {
    const queue = oneOfType(standard, "azure-native:servicebus:Queue");
    const grants = ofType(standard, "azure-native:authorization:RoleAssignment");
    expect(grants.map((g) => [String(g.inputs.roleDefinitionId).split("/").pop(), g.inputs.scope])).toEqual([
      [BUILT_IN_ROLES["Azure Service Bus Data Sender"], queue.outputs.id],
      [BUILT_IN_ROLES["Azure Service Bus Data Receiver"], queue.outputs.id],
    ]);
  });

  it("names the queues it has when asked for one it does not", async () => {
    await expect(
      planComponents(() => {
        new ServiceBus("sb", STANDARD).grantQueueAccess("api", "x", "orders", "send");
      }),
    ).rejects.toThrow(/no queue "orders"; queues: document-processing/);
  });
});
