import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { evaluate, planGraph } from "../../policies/evaluate.js";
import { T } from "../../policies/types.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { PostgreSqlServer, type PostgreSqlArgs } from "./postgresql.js";

const ADMIN = {
  principalName: "pg-admins",
  objectId: "22222222-2222-4222-8222-222222222222",
  principalType: "Group",
} as const;
const DEV: PostgreSqlArgs = {
  ...BASE,
  version: "16",
  sku: { name: "Standard_B1ms", tier: "Burstable" },
  storageSizeGB: 32,
  highAvailability: "Disabled",
  backupRetentionDays: 7,
  geoRedundantBackup: false,
  admin: ADMIN,
  databases: ["events"],
  privateEndpoint: PRIVATE_ENDPOINT,
};
const PROD: PostgreSqlArgs = {
  ...DEV,
  sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
  highAvailability: "ZoneRedundant",
  backupRetentionDays: 35,
  geoRedundantBackup: true,
  lock: "CanNotDelete",
};

let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const server = new PostgreSqlServer("psql", DEV);
    return { fqdn: server.fullyQualifiedDomainName };
  });
  prod = await planComponents(() => {
    new PostgreSqlServer("psql", PROD);
  });
});

const server = (plan: Plan) => oneOfType(plan, "azure-native:dbforpostgresql:Server");

describe("PostgreSQL flexible server", () => {
  it("allows Entra sign-in only, by the admin group, with no password declared", () => {
    const inputs = server(dev).inputs;
    expect(inputs.authConfig).toMatchObject({ activeDirectoryAuth: "Enabled", passwordAuth: "Disabled" });
    expect(inputs.administratorLogin).toBeUndefined();
    expect(inputs.administratorLoginPassword).toBeUndefined();
    expect(oneOfType(dev, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").inputs).toMatchObject({
      serverName: server(dev).physicalName,
      objectId: ADMIN.objectId,
      principalName: ADMIN.principalName,
      principalType: "Group",
    });
  });

  it("is never public and is reached through a postgresqlServer private endpoint", () => {
    expect(server(dev).inputs.network).toEqual({ publicNetworkAccess: "Disabled" });
    const pe = endpointOf(dev, server(dev).outputs.id);
    expect(pe?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["postgresqlServer"] }),
    ]);
    expect(pe?.zoneGroup.inputs.privateDnsZoneConfigs).toEqual([
      expect.objectContaining({ privateDnsZoneId: PRIVATE_ENDPOINT.privateDnsZoneId }),
    ]);
    expect(dev.outputs.fqdn).toBe(`${server(dev).physicalName}.postgres.database.azure.com`);
    expect(server(dev).physicalName).toMatch(/^psql-estate-test-weu-[a-z0-9]{6}$/);
  });

  it("requires TLS 1.2 or later on every connection, one parameter change at a time", () => {
    const parameters = ofType(dev, "azure-native:dbforpostgresql:Configuration");
    expect(Object.fromEntries(parameters.map((p) => [p.inputs.configurationName, p.inputs.value]))).toEqual({
      require_secure_transport: "on",
      ssl_min_protocol_version: "TLSv1.2",
    });
    const admin = oneOfType(dev, "azure-native:dbforpostgresql:AdministratorsMicrosoftEntra");
    expect(parameters[0].dependsOn).toContain(admin.urn);
    expect(parameters[1].dependsOn).toContain(parameters[0].urn);
  });

  it("has no HA and local 7-day backups in dev; zone-redundant HA and geo-redundant 35-day backups in prod", () => {
    expect(server(dev).inputs).toMatchObject({
      sku: { name: "Standard_B1ms", tier: "Burstable" },
      highAvailability: { mode: "Disabled" },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
    });
    expect(server(prod).inputs).toMatchObject({
      sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
    });
  });

  it("creates the databases, sends diagnostics and takes the lock", () => {
    expect(oneOfType(dev, "azure-native:dbforpostgresql:Database").inputs).toMatchObject({
      databaseName: "events",
      charset: "UTF8",
    });
    const diag = oneOfType(dev, "azure-native:monitor:DiagnosticSetting");
    expect(diag.inputs).toMatchObject({
      resourceUri: server(dev).outputs.id,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
    });
    expect(ofType(dev, "azure-native:authorization:ManagementLockByScope")).toHaveLength(0);
    expect(oneOfType(prod, "azure-native:authorization:ManagementLockByScope").inputs).toMatchObject({
      scope: server(prod).outputs.id,
      level: "CanNotDelete",
    });
  });

  // The component alone has no VNet or stack tags, so only the server's own rules are asked.
  it("passes the PostgreSQL rules in prod, and they refuse the same server with password auth", () => {
    const mandatory = (plan: Plan) =>
      evaluate(planGraph(plan), { stack: "unit", profile: "prod", planCreatedAt: plan.createdAt })
        .results.filter((r) => r.status === "fail" && r.enforcement === "mandatory" && r.ruleId.startsWith("EST-PSQL-"))
        .map((r) => r.ruleId);
    expect(mandatory(prod)).toEqual([]);
    const withPassword: Plan = {
      ...prod,
      resources: prod.resources.map((r) =>
        r.type === T.psqlServer
          ? { ...r, inputs: { ...r.inputs, authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" } } }
          : r,
      ),
    };
    expect(mandatory(withPassword)).toEqual(["EST-PSQL-001"]);
  });
});

describe("PostgreSQL refusals", () => {
  const refused = (args: Partial<PostgreSqlArgs>) =>
    planComponents(() => void new PostgreSqlServer("psql", { ...DEV, ...args }));

  it("refuses HA on a Burstable SKU", async () => {
    await expect(refused({ highAvailability: "ZoneRedundant" })).rejects.toThrow(
      "PostgreSQL server psql: highAvailability ZoneRedundant needs the GeneralPurpose or MemoryOptimized tier; Standard_B1ms is Burstable",
    );
  });

  it("refuses backup retention outside 7-35 days", async () => {
    await expect(refused({ backupRetentionDays: 3 })).rejects.toThrow(
      "backupRetentionDays is 3; PostgreSQL keeps backups 7-35 days",
    );
    await expect(refused({ backupRetentionDays: 36 })).rejects.toThrow(
      "backupRetentionDays is 36; PostgreSQL keeps backups 7-35 days",
    );
  });

  it("refuses zone-redundant HA in a region without zones", async () => {
    await expect(refused({ ...PROD, location: "westus" })).rejects.toThrow(
      "highAvailability ZoneRedundant needs availability zones; region westus has none",
    );
  });

  it("lists every problem at once, including system database names and duplicates", async () => {
    await expect(
      refused({
        highAvailability: "SameZone",
        backupRetentionDays: 0,
        databases: ["postgres", "app", "App"],
        storageSizeGB: 16,
      }),
    ).rejects.toThrow(
      /needs the GeneralPurpose.*; backupRetentionDays is 0.*; storageSizeGB is 16; PostgreSQL needs at least 32 GB; database "postgres" is a system database name; database "App" is listed twice/,
    );
  });
});
