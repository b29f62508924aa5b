import * as containerregistry from "@pulumi/azure-native/containerregistry";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate, planGraph } from "../../policies/evaluate.js";
import { RULES } from "../../policies/rules/index.js";
import type { Plan, PlanResource } from "../../cli/plan/schema.js";
import { BASE, endpointOf, ofType, oneOfType, planComponents, PRIVATE_ENDPOINT } from "../../test/components.js";
import { ContainerApp, ContainerAppsEnvironment, containerEnv, type ContainerAppArgs } from "./apps.js";
import { ContainerRegistry, type RegistryArgs } from "./registry.js";

const SUBNETS = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets";
const VNET = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test";
const ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const PREMIUM: RegistryArgs = { ...BASE, sku: "Premium", zoneRedundant: true, privateEndpoint: PRIVATE_ENDPOINT };

/** An environment, a registry and one app on them, as a stack composes them. */
function hosts(app: Partial<Omit<ContainerAppArgs, keyof typeof BASE>> = {}) {
  const registry = new ContainerRegistry("registry", PREMIUM);
  const environment = new ContainerAppsEnvironment("containers", {
    ...BASE,
    infrastructureSubnetId: `${SUBNETS}/snet-containers`,
    vnetId: VNET,
    zoneRedundant: true,
  });
  const events = new ContainerApp("events", {
    ...BASE,
    name: "events",
    environment: environment.ref,
    image: { registry, reference: "events-api:1.4.2" },
    ingress: { from: "vnet", targetPort: 8080, allowedSourceCidrs: ["10.0.1.0/27"] },
    cpu: 0.5,
    minReplicas: 2,
    maxReplicas: 10,
    concurrentRequests: 50,
    env: { LOG_LEVEL: "info", DATABASE_PASSWORD: { keyVaultSecretUri: "https://kv.vault.azure.net/secrets/db" } },
    ...app,
  });
  return { fqdn: events.fqdn, principalId: events.principalId, loginServer: registry.loginServer };
}

let plan: Plan;
let system: Plan;
beforeAll(async () => {
  plan = await planComponents(() => hosts());
  system = await planComponents(() => hosts({ identity: "SystemAssigned" }));
});

const containerApp = (p: Plan) => oneOfType(p, "azure-native:app:ContainerApp").inputs as any;
const registryOf = (p: Plan) => oneOfType(p, "azure-native:containerregistry:Registry");
const pullGrants = (p: Plan) =>
  ofType(p, "azure-native:authorization:RoleAssignment").filter((r) =>
    String(r.inputs.roleDefinitionId).endsWith(ACR_PULL),
  );

describe("ContainerRegistry", () => {
  it("has no admin user and no anonymous pull, whatever the SKU", async () => {
    const basic = await planComponents(() => void new ContainerRegistry("registry", { ...BASE, sku: "Basic" }));
    for (const registry of [registryOf(plan), registryOf(basic)]) {
      expect(registry.inputs).toMatchObject({ adminUserEnabled: false, anonymousPullEnabled: false });
    }
    expect(registryOf(basic).inputs).toMatchObject({ sku: { name: "Basic" }, publicNetworkAccess: "Enabled" });
    expect(registryOf(basic).inputs.zoneRedundancy).not.toBe("Enabled");
    expect(registryOf(basic).inputs.policies).toBeUndefined();
    expect(ofType(basic, "azure-native:network:PrivateEndpoint")).toEqual([]);
  });

  it("on Premium is private: a private endpoint in the registry's zone, public access and export off, zone redundant", () => {
    const registry = registryOf(plan);
    expect(registry.inputs).toMatchObject({
      sku: { name: "Premium" },
      publicNetworkAccess: "Disabled",
      networkRuleBypassOptions: "None",
      zoneRedundancy: "Enabled",
      dataEndpointEnabled: true,
      policies: { exportPolicy: { status: "disabled" }, retentionPolicy: { status: "enabled", days: 7 } },
    });
    expect(registry.physicalName).toMatch(/^crestatetestweu[a-z0-9]{6}$/);
    const { endpoint, zoneGroup } = endpointOf(plan, registry.outputs.id)!;
    expect((endpoint.inputs.privateLinkServiceConnections as any)[0].groupIds).toEqual(["registry"]);
    expect((zoneGroup.inputs.privateDnsZoneConfigs as any)[0].privateDnsZoneId).toBe(PRIVATE_ENDPOINT.privateDnsZoneId);
    expect(ofType(plan, "azure-native:monitor:DiagnosticSetting").map((d) => d.inputs.resourceUri)).toContain(
      registry.outputs.id,
    );
  });

  it("refuses an admin user, and Premium features on a lower SKU", async () => {
    const admin = { ...BASE, sku: "Standard", adminUserEnabled: true } as unknown as RegistryArgs;
    await expect(planComponents(() => void new ContainerRegistry("registry", admin))).rejects.toThrow(
      /registry registry: adminUserEnabled must stay false/,
    );
    await expect(
      planComponents(() => void new ContainerRegistry("registry", { ...PREMIUM, sku: "Standard" })),
    ).rejects.toThrow(/zoneRedundant, privateEndpoint need sku Premium \(got Standard\)/);
    await expect(
      planComponents(() => void new ContainerRegistry("registry", { ...PREMIUM, untaggedRetentionDays: 400 })),
    ).rejects.toThrow(/untaggedRetentionDays got 400/);
  });
});

describe("ContainerAppsEnvironment", () => {
  it("is internal, in the delegated subnet, on the Consumption workload profile, zone redundant, logging to Azure Monitor", () => {
    const environment = oneOfType(plan, "azure-native:app:ManagedEnvironment").inputs as any;
    expect(environment).toMatchObject({
      vnetConfiguration: { infrastructureSubnetId: `${SUBNETS}/snet-containers`, internal: true },
      workloadProfiles: [{ name: "Consumption", workloadProfileType: "Consumption" }],
      zoneRedundant: true,
      appLogsConfiguration: { destination: "azure-monitor" },
      peerTrafficConfiguration: { encryption: { enabled: true } },
    });
    // No workspace shared key anywhere in the environment: its logs leave by the diagnostic setting.
    expect(environment.appLogsConfiguration.logAnalyticsConfiguration).toBeUndefined();
    const id = oneOfType(plan, "azure-native:app:ManagedEnvironment").outputs.id;
    expect(
      ofType(plan, "azure-native:monitor:DiagnosticSetting").find((d) => d.inputs.resourceUri === id)?.inputs.logs,
    ).toEqual([{ categoryGroup: "allLogs", enabled: true }]);
  });

  it("answers for its apps' names in the VNet: a private zone for its domain, a wildcard record to its inbound IP", () => {
    const environment = oneOfType(plan, "azure-native:app:ManagedEnvironment");
    const zone = ofType(plan, "azure-native:privatedns:PrivateZone").find(
      (z) => z.physicalName === environment.outputs.defaultDomain,
    );
    expect(zone).toBeDefined();
    const record = oneOfType(plan, "azure-native:privatedns:PrivateRecordSet").inputs as any;
    expect(record).toMatchObject({
      privateZoneName: environment.outputs.defaultDomain,
      relativeRecordSetName: "*",
      recordType: "A",
    });
    expect(record.aRecords).toEqual([{ ipv4Address: environment.outputs.staticIp }]);
    expect(oneOfType(plan, "azure-native:privatedns:VirtualNetworkLink").inputs).toMatchObject({
      virtualNetwork: { id: VNET },
      registrationEnabled: false,
    });
  });
});

describe("ContainerApp", () => {
  it("takes HTTPS traffic from the VNet only (external ingress of an internal environment), limited to the gateway's subnet", () => {
    expect(containerApp(plan).configuration.ingress).toMatchObject({
      external: true,
      allowInsecure: false,
      targetPort: 8080,
      ipSecurityRestrictions: [{ action: "Allow", ipAddressRange: "10.0.1.0/27" }],
    });
    expect(containerApp(plan).workloadProfileName).toBe("Consumption");
  });

  it("pulls its image with its user-assigned identity, granted AcrPull on the registry before the app is created", () => {
    const identity = oneOfType(plan, "azure-native:managedidentity:UserAssignedIdentity");
    const inputs = containerApp(plan);
    expect(inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identity.outputs.id] });
    expect(inputs.configuration.registries).toEqual([
      { server: registryOf(plan).outputs.loginServer, identity: identity.outputs.id },
    ]);
    expect(inputs.configuration.registries[0].passwordSecretRef).toBeUndefined();
    expect(inputs.template.containers[0].image).toBe(`${registryOf(plan).outputs.loginServer}/events-api:1.4.2`);
    const [grant] = pullGrants(plan);
    expect(grant.inputs).toMatchObject({
      scope: registryOf(plan).outputs.id,
      principalId: identity.outputs.principalId,
    });
    expect(oneOfType(plan, "azure-native:app:ContainerApp").dependsOn).toContain(grant.urn);
    expect(plan.outputs.principalId).toBe(identity.outputs.principalId);
  });

  it('with a system-assigned identity pulls as "system" and grants AcrPull to the app\'s own principal', () => {
    const site = oneOfType(system, "azure-native:app:ContainerApp");
    expect((site.inputs as any).identity).toEqual({ type: "SystemAssigned" });
    expect((site.inputs as any).configuration.registries[0].identity).toBe("system");
    expect(ofType(system, "azure-native:managedidentity:UserAssignedIdentity")).toEqual([]);
    expect(pullGrants(system).map((g) => g.inputs.principalId)).toEqual([(site.outputs.identity as any).principalId]);
  });

  it("scales on concurrent HTTP requests between min and max replicas, probes the health path", () => {
    const template = containerApp(plan).template;
    expect(template.scale).toEqual({
      minReplicas: 2,
      maxReplicas: 10,
      rules: [{ name: "http", http: { metadata: { concurrentRequests: "50" } } }],
    });
    expect(template.containers[0].resources).toEqual({ cpu: 0.5, memory: "1Gi" });
    const probes = template.containers[0].probes;
    expect(probes.map((p: any) => p.type).sort()).toEqual(["Liveness", "Readiness", "Startup"]);
    for (const probe of probes) expect(probe.httpGet).toEqual({ path: "/api/v1/health", port: 8080, scheme: "HTTP" });
  });

  it("reads secrets from Key Vault with its identity and takes plain settings as they are", () => {
    const identity = oneOfType(plan, "azure-native:managedidentity:UserAssignedIdentity").outputs.id;
    expect(containerApp(plan).template.containers[0].env).toEqual([
      { name: "LOG_LEVEL", value: "info" },
      { name: "DATABASE_PASSWORD", secretRef: "database-password" },
    ]);
    expect(containerApp(plan).configuration.secrets).toEqual([
      { name: "database-password", keyVaultUrl: "https://kv.vault.azure.net/secrets/db", identity },
    ]);
    expect(() => containerEnv("events", { API_TOKEN: "abc" }, "system")).toThrow(
      /container app events: setting API_TOKEN looks like a secret/,
    );
  });

  it("sends its metrics to the workspace and exposes its host name", () => {
    const site = oneOfType(plan, "azure-native:app:ContainerApp");
    const setting = ofType(plan, "azure-native:monitor:DiagnosticSetting").find(
      (d) => d.inputs.resourceUri === site.outputs.id,
    ) as PlanResource;
    expect(setting.inputs).toMatchObject({ logs: [], metrics: [{ category: "AllMetrics", enabled: true }] });
    expect(plan.outputs.fqdn).toBe((site.outputs.configuration as any).ingress.fqdn);
  });

  it("refuses external ingress on an environment that is not internal, and impossible sizes", async () => {
    const publicEnvironment = () => {
      const registry = new ContainerRegistry("registry", { ...BASE, sku: "Basic" });
      new ContainerApp("events", {
        ...BASE,
        name: "events",
        environment: {
          id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/public",
          internal: false,
        },
        image: { registry, reference: "events:1" },
        ingress: { from: "vnet", targetPort: 8080 },
        cpu: 0.5,
        minReplicas: 1,
        maxReplicas: 2,
        concurrentRequests: 10,
      });
    };
    await expect(planComponents(publicEnvironment)).rejects.toThrow(
      /container app events: ingress from "vnet" is external ingress, and its environment is not internal/,
    );
    await expect(planComponents(() => hosts({ cpu: 0.3 }))).rejects.toThrow(/cpu got 0.3; expected 0.25 to 4 vCPU/);
    await expect(planComponents(() => hosts({ minReplicas: 5, maxReplicas: 2 }))).rejects.toThrow(/replicas 5\.\.2/);
    await expect(planComponents(() => hosts({ ingress: { from: "vnet", targetPort: 0 } }))).rejects.toThrow(
      /targetPort got 0/,
    );
  });
});

describe("the container rules on these components", () => {
  const ours = RULES.filter((rule) => /^EST-(ACR|CA)-/.test(rule.id));
  const failures = (p: Plan, profile: "dev" | "prod") =>
    evaluate(planGraph(p), { stack: "unit", profile, planCreatedAt: p.createdAt }, { rules: ours }).results.filter(
      (r) => r.status === "fail",
    );

  it("find nothing to fault in a prod-shaped registry, environment and app", () => {
    expect(failures(plan, "prod")).toEqual([]);
  });

  it("fault a registry declared with an admin user and anonymous pull, as mandatory in every profile", async () => {
    const raw = await planComponents(() => {
      new containerregistry.Registry("raw", {
        resourceGroupName: "rg-test",
        registryName: "crraw12345",
        sku: { name: "Standard" },
        adminUserEnabled: true,
        anonymousPullEnabled: true,
      });
    });
    const found = failures(raw, "dev").map((r) => [r.ruleId, r.enforcement]);
    expect(found).toEqual(
      expect.arrayContaining([
        ["EST-ACR-001", "mandatory"],
        ["EST-ACR-002", "mandatory"],
      ]),
    );
  });
});
