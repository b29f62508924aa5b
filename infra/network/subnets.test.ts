import { describe, expect, it } from "vitest";
import { planSubnets } from "./subnets.js";

describe("planSubnets and the optional aks subnet", () => {
  it("carves no aks subnet unless the estate asks for one", () => {
    expect(planSubnets("10.0.0.0/16")).not.toHaveProperty("aks");
  });

  it("carves a /24 for AKS nodes beside the other subnets when asked, without overlapping them", () => {
    const plan = planSubnets("10.0.0.0/16", {}, ["aks"]);
    expect(plan.aks).toMatch(/\/24$/);
    const bases = Object.values(plan).map((cidr) => cidr!.split("/")[0]);
    expect(new Set(bases).size).toBe(Object.keys(plan).length);
    expect(Object.keys(plan)).toEqual(["gateway", "integration", "privateEndpoints", "management", "aks"]);
  });

  it("keeps an explicit aks range and refuses one that is too small", () => {
    expect(planSubnets("10.0.0.0/16", { aks: "10.0.8.0/23" }, ["aks"]).aks).toBe("10.0.8.0/23");
    expect(() => planSubnets("10.0.0.0/16", { aks: "10.0.8.0/26" }, ["aks"])).toThrow(
      "subnet aks 10.0.8.0/26 is too small: it needs at least a /24",
    );
  });

  it("refuses an address space that holds the other subnets but not the aks subnet too", () => {
    expect(() => planSubnets("10.0.0.0/24")).not.toThrow();
    expect(() => planSubnets("10.0.0.0/24", {}, ["aks"])).toThrow(/^address space 10.0.0.0\/24 is too small: no free/);
  });
});

describe("planSubnets and the optional containerApps subnet", () => {
  it("carves a /27 for Container Apps only when asked, beside the others", () => {
    expect(planSubnets("10.0.0.0/16")).not.toHaveProperty("containerApps");
    const plan = planSubnets("10.0.0.0/16", {}, ["containerApps"]);
    expect(plan.containerApps).toMatch(/\/27$/);
    expect(Object.keys(plan)).toEqual(["gateway", "integration", "privateEndpoints", "management", "containerApps"]);
  });

  it("refuses an explicit containerApps range smaller than /27", () => {
    expect(() => planSubnets("10.0.0.0/16", { containerApps: "10.0.9.0/28" }, ["containerApps"])).toThrow(
      "subnet containerApps 10.0.9.0/28 is too small: it needs at least a /27",
    );
  });
});
