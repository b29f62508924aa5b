import { describe, expect, it } from "vitest";
import { fixturePlan } from "../testing/plan-fixture.js";
import { estimateCost } from "./estimate.js";
import { loadPriceTable } from "./prices.js";

const real = loadPriceTable();
const pool = (name: string, vmSize: string, minCount: number) => ({
  name,
  vmSize,
  enableAutoScaling: true,
  minCount,
  maxCount: minCount + 4,
  count: minCount,
});
const priced = (region: string, tier: string, vmSize = "Standard_D4ds_v5") =>
  estimateCost(
    fixturePlan("aks", [
      {
        type: "azure-native:containerservice:ManagedCluster",
        name: "aks",
        inputs: { location: region, sku: { name: "Base", tier }, agentPoolProfiles: [pool("npsystem", vmSize, 3)] },
      },
      {
        type: "azure-native:containerservice:AgentPool",
        name: "apps",
        inputs: { location: region, agentPoolName: "npapps", ...pool("npapps", vmSize, 2) },
      },
      { type: "kubernetes:apps/v1:Deployment", name: "api", inputs: {} },
    ]),
    real,
  ).resources;

describe("AKS cost", () => {
  it("prices the Standard tier's uptime SLA and each pool's VMs at the autoscaler's minimum, in every region of the table", () => {
    for (const region of Object.keys(real.regions).filter((r) => r !== "global")) {
      const [cluster, apps] = priced(region, "Standard");
      const vm = real.regions[region]!.meters["vm.linux.Standard_D4ds_v5"]!.price;
      expect(cluster!.lines.map((l) => [l.meter, l.quantity])).toEqual([
        ["aks.Standard", 1],
        ["vm.linux.Standard_D4ds_v5", 3],
      ]);
      expect(cluster!.monthly).toBeCloseTo((real.regions[region]!.meters["aks.Standard"]!.price + 3 * vm) * 730, 1);
      expect(apps!.lines[0]).toMatchObject({ meter: "vm.linux.Standard_D4ds_v5", quantity: 2 });
    }
  });

  it("charges no management fee on the Free tier, bills Kubernetes objects through the nodes, and never prices an unknown VM size at zero", () => {
    const [cluster, , deployment] = priced("eastus", "Free");
    expect(cluster!.lines.map((l) => l.meter)).toEqual(["vm.linux.Standard_D4ds_v5"]);
    expect(deployment).toMatchObject({ status: "free", reason: expect.stringContaining("node pools") });
    expect(priced("eastus", "Standard", "Standard_E64s_v5")[0]).toMatchObject({ status: "unknown", monthly: null });
  });
});
