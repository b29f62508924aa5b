import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import type { Plan } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";
import { PRIVATE_LINK } from "../infra/network/dns.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";
import { endpointOf, ofType, oneOfType } from "../test/components.js";
import { ROOT } from "../test/estate-plans.js";

const ADMIN = { principalName: "db-admins", objectId: "6f1c2a7e-3b5d-4c8e-9a10-2d4e6f8a0b1c" };
/** A stack that turns both servers on: the whole estate:data section is replaced, so SQL is off. */
const WITH_SERVERS = {
  "estate:data": JSON.stringify({
    postgresql: { enabled: true, admin: ADMIN, databases: ["events"] },
    mysql: { enabled: true, admin: ADMIN, databases: ["feastfrenzy"] },
  }),
};
const SERVERS = [
  { type: "azure-native:dbforpostgresql:Server", link: "postgresql" },
  { type: "azure-native:dbformysql:Server", link: "mysql" },
] as const;

let plain: Plan;
let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  plain = await planStack({ projectDir: ROOT, stack: "dev" });
  dev = await planStack({ projectDir: ROOT, stack: "dev", configOverrides: WITH_SERVERS });
  prod = await planStack({ projectDir: ROOT, stack: "prod", configOverrides: WITH_SERVERS });
});

describe("PostgreSQL and MySQL in the estate", () => {
  it("are not planned, nor their DNS zones, unless a stack turns them on", () => {
    for (const { type, link } of SERVERS) {
      expect(ofType(plain, type)).toHaveLength(0);
      expect(ofType(plain, "azure-native:privatedns:PrivateZone").map((z) => z.physicalName)).not.toContain(
        PRIVATE_LINK[link].zone,
      );
    }
  });

  it.each(["dev", "prod"] as const)(
    "are planned in %s behind private endpoints whose zones are linked to the VNet",
    (name) => {
      const plan = name === "dev" ? dev : prod;
      for (const { type, link } of SERVERS) {
        const server = oneOfType(plan, type);
        expect(server.inputs.network).toEqual({ publicNetworkAccess: "Disabled" });
        // The server's VNet: prod's DR secondary has a VNet and zones of its own.
        const vnet = ofType(plan, "azure-native:network:VirtualNetwork").find(
          (v) => v.inputs.resourceGroupName === server.inputs.resourceGroupName,
        )!;
        const zone = ofType(plan, "azure-native:privatedns:PrivateZone").find(
          (z) =>
            z.physicalName === PRIVATE_LINK[link].zone &&
            z.inputs.resourceGroupName === server.inputs.resourceGroupName,
        );
        expect(zone, PRIVATE_LINK[link].zone).toBeDefined();
        const pe = endpointOf(plan, server.outputs.id);
        expect((pe!.zoneGroup.inputs.privateDnsZoneConfigs as any)[0].privateDnsZoneId).toBe(zone!.outputs.id);
        const linkToVnet = ofType(plan, "azure-native:privatedns:VirtualNetworkLink").find(
          (l) =>
            l.inputs.privateZoneName === zone!.physicalName &&
            l.inputs.resourceGroupName === zone!.inputs.resourceGroupName,
        );
        expect(linkToVnet?.inputs.virtualNetwork).toEqual({ id: vnet.outputs.id });
      }
    },
  );

  it("take the profile's defaults: Burstable without HA in dev, zone-redundant General Purpose with geo-redundant backups and a lock in prod", () => {
    expect(oneOfType(dev, "azure-native:dbforpostgresql:Server").inputs).toMatchObject({
      sku: { name: "Standard_B1ms" },
      highAvailability: { mode: "Disabled" },
    });
    const pg = oneOfType(prod, "azure-native:dbforpostgresql:Server");
    expect(pg.inputs).toMatchObject({
      sku: { name: "Standard_D2ds_v5" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
    });
    expect(oneOfType(prod, "azure-native:dbformysql:Server").inputs).toMatchObject({
      sku: { name: "Standard_D2ds_v4" },
      highAvailability: { mode: "ZoneRedundant" },
    });
    const locks = ofType(prod, "azure-native:authorization:ManagementLockByScope").map((l) => l.inputs.scope);
    expect(locks).toContain(pg.outputs.id);
  });

  it.each(["dev", "prod"] as const)("keep %s at 0 mandatory policy violations and priced", (name) => {
    const plan = name === "dev" ? dev : prod;
    const failures = evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack: name, profile: name })).results.filter(
      (r) => r.status === "fail" && r.enforcement === "mandatory",
    );
    expect(failures.map((r) => `${r.ruleId} ${r.resource.name}: ${r.message}`)).toEqual([]);
    const cost = estimateCost(plan, loadPriceTable());
    const flexible = cost.resources.filter((r) => /dbforpostgresql|dbformysql|managedidentity/.test(r.type));
    expect(flexible.length).toBeGreaterThan(0);
    expect(flexible.filter((r) => r.status === "unknown")).toEqual([]);
  });
});
