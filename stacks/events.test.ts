import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";

const projectDir = path.resolve(import.meta.dirname, "..");

describe("the events stack (seed 001)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planStack({ projectDir, stack: "events" });
  }, 120_000);
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("runs the events API as a container behind the gateway, pulled from the estate's private registry", () => {
    const [registry] = ofType("azure-native:containerregistry:Registry");
    expect(registry.inputs).toMatchObject({
      sku: { name: "Premium" },
      publicNetworkAccess: "Disabled",
      zoneRedundancy: "Enabled",
    });
    const [environment] = ofType("azure-native:app:ManagedEnvironment");
    expect(environment.inputs).toMatchObject({ zoneRedundant: true, vnetConfiguration: { internal: true } });
    const [app] = ofType("azure-native:app:ContainerApp");
    expect((app.inputs.template as any).containers[0].image).toBe(`${registry.outputs.loginServer}/events-api:1.0.0`);
    expect((app.inputs.template as any).scale).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    const [backend] = ofType("azure-native:apimanagement:Backend");
    expect(backend.inputs.url).toBe(`https://${(app.outputs.configuration as any).ingress.fqdn}/api/v1`);
    // Only the seed's service: no App Service plan, no function apps.
    expect(ofType("azure-native:web:WebApp")).toEqual([]);
  });

  it("keeps events in a private, Entra-only, zone-redundant PostgreSQL server with geo-redundant backups", () => {
    const [server] = ofType("azure-native:dbforpostgresql:Server");
    expect(server.inputs).toMatchObject({
      authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Disabled" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
    });
    expect(ofType("azure-native:dbforpostgresql:Database").map((d) => d.inputs.databaseName)).toEqual(["events"]);
    expect(ofType("azure-native:cosmosdb:DatabaseAccount")).toEqual([]);
    expect(ofType("azure-native:redis:Redis")).toEqual([]);
  });

  it("signs the app in to its events database as its own identity, with the grants an administrator runs", () => {
    const [app] = ofType("azure-native:app:ContainerApp");
    const [server] = ofType("azure-native:dbforpostgresql:Server");
    const [identity] = ofType("azure-native:managedidentity:UserAssignedIdentity").filter((i) =>
      String(i.inputs.resourceName).endsWith("events-api"),
    );
    const env = Object.fromEntries((app.inputs.template as any).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({
      PGHOST: server.outputs.fullyQualifiedDomainName,
      PGDATABASE: "events",
      PGUSER: identity.inputs.resourceName,
      AZURE_CLIENT_ID: identity.outputs.clientId,
    });
    const [user] = plan.outputs.databaseUsers as any[];
    expect(user).toMatchObject({ service: "events-api", engine: "postgresql", database: "events" });
    expect(user.statements.join("\n")).toContain(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${identity.inputs.resourceName}"`,
    );
  });

  it("sends async work to a Service Bus queue the app may only send to", () => {
    expect(ofType("azure-native:servicebus:Queue").map((q) => q.inputs.queueName)).toEqual(["event-processing"]);
    const [app] = ofType("azure-native:app:ContainerApp");
    const env = Object.fromEntries((app.inputs.template as any).containers[0].env.map((e: any) => [e.name, e.value]));
    expect(env.EVENTS_QUEUE).toBe("event-processing");
  });

  it("alerts on the container app's server errors: its requests of status 5xx", () => {
    const [app] = ofType("azure-native:app:ContainerApp");
    const alerts = ofType("azure-native:monitor:MetricAlert").filter((a) =>
      (a.inputs.scopes as string[]).includes(app.outputs.id as string),
    );
    expect(alerts.map((a) => (a.inputs.criteria as any).allOf)).toEqual([
      [
        expect.objectContaining({
          metricName: "Requests",
          metricNamespace: "Microsoft.App/containerApps",
          timeAggregation: "Total",
          operator: "GreaterThan",
          threshold: 5,
          dimensions: [{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }],
        }),
      ],
    ]);
  });
});
