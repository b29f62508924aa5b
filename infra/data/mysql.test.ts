import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/plan/schema.js";
import { evaluate, planGraph } from "../../policies/evaluate.js";
import { T } from "../../policies/types.js";
import { BASE, endpointOf, ofType, oneOfType, PRIVATE_ENDPOINT, planComponents } from "../../test/components.js";
import { MySqlServer, type MySqlArgs } from "./mysql.js";

const ADMIN = {
  principalName: "mysql-admins",
  objectId: "22222222-2222-4222-8222-222222222222",
  principalType: "Group",
} as const;
const DEV: MySqlArgs = {
  ...BASE,
  version: "8.0.21",
  sku: { name: "Standard_B1ms", tier: "Burstable" },
  storageSizeGB: 20,
  highAvailability: "Disabled",
  backupRetentionDays: 7,
  geoRedundantBackup: false,
  admin: ADMIN,
  databases: ["feastfrenzy"],
  privateEndpoint: PRIVATE_ENDPOINT,
};
const PROD: MySqlArgs = {
  ...DEV,
  sku: { name: "Standard_D2ds_v4", tier: "GeneralPurpose" },
  highAvailability: "ZoneRedundant",
  backupRetentionDays: 35,
  geoRedundantBackup: true,
};

let dev: Plan;
let prod: Plan;
beforeAll(async () => {
  dev = await planComponents(() => {
    const server = new MySqlServer("mysql", DEV);
    return { fqdn: server.fullyQualifiedDomainName };
  });
  prod = await planComponents(() => {
    new MySqlServer("mysql", PROD);
  });
});

const server = (plan: Plan) => oneOfType(plan, "azure-native:dbformysql:Server");
const parameters = (plan: Plan) => ofType(plan, "azure-native:dbformysql:Configuration");

describe("MySQL flexible server", () => {
  it("signs in with Entra only: an admin through the server's user-assigned identity, then aad_auth_only ON", () => {
    const identity = oneOfType(dev, "azure-native:managedidentity:UserAssignedIdentity");
    expect(server(dev).inputs.identity).toEqual({
      type: "UserAssigned",
      userAssignedIdentities: [identity.outputs.id],
    });
    const admin = oneOfType(dev, "azure-native:dbformysql:AzureADAdministrator");
    expect(admin.inputs).toMatchObject({
      administratorType: "ActiveDirectory",
      identityResourceId: identity.outputs.id,
      login: ADMIN.principalName,
      sid: ADMIN.objectId,
    });
    const only = parameters(dev).find((p) => p.inputs.configurationName === "aad_auth_only");
    expect(only?.inputs.value).toBe("ON");
    expect(parameters(dev)[0].dependsOn).toContain(admin.urn);
  });

  it("keeps the bootstrap password MySQL requires out of the plan", () => {
    expect(server(dev).inputs.administratorLoginPassword).toBe("[secret]");
    expect(oneOfType(dev, "random:index/randomPassword:RandomPassword").outputs.result).toBe("[secret]");
    expect(server(dev).inputs.administratorLogin).toBe("bootstrapadmin");
  });

  it("is never public and is reached through a mysqlServer private endpoint", () => {
    expect(server(dev).inputs.network).toEqual({ publicNetworkAccess: "Disabled" });
    const pe = endpointOf(dev, server(dev).outputs.id);
    expect(pe?.endpoint.inputs.privateLinkServiceConnections).toEqual([
      expect.objectContaining({ groupIds: ["mysqlServer"] }),
    ]);
    expect(dev.outputs.fqdn).toBe(`${server(dev).physicalName}.mysql.database.azure.com`);
    expect(server(dev).physicalName).toMatch(/^mysql-estate-test-weu-[a-z0-9]{6}$/);
  });

  it("requires TLS 1.2 or 1.3 and logs connections for audit, one parameter at a time", () => {
    const set = parameters(dev);
    expect(Object.fromEntries(set.map((p) => [p.inputs.configurationName, p.inputs.value]))).toEqual({
      require_secure_transport: "ON",
      tls_version: "TLSv1.2,TLSv1.3",
      audit_log_enabled: "ON",
      audit_log_events: "CONNECTION",
      aad_auth_only: "ON",
    });
    for (let i = 1; i < set.length; i++) expect(set[i].dependsOn).toContain(set[i - 1].urn);
  });

  it("has no HA in dev; zone-redundant HA and geo-redundant backups in prod", () => {
    expect(server(dev).inputs).toMatchObject({
      highAvailability: { mode: "Disabled" },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
    });
    expect(server(prod).inputs).toMatchObject({
      sku: { name: "Standard_D2ds_v4", tier: "GeneralPurpose" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
      storage: { storageSizeGB: 20, autoGrow: "Enabled", autoIoScaling: "Enabled" },
    });
  });

  it("creates the databases after the parameters and sends diagnostics", () => {
    const db = oneOfType(dev, "azure-native:dbformysql:Database");
    expect(db.inputs).toMatchObject({ databaseName: "feastfrenzy", charset: "utf8mb4" });
    expect(db.dependsOn).toContain(parameters(dev).at(-1)!.urn);
    expect(oneOfType(dev, "azure-native:monitor:DiagnosticSetting").inputs.resourceUri).toBe(server(dev).outputs.id);
  });

  it("passes the MySQL rules in prod, and they refuse the server once aad_auth_only is OFF", () => {
    const mandatory = (plan: Plan) =>
      evaluate(planGraph(plan), { stack: "unit", profile: "prod", planCreatedAt: plan.createdAt })
        .results.filter(
          (r) => r.status === "fail" && r.enforcement === "mandatory" && r.ruleId.startsWith("EST-MYSQL-"),
        )
        .map((r) => r.ruleId);
    expect(mandatory(prod)).toEqual([]);
    const passwordsToo: Plan = {
      ...prod,
      resources: prod.resources.map((r) =>
        r.type === T.mysqlConfiguration && r.inputs.configurationName === "aad_auth_only"
          ? { ...r, inputs: { ...r.inputs, value: "OFF" } }
          : r,
      ),
    };
    expect(mandatory(passwordsToo)).toEqual(["EST-MYSQL-001"]);
  });
});

describe("MySQL refusals", () => {
  const refused = (args: Partial<MySqlArgs>) =>
    planComponents(() => void new MySqlServer("mysql", { ...DEV, ...args }));

  it("refuses HA on a Burstable SKU", async () => {
    await expect(refused({ highAvailability: "SameZone" })).rejects.toThrow(
      "MySQL server mysql: highAvailability SameZone needs the GeneralPurpose or MemoryOptimized tier; Standard_B1ms is Burstable",
    );
  });

  it("refuses retention outside MySQL's 1-35 days and zone-redundant HA without zones", async () => {
    await expect(refused({ backupRetentionDays: 0 })).rejects.toThrow(
      "backupRetentionDays is 0; MySQL keeps backups 1-35 days",
    );
    await expect(refused({ ...PROD, location: "ukwest" })).rejects.toThrow("region ukwest has none");
  });

  it("refuses system database names", async () => {
    await expect(refused({ databases: ["mysql"] })).rejects.toThrow('database "mysql" is a system database name');
  });
});
