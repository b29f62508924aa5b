import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { SqlDatabase, type SqlArgs } from "./sql.js";

const ADMIN = { login: "sql-admins", objectId: "22222222-2222-4222-8222-222222222222" };
const DEV: SqlArgs = {
  ...BASE,
  admin: ADMIN,
  zoneRedundant: false,
  databases: [{ name: "estate", compute: "serverless", vCores: 1, autoPauseDelayMinutes: 60, backupRetentionDays: 7 }],
  privateEndpoint: PRIVATE_ENDPOINT,
};
const PROD: SqlArgs = {
  ...DEV,
  zoneRedundant: true,
  databases: [{ name: "estate", compute: "provisioned", vCores: 2, backupRetentionDays: 35 }],
};

const TIERS: SqlArgs = {
  ...DEV,
  databases: [
    {
      name: "app",
      compute: "serverless",
      vCores: 4,
      minVCores: 1,
      autoPauseDelayMinutes: 120,
      maxSizeGB: 64,
      backupRetentionDays: 7,
    },
    {
      name: "orders",
      compute: "provisioned",
      edition: "BusinessCritical",
      vCores: 4,
      backupRetentionDays: 35,
      longTermRetention: { weekly: "P12W", monthly: "P12M", yearly: "P5Y", weekOfYear: 10 },
    },
  ],
};

let dev: Plan;
let prod: Plan;
let tiers: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const sql = new SqlDatabase("sql", DEV);
    return { fqdn: sql.fullyQualifiedDomainName };
  });
  prod = await planComponents(() => {
    new SqlDatabase("sql", PROD);
  });
  tiers = await planComponents(() => {
    new SqlDatabase("sql", TIERS);
  });
});

describe("Azure SQL", () => {
  it("allows Entra sign-in only, by the admin group, over TLS 1.2 and never publicly", () => {
    const server = oneOfType(dev, "azure-native:sql:Server");
    expect(server.inputs).toMatchObject({
      minimalTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
      administrators: {
        administratorType: "ActiveDirectory",
        azureADOnlyAuthentication: true,
        principalType: "Group",
        login: ADMIN.login,
        sid: ADMIN.objectId,
      },
    });
    expect(server.inputs.administratorLogin).toBeUndefined();
    expect(server.inputs.administratorLoginPassword).toBeUndefined();
  });

  it("audits to Azure Monitor through the master database's diagnostic setting", () => {
    const server = oneOfType(dev, "azure-native:sql:Server");
    expect(oneOfType(dev, "azure-native:sql:ServerBlobAuditingPolicy").inputs).toMatchObject({
      state: "Enabled",
      isAzureMonitorTargetEnabled: true,
    });
    const uris = ofType(dev, "azure-native:monitor:DiagnosticSetting").map((d) => d.inputs.resourceUri);
    expect(uris).toContain(`${server.outputs.id}/databases/master`);
  });

  it("encrypts each database (TDE) and keeps its backups for the given days", () => {
    expect(oneOfType(dev, "azure-native:sql:TransparentDataEncryption").inputs).toMatchObject({ state: "Enabled" });
    expect(oneOfType(dev, "azure-native:sql:BackupShortTermRetentionPolicy").inputs).toMatchObject({
      retentionDays: 7,
    });
    expect(oneOfType(prod, "azure-native:sql:BackupShortTermRetentionPolicy").inputs).toMatchObject({
      retentionDays: 35,
    });
  });

  it("alerts on threats (SQL injection, anomalous access) on every server", () => {
    expect(oneOfType(dev, "azure-native:sql:ServerSecurityAlertPolicy").inputs).toMatchObject({
      state: "Enabled",
      emailAccountAdmins: true,
    });
  });

  it("is serverless with auto-pause and local backups in dev, provisioned and zone redundant with geo-zone backups in prod", () => {
    expect(oneOfType(dev, "azure-native:sql:Database").inputs).toMatchObject({
      sku: { name: "GP_S_Gen5", capacity: 1 },
      autoPauseDelay: 60,
      zoneRedundant: false,
    });
    const p = oneOfType(prod, "azure-native:sql:Database").inputs;
    expect(p).toMatchObject({
      sku: { name: "GP_Gen5", capacity: 2 },
      zoneRedundant: true,
      requestedBackupStorageRedundancy: "GeoZone",
    });
    expect(oneOfType(dev, "azure-native:sql:Database").inputs.requestedBackupStorageRedundancy).toBe("Local");
    expect(p.autoPauseDelay).toBeUndefined();
  });

  it("is reachable through a private endpoint on sqlServer with its DNS zone group", () => {
    const server = oneOfType(dev, "azure-native:sql:Server");
    const pe = endpointOf(dev, server.outputs.id);
    expect(pe?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["sqlServer"] }),
    ]);
    expect(dev.outputs.fqdn).toBe(`${server.physicalName}.database.windows.net`);
  });
});

describe("Azure SQL tiers", () => {
  const database = (name: string) =>
    ofType(tiers, "azure-native:sql:Database").find((d) => d.inputs.databaseName === name)!.inputs;

  it("scales a serverless database between its minimum and maximum vCores, capped at its max size", () => {
    expect(database("app")).toMatchObject({
      sku: { name: "GP_S_Gen5", tier: "GeneralPurpose", capacity: 4 },
      minCapacity: 1,
      autoPauseDelay: 120,
      maxSizeBytes: 64 * 1024 ** 3,
    });
  });

  it("runs Business Critical on BC_Gen5 and keeps long-term backups where asked", () => {
    expect(database("orders")).toMatchObject({ sku: { name: "BC_Gen5", tier: "BusinessCritical", capacity: 4 } });
    expect(database("orders").maxSizeBytes).toBeUndefined();
    expect(oneOfType(tiers, "azure-native:sql:LongTermRetentionPolicy").inputs).toMatchObject({
      databaseName: "orders",
      weeklyRetention: "P12W",
      monthlyRetention: "P12M",
      yearlyRetention: "P5Y",
      weekOfYear: 10,
    });
    expect(ofType(dev, "azure-native:sql:LongTermRetentionPolicy")).toHaveLength(0);
  });

  it("refuses serverless Business Critical", async () => {
    await expect(
      planComponents(
        () =>
          void new SqlDatabase("sql", {
            ...DEV,
            databases: [
              { name: "x", compute: "serverless", edition: "BusinessCritical", vCores: 2, backupRetentionDays: 7 },
            ],
          }),
      ),
    ).rejects.toThrow(
      "sql sql: database x asks for serverless BusinessCritical; serverless exists on GeneralPurpose only",
    );
  });
});
