import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { buildDrReport, drFails, type DrEntry } from "../cli/dr/report.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";
import { oneOfType, ofType } from "../test/components.js";
import { ROOT } from "../test/estate-plans.js";
import { cosmosConsistencyFor, sqlGracePeriodMinutes } from "./tiers/data.js";

const PG_ADMIN = { principalName: "pg-admins", objectId: "7a1c2a7e-3b5d-4c8e-9a10-2d4e6f8a0b1c" };
const SQL_ADMIN = { login: "sql-admins-prod", objectId: "0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f" };

let prod: Plan;
let dev: Plan;

beforeAll(async () => {
  // Prod as its stack file declares it (DR on, North Europe), with PostgreSQL turned on as well.
  prod = await planStack({
    projectDir: ROOT,
    stack: "prod",
    configOverrides: {
      "estate:data": JSON.stringify({
        sql: { enabled: true, admin: SQL_ADMIN },
        postgresql: { enabled: true, admin: PG_ADMIN },
      }),
    },
  });
  dev = await planStack({ projectDir: ROOT, stack: "dev" });
}, 180_000);

const inRegion = (plan: Plan, region: string) => plan.resources.filter((r) => r.inputs.location === region);
const settingsOf = (plan: Plan) =>
  ofType(plan, "azure-native:web:WebApp").map(
    (app) => (app.inputs.siteConfig as { appSettings?: Array<{ name: string; value: unknown }> })?.appSettings ?? [],
  );

describe("the prod estate with disaster recovery", () => {
  it("has every data tier in both regions", () => {
    const cosmos = oneOfType(prod, "azure-native:cosmosdb:DatabaseAccount").inputs;
    expect((cosmos.locations as Array<{ locationName: string }>).map((l) => l.locationName)).toEqual([
      "westeurope",
      "northeurope",
    ]);
    expect(cosmos).toMatchObject({
      enableAutomaticFailover: true,
      consistencyPolicy: { defaultConsistencyLevel: "BoundedStaleness", maxIntervalInSeconds: 300 },
    });

    const servers = ofType(prod, "azure-native:sql:Server").map((s) => s.inputs.location);
    expect(servers.sort()).toEqual(["northeurope", "westeurope"]);
    const group = oneOfType(prod, "azure-native:sql:FailoverGroup");
    const secondary = ofType(prod, "azure-native:sql:Server").find((s) => s.inputs.location === "northeurope")!;
    expect(group.inputs).toMatchObject({
      readWriteEndpoint: { failoverPolicy: "Manual" },
      partnerServers: [{ id: secondary.outputs.id }],
    });
    expect(group.inputs.databases).toEqual(ofType(prod, "azure-native:sql:Database").map((d) => d.outputs.id));

    expect(oneOfType(prod, "azure-native:storage:StorageAccount").inputs.sku).toEqual({ name: "Standard_RAGZRS" });
    expect(oneOfType(prod, "azure-native:servicebus:Namespace").inputs.geoDataReplication).toEqual({
      locations: [
        { locationName: "westeurope", roleType: "Primary" },
        { locationName: "northeurope", roleType: "Secondary" },
      ],
      maxReplicationLagDurationInSeconds: 300,
    });
    const caches = ofType(prod, "azure-native:redis:Redis");
    expect(caches.map((c) => c.inputs.location).sort()).toEqual(["northeurope", "westeurope"]);
    // Geo-replication takes one replica per primary: the zone-redundant profile's caches get two
    // nodes in two zones each, not three in three (which Azure would refuse to link).
    for (const cache of caches) expect(cache.inputs).toMatchObject({ replicasPerPrimary: 1, zones: ["1", "2"] });
    expect(oneOfType(prod, "azure-native:redis:LinkedServer").inputs).toMatchObject({
      linkedRedisCacheLocation: "northeurope",
      serverRole: "Secondary",
    });
    expect(oneOfType(prod, "azure-native:dbforpostgresql:Server").inputs.backup).toMatchObject({
      geoRedundantBackup: "Enabled",
    });
  });

  it("has a VNet, a plan and the apps in both regions, the secondary's in a group and VNet of its own", () => {
    const vnets = ofType(prod, "azure-native:network:VirtualNetwork");
    expect(vnets.map((v) => [v.inputs.location, v.inputs.addressSpace])).toEqual([
      ["westeurope", { addressPrefixes: ["10.20.0.0/16"] }],
      ["northeurope", { addressPrefixes: ["10.21.0.0/16"] }],
    ]);
    const secondaryGroup = ofType(prod, "azure-native:resources:ResourceGroup").find(
      (g) => g.inputs.location === "northeurope",
    )!;
    const secondaryVnet = vnets[1];
    expect(secondaryVnet.inputs.resourceGroupName).toBe(secondaryGroup.physicalName);
    const plans = ofType(prod, "azure-native:web:AppServicePlan");
    expect(plans.map((p) => p.inputs.location).sort()).toEqual(["northeurope", "westeurope"]);
    const apps = ofType(prod, "azure-native:web:WebApp");
    const byRegion = (region: string) =>
      apps.filter((a) => a.inputs.location === region).map((a) => String(a.inputs.name).replace(/-weu-|-neu-/, "-"));
    expect(byRegion("northeurope")).toHaveLength(byRegion("westeurope").length);
    const secondaryIntegration = ofType(prod, "azure-native:network:Subnet").find(
      (s) =>
        s.inputs.virtualNetworkName === secondaryVnet.outputs.name && /integration/.test(String(s.inputs.subnetName)),
    )!;
    for (const app of apps.filter((a) => a.inputs.location === "northeurope"))
      expect(app.inputs.virtualNetworkSubnetId, String(app.inputs.name)).toBe(secondaryIntegration.outputs.id);
  });

  it("runs the same packages with the same settings in both regions, pointing at listeners and geo names", () => {
    const apps = ofType(prod, "azure-native:web:WebApp");
    const settings = (app: PlanResource) =>
      Object.fromEntries(
        ((app.inputs.siteConfig as { appSettings: Array<{ name: string; value: unknown }> }).appSettings ?? []).map(
          (s) => [s.name, s.value],
        ),
      );
    const group = oneOfType(prod, "azure-native:sql:FailoverGroup");
    for (const primary of apps.filter((a) => a.inputs.location === "westeurope")) {
      const service = String(primary.inputs.name).split("-")[4];
      const secondary = apps.find(
        (a) => a.inputs.location === "northeurope" && String(a.inputs.name).split("-")[4] === service,
      )!;
      expect(secondary, service).toBeDefined();
      const [own, copy] = [settings(primary), settings(secondary)];
      expect(copy.WEBSITE_RUN_FROM_PACKAGE).toBe(own.WEBSITE_RUN_FROM_PACKAGE);
      expect(copy).toEqual(own);
    }
    // Nothing points at a server or cache of one region only: the listener and geo name follow a failover.
    const values = apps.flatMap((a) => Object.values(settings(a))).map(String);
    for (const server of ofType(prod, "azure-native:sql:Server"))
      expect(values).not.toContain(`${server.physicalName}.database.windows.net`);
    for (const cache of ofType(prod, "azure-native:redis:Redis"))
      expect(values).not.toContain(`${cache.physicalName}.redis.cache.windows.net`);
  });

  it("gives the secondary VNet its own DNS zones and private endpoints for what serves there", () => {
    const secondaryVnet = ofType(prod, "azure-native:network:VirtualNetwork")[1];
    const links = ofType(prod, "azure-native:privatedns:VirtualNetworkLink").filter(
      (l) => (l.inputs.virtualNetwork as { id: string }).id === secondaryVnet.outputs.id,
    );
    const zones = ofType(prod, "azure-native:privatedns:PrivateZone");
    const secondaryZones = zones.filter((z) =>
      links.some(
        (l) => l.inputs.privateZoneName === z.outputs.name && l.inputs.resourceGroupName === z.inputs.resourceGroupName,
      ),
    );
    expect(secondaryZones.map((z) => z.inputs.privateZoneName).sort()).toEqual(
      zones
        .filter((z) => z.inputs.resourceGroupName !== secondaryVnet.inputs.resourceGroupName)
        .map((z) => z.inputs.privateZoneName)
        .sort(),
    );
    const endpoints = ofType(prod, "azure-native:network:PrivateEndpoint").filter(
      (pe) => pe.inputs.location === "northeurope",
    );
    const targets = endpoints.flatMap((pe) =>
      (pe.inputs.privateLinkServiceConnections as Array<{ privateLinkServiceId: string; groupIds: string[] }>).map(
        (c) => c.groupIds[0],
      ),
    );
    expect(targets.sort()).toEqual(["Sql", "blob", "namespace", "redisCache", "sqlServer", "vault"]);
  });

  it("adds the secondary region to API Management Premium, whose APIs pick the region's own apps", () => {
    const apim = oneOfType(prod, "azure-native:apimanagement:ApiManagementService");
    const secondarySubnet = ofType(prod, "azure-native:network:Subnet").find((s) =>
      /neu-gateway$/.test(String(s.inputs.subnetName)),
    )!;
    expect(apim.inputs.additionalLocations).toEqual([
      {
        location: "northeurope",
        sku: { name: "Premium", capacity: 3 },
        zones: ["1", "2", "3"],
        virtualNetworkConfiguration: { subnetResourceId: secondarySubnet.outputs.id },
      },
    ]);
    const secondaryApi = ofType(prod, "azure-native:web:WebApp").find(
      (a) => a.inputs.location === "northeurope" && /-api-/.test(String(a.inputs.name)),
    )!;
    const regional = ofType(prod, "azure-native:apimanagement:Backend").find(
      (b) => b.inputs.backendId === "api-backend-northeurope",
    )!;
    expect(regional.inputs.url).toBe(`https://${secondaryApi.outputs.defaultHostName}/api/v1`);
    const policy = String(
      ofType(prod, "azure-native:apimanagement:ApiPolicy").find((p) => p.inputs.apiId === "api-v1")!.inputs.value,
    );
    expect(policy).toContain("North Europe");
    expect(policy).toContain("context.Deployment.Region");
    expect(policy).toContain('backend-id="api-backend-northeurope"');
  });

  it("gives Front Door an origin per region, the secondary at priority 2, probed alike", () => {
    const apim = oneOfType(prod, "azure-native:apimanagement:ApiManagementService");
    const origins = ofType(prod, "azure-native:cdn:AFDOrigin").map((o) => [o.inputs.hostName, o.inputs.priority]);
    const host = (url: unknown) => new URL(String(url)).host;
    expect(origins.sort((a, b) => Number(a[1]) - Number(b[1]))).toEqual([
      [host(apim.outputs.gatewayRegionalUrl), 1],
      [host((apim.outputs.additionalLocations as Array<{ gatewayRegionalUrl: string }>)[0].gatewayRegionalUrl), 2],
    ]);
    expect(oneOfType(prod, "azure-native:cdn:AFDOriginGroup").inputs.healthProbeSettings).toMatchObject({
      probePath: expect.stringContaining("health"),
    });
  });

  it("reaches the secondary copies through private endpoints in the primary VNet", () => {
    for (const type of ["azure-native:sql:Server", "azure-native:redis:Redis"]) {
      const remote = ofType(prod, type).find((r) => r.inputs.location === "northeurope")!;
      const endpoints = ofType(prod, "azure-native:network:PrivateEndpoint").filter((pe) =>
        (pe.inputs.privateLinkServiceConnections as Array<{ privateLinkServiceId: string }>).some(
          (c) => c.privateLinkServiceId === remote.outputs.id,
        ),
      );
      // One from each VNet: the primary's (a failover of the data alone) and the secondary's own.
      expect(endpoints.map((pe) => pe.inputs.location).sort(), type).toEqual(["northeurope", "westeurope"]);
    }
  });

  it("points what apps connect to at names that follow a failover", () => {
    const group = oneOfType(prod, "azure-native:sql:FailoverGroup");
    expect(prod.outputs.data).toMatchObject({
      sqlServerFqdn: `${group.physicalName}.database.windows.net`,
      redisHostName: expect.stringMatching(/\.geo\.redis\.cache\.windows\.net$/),
    });
    // Cosmos DB's account endpoint is global and Service Bus keeps its namespace name across a promotion.
    const cosmos = oneOfType(prod, "azure-native:cosmosdb:DatabaseAccount");
    const namespace = oneOfType(prod, "azure-native:servicebus:Namespace");
    const values = settingsOf(prod)
      .flat()
      .map((s) => s.value);
    expect(values).toContain(cosmos.outputs.documentEndpoint);
    expect(values).toContain(`${namespace.physicalName}.servicebus.windows.net`);
  });

  it("prices the secondary region's share", async () => {
    const { estimateCost } = await import("../cli/cost/estimate.js");
    const { loadPriceTable } = await import("../cli/cost/prices.js");
    const cost = estimateCost(prod, loadPriceTable());
    const secondary = cost.byRegion.find((r) => r.region === "northeurope");
    expect(secondary?.monthly).toBeGreaterThan(0);
    expect(cost.resources.filter((r) => r.status === "unknown").map((r) => r.type)).not.toContain(
      "azure-native:sql:FailoverGroup",
    );
  });
});

describe("a stack without disaster recovery", () => {
  it("declares nothing in a second region", () => {
    const regions = new Set(
      dev.resources.map((r) => r.inputs.location).filter((l) => typeof l === "string" && l.toLowerCase() !== "global"),
    );
    expect([...regions]).toEqual(["westeurope"]);
    expect(inRegion(dev, "northeurope")).toEqual([]);
    expect(ofType(dev, "azure-native:network:VirtualNetwork")).toHaveLength(1);
    expect(ofType(dev, "azure-native:resources:ResourceGroup")).toHaveLength(1);
    expect(ofType(dev, "azure-native:cdn:AFDOrigin").map((o) => o.inputs.priority)).toEqual([1]);
    expect(
      oneOfType(dev, "azure-native:apimanagement:ApiManagementService").inputs.additionalLocations,
    ).toBeUndefined();
    expect(ofType(dev, "azure-native:sql:FailoverGroup")).toEqual([]);
    expect(dev.outputs.dr).toBeUndefined();
  });
});

describe("estate dr", () => {
  const byService = (entries: DrEntry[], service: string) => entries.find((e) => e.service === service)!;

  it("judges each stateful resource's documented RPO and RTO against prod's targets, with sources", () => {
    const report = buildDrReport(prod);
    expect(report.dr).toMatchObject({
      enabled: true,
      primary: "westeurope",
      secondary: "northeurope",
      rpoMinutes: 5,
      rtoMinutes: 60,
    });
    const cosmos = byService(report.resources, "Cosmos DB");
    expect(cosmos.rpo).toMatchObject({
      verdict: "met",
      minutes: 5,
      source: expect.stringContaining("consistency-levels"),
    });
    // Service-managed failover waits for Microsoft to declare the outage: no documented bound.
    expect(cosmos.rto).toMatchObject({ verdict: "not met", minutes: null });
    const sql = byService(report.resources, "Azure SQL");
    // Asynchronous geo-replication: the page states RPO "0 or more", no bound.
    expect(sql.rpo).toMatchObject({ verdict: "not met", minutes: null });
    expect(sql.rto).toMatchObject({
      verdict: "met",
      minutes: 1,
      source: expect.stringContaining("business-continuity-high-availability-disaster-recover-hadr-overview"),
    });
    // A forced promotion typically takes 5 to 10 minutes once an operator starts it.
    expect(byService(report.resources, "Service Bus").rto).toMatchObject({ verdict: "met", minutes: 10 });
    // Storage geo-replication: "typically under 15 minutes, no SLA" cannot meet 5 minutes.
    expect(byService(report.resources, "Storage").rpo).toMatchObject({ verdict: "not met", minutes: 15 });
    // Nothing stated for Key Vault's Microsoft-managed failover: never claimed.
    expect(byService(report.resources, "Key Vault").rto).toMatchObject({ verdict: "not met", minutes: null });
    expect(byService(report.resources, "PostgreSQL").rpo).toMatchObject({ verdict: "not met", minutes: 60 });
    // One entry per replicated service, not one per copy.
    expect(report.resources.filter((e) => e.service === "Azure SQL")).toHaveLength(1);
    expect(report.resources.filter((e) => e.service === "Redis")).toHaveLength(1);
    expect(report.targetsMet).toBe(false);
    expect(drFails(report)).toBe(true);
  });

  it("meets looser targets where Azure's figures allow, and an automatic SQL group is bounded by nothing documented", () => {
    const loose = withTargets(prod, { rpoMinutes: 20, rtoMinutes: 120 });
    const report = buildDrReport(loose);
    expect(byService(report.resources, "Storage").rpo.verdict).toBe("met");
    const automatic = withTargets(prod, { rpoMinutes: 5, rtoMinutes: 60 }, (r) =>
      r.type === "azure-native:sql:FailoverGroup"
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              readWriteEndpoint: { failoverPolicy: "Automatic", failoverWithDataLossGracePeriodMinutes: 60 },
            },
          }
        : r,
    );
    expect(byService(buildDrReport(automatic).resources, "Azure SQL").rto).toMatchObject({
      verdict: "not met",
      minutes: null,
      statement: expect.stringContaining("grace period is 60 minutes"),
    });
  });

  it("reports a linked cache's replicas, and a link Azure refuses (more than one replica) as replicating nothing", () => {
    expect(byService(buildDrReport(prod).resources, "Redis").protection).toBe(
      "passive geo-replication, 1 replica per primary",
    );
    // A plan saved before caches were limited to one replica when geo-replicated.
    const threeNodes = withTargets(prod, { rpoMinutes: 5, rtoMinutes: 60 }, (r) =>
      r.type === "azure-native:redis:Redis" ? { ...r, inputs: { ...r.inputs, replicasPerPrimary: 2 } } : r,
    );
    const redis = byService(buildDrReport(threeNodes).resources, "Redis");
    expect(redis.protection).toBe("passive geo-replication, 2 replicas per primary (refused by Azure)");
    for (const judged of [redis.rpo, redis.rto])
      expect(judged).toMatchObject({
        verdict: "not met",
        minutes: null,
        reason: expect.stringContaining("Azure refuses this link"),
        source: expect.stringContaining("cache-how-to-multi-replicas"),
      });
  });

  it("judges nothing when DR is off, and never fails a non-prod stack", () => {
    const report = buildDrReport(dev);
    expect(report.dr.enabled).toBe(false);
    expect(report.counts["not met"]).toBe(0);
    expect(byService(report.resources, "Cosmos DB").rpo.verdict).toBe("no target");
    expect(drFails(report)).toBe(false);
  });
});

describe("the estate dr command", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "estate-dr-"));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.join(ROOT, "bin/estate.js"), "dr", ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: "true", ESTATE_NO_BUNDLE: "1" },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  const save = (plan: Plan) => {
    const file = path.join(dir, `${plan.stack}.json`);
    writeFileSync(file, JSON.stringify(plan));
    return file;
  };

  it("reads a saved plan, writes dr.json and exits 3 when prod misses its targets, 0 for a stack without DR", async () => {
    const out = path.join(dir, "prod-out");
    const prodRun = await run(save(prod), "--json", "--out", out);
    expect(prodRun.code).toBe(3);
    expect(JSON.parse(prodRun.stdout)).toMatchObject({
      stack: "prod",
      targetsMet: false,
      dr: { secondary: "northeurope" },
    });
    const written = JSON.parse(readFileSync(path.join(out, "dr.json"), "utf8"));
    expect(written.resources.length).toBeGreaterThan(5);
    expect(written.provenance).toMatchObject({ runAt: expect.any(String), toolVersion: expect.any(String) });
    const devRun = await run(save(dev), "--out", path.join(dir, "dev-out"));
    expect(devRun.code).toBe(0);
    expect(devRun.stdout).toContain("Disaster recovery: off");
    expect(existsSync(path.join(dir, "dev-out", "dr.json"))).toBe(true);
  }, 60_000);
});

describe("what DR derives from the targets", () => {
  it("picks the weakest Cosmos DB consistency whose documented RPO fits", () => {
    expect(cosmosConsistencyFor(15)).toEqual({ level: "Session" });
    expect(cosmosConsistencyFor(5)).toEqual({
      level: "BoundedStaleness",
      maxIntervalInSeconds: 300,
      maxStalenessPrefix: 100_000,
    });
    expect(cosmosConsistencyFor(1)).toEqual({ level: "Strong" });
  });

  it("derives the SQL grace period from the RTO, never under Azure's hour", () => {
    expect(sqlGracePeriodMinutes(60)).toBe(60);
    expect(sqlGracePeriodMinutes(120)).toBe(60);
    expect(sqlGracePeriodMinutes(240)).toBe(180);
  });
});

function withTargets(
  plan: Plan,
  targets: { rpoMinutes: number; rtoMinutes: number },
  edit: (r: PlanResource) => PlanResource = (r) => r,
): Plan {
  return {
    ...plan,
    outputs: { ...plan.outputs, dr: { ...(plan.outputs.dr as object), ...targets } },
    resources: plan.resources.map(edit),
  };
}
