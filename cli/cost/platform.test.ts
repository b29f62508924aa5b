import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { estimateCost } from "./estimate.js";
import { loadPriceTable } from "./prices.js";

const real = loadPriceTable();
const at = (type: string, inputs: Record<string, unknown>, location = "eastus") =>
  estimateCost(fixturePlan("x", [{ type, name: "r", inputs: { location, ...inputs } }]), real).resources[0];

describe("platform service prices", () => {
  it("prices AI Search per search unit (replicas x partitions), and the Free tier as free", () => {
    const search = at("azure-native:search:Service", { sku: { name: "basic" }, replicaCount: 3, partitionCount: 1 });
    expect(search.lines[0]).toMatchObject({ meter: "search.basic", quantity: 3 });
    expect(search.monthly).toBeCloseTo(0.101 * 730 * 3, 1);
    expect(
      at("azure-native:search:Service", { sku: { name: "standard" }, replicaCount: 2, partitionCount: 2 }).lines[0]
        .quantity,
    ).toBe(4);
    expect(at("azure-native:search:Service", { sku: { name: "free" } }).status).toBe("free");
  });

  it("bills OpenAI deployments per token, never as zero, and the account itself not at all", () => {
    const chat = at("azure-native:cognitiveservices:Deployment", {
      sku: { name: "GlobalStandard", capacity: 30 },
      properties: { model: { name: "gpt-4o-mini" } },
    });
    expect(chat).toMatchObject({
      status: "usage",
      monthly: null,
      reason: expect.stringContaining("0.15 USD per 1M input tokens"),
    });
    const unpriced = at("azure-native:cognitiveservices:Deployment", {
      sku: { name: "Standard" },
      properties: { model: { name: "some-new-model" } },
    });
    expect(unpriced).toMatchObject({
      status: "usage",
      monthly: null,
      reason: expect.stringContaining("no openai.some-new-model price"),
    });
    expect(at("azure-native:cognitiveservices:Deployment", { sku: { name: "ProvisionedManaged" } }).status).toBe(
      "unknown",
    );
    expect(at("azure-native:cognitiveservices:Account", { kind: "OpenAI" }).status).toBe("free");
  });

  it("prices SignalR and Web PubSub per unit and App Configuration per store, in every region of the table", () => {
    for (const region of Object.keys(real.regions).filter((r) => r !== "global")) {
      expect(
        at("azure-native:signalrservice:SignalR", { sku: { name: "Standard_S1", capacity: 2 } }, region),
      ).toMatchObject({ status: "priced", lines: [{ quantity: 2 }] });
      expect(at("azure-native:webpubsub:WebPubSub", { sku: { name: "Premium_P1", capacity: 1 } }, region).status).toBe(
        "priced",
      );
      expect(at("azure-native:appconfiguration:ConfigurationStore", { sku: { name: "standard" } }, region).status).toBe(
        "priced",
      );
      expect(at("azure-native:search:Service", { sku: { name: "standard" } }, region).status).toBe("priced");
    }
    expect(
      at("azure-native:signalrservice:SignalR", { sku: { name: "Standard_S1", capacity: 1 } }).monthly,
    ).toBeCloseTo(0.0671 * 730, 1);
    expect(at("azure-native:appconfiguration:ConfigurationStore", { sku: { name: "free" } }).status).toBe("free");
    expect(at("azure-native:appconfiguration:ConfigurationStore", { sku: { name: "premium" } }).status).toBe("unknown");
  });
});
