import { describe, expect, it } from "vitest";
import { BASE, ofType, planComponents } from "../../test/components.js";
import { Network, planSubnets } from "../network/index.js";
import { Monitoring } from "../observability/monitoring.js";

describe("the shared arguments", () => {
  it("give the VNet and the Log Analytics workspace their lock, not only their diagnostics", async () => {
    const plan = await planComponents(() => {
      new Network("network", {
        ...BASE,
        lock: "CanNotDelete",
        addressSpace: "10.0.0.0/16",
        subnets: planSubnets("10.0.0.0/16"),
      });
      const { diagnostics: _ignored, ...monitoringBase } = BASE;
      new Monitoring("monitoring", {
        ...monitoringBase,
        lock: "CanNotDelete",
        retentionDays: 30,
      });
    });
    const scopes = (type: string) => ofType(plan, type).map((r) => r.inputs.scope as string);
    const vnet = ofType(plan, "azure-native:network:VirtualNetwork")[0];
    const workspace = ofType(plan, "azure-native:operationalinsights:Workspace")[0];
    for (const resource of [vnet, workspace]) {
      const id = resource.outputs.id as string;
      expect(id).toMatch(/^\/subscriptions\//);
      expect(scopes("azure-native:authorization:ManagementLockByScope")).toContain(id);
      expect(ofType(plan, "azure-native:monitor:DiagnosticSetting").map((r) => r.inputs.resourceUri)).toContain(id);
    }
    // The lock reaches every resource the components keep, not only their main one.
    for (const type of ["azure-native:network:NetworkSecurityGroup", "azure-native:applicationinsights:Component"]) {
      const ids = ofType(plan, type).map((r) => r.outputs.id as string);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) expect(scopes("azure-native:authorization:ManagementLockByScope")).toContain(id);
    }
  });
});
