import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { appSettingsList, Compute, FUNCTIONS_HOST_CONTAINERS, type ComputeArgs } from "./index.js";

const SUBNETS = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets";
const APPI = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi";
const ARGS: ComputeArgs = {
  ...BASE,
  apps: [
    { name: "api", kind: "function-app", appSettings: { DB_PASSWORD: { keyVaultSecretUri: "https://kv.vault.azure.net/secrets/db" }, MODE: "fast" } },
    { name: "portal", kind: "web-app" },
  ],
  functionPlanSku: "EP1",
  webPlanSku: "P1v3",
  minInstances: 3,
  maxInstances: 20,
  zoneRedundant: true,
  integrationSubnetId: `${SUBNETS}/snet-integration`,
  inboundSubnetId: `${SUBNETS}/snet-gateway`,
  appInsights: { id: APPI, connectionString: "InstrumentationKey=k" },
  hostStorage: { accountName: "sthost", accountId: "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sthost" },
};

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const compute = new Compute("compute", ARGS);
    return { api: compute.apps.api };
  });
});

const app = (name: string): PlanResource => ofType(plan, "azure-native:web:WebApp").find((r) => String(r.inputs.name).includes(`-${name}-`))!;
const settings = (r: PlanResource) => Object.fromEntries((r.inputs.siteConfig as any).appSettings.map((s: any) => [s.name, s.value]));

describe("Compute", () => {
  it("puts Function apps on a zone-redundant Elastic Premium plan and web apps on PremiumV3", () => {
    const plans = Object.fromEntries(ofType(plan, "azure-native:web:AppServicePlan").map((p) => [p.inputs.kind, p.inputs]));
    expect(plans.elastic).toMatchObject({ sku: { name: "EP1", tier: "ElasticPremium", capacity: 3 }, maximumElasticWorkerCount: 20, zoneRedundant: true });
    expect(plans.linux).toMatchObject({ sku: { name: "P1v3", tier: "PremiumV3", capacity: 3 }, zoneRedundant: true });
  });

  it.each(["api", "portal"])("%s: HTTPS only, TLS 1.2, FTPS off, no remote debugging, identity, VNet integration, health check", (name) => {
    const site = app(name).inputs as any;
    expect(site).toMatchObject({
      httpsOnly: true,
      identity: { type: "SystemAssigned" },
      virtualNetworkSubnetId: ARGS.integrationSubnetId,
      siteConfig: {
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "Disabled",
        remoteDebuggingEnabled: false,
        healthCheckPath: "/api/v1/health",
        vnetRouteAllEnabled: true,
      },
    });
  });

  it.each(["api", "portal"])("%s: only API Management's subnet gets in, the SCM site not at all", (name) => {
    const config = app(name).inputs.siteConfig as any;
    expect(config.ipSecurityRestrictionsDefaultAction).toBe("Deny");
    expect(config.ipSecurityRestrictions).toEqual([expect.objectContaining({ action: "Allow", vnetSubnetResourceId: ARGS.inboundSubnetId })]);
    expect(config.scmIpSecurityRestrictionsDefaultAction).toBe("Deny");
    expect(config.scmIpSecurityRestrictions).toEqual([]);
  });

  it("runs Node 20 on Functions v4 and sends telemetry with Entra auth", () => {
    const api = app("api");
    expect(api.inputs).toMatchObject({ kind: "functionapp,linux", siteConfig: { linuxFxVersion: "NODE|20" } });
    expect(settings(api)).toMatchObject({
      FUNCTIONS_EXTENSION_VERSION: "~4",
      FUNCTIONS_WORKER_RUNTIME: "node",
      APPLICATIONINSIGHTS_CONNECTION_STRING: "InstrumentationKey=k",
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
    });
    const publisher = ofType(plan, "azure-native:authorization:RoleAssignment").filter((r) => r.inputs.scope === APPI);
    expect(publisher.map((r) => r.inputs.principalId).sort()).toEqual([app("api").outputs.identity, app("portal").outputs.identity].map((i: any) => i.principalId).sort());
  });

  it("gives Function apps identity-based host storage: the account name, Blob Data Owner on the host's containers only, no key", () => {
    expect(settings(app("api")).AzureWebJobsStorage__accountName).toBe("sthost");
    expect(settings(app("portal")).AzureWebJobsStorage__accountName).toBeUndefined();
    const onAccount = (r: { inputs: Record<string, unknown> }) => String(r.inputs.scope).startsWith(ARGS.hostStorage!.accountId as string);
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter(onAccount);
    expect(grants.map((g) => g.inputs.scope).sort()).toEqual(
      FUNCTIONS_HOST_CONTAINERS.map((c) => `${ARGS.hostStorage!.accountId}/blobServices/default/containers/${c}`).sort(),
    );
    expect(new Set(grants.map((g) => g.inputs.principalId))).toEqual(new Set([(app("api").outputs.identity as any).principalId]));
    expect(Object.keys(settings(app("api"))).some((k) => /AzureWebJobsStorage$/.test(k))).toBe(false);
  });

  it("passes secrets as Key Vault references and plain settings as they are", () => {
    expect(settings(app("api"))).toMatchObject({
      DB_PASSWORD: "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db)",
      MODE: "fast",
    });
  });

  it("refuses a secret-looking literal and platform settings", () => {
    expect(() => appSettingsList("api", { API_KEY: "abc123" })).toThrow(/app api: setting API_KEY looks like a secret/);
    expect(() => appSettingsList("api", { FUNCTIONS_WORKER_RUNTIME: "python" })).toThrow(/set by the platform/);
  });

  it("autoscales the web plan on CPU (70 % up, 30 % down, 10 minutes) within min..max; Elastic Premium scales itself", () => {
    const autoscale = oneOfType(plan, "azure-native:monitor:AutoscaleSetting").inputs as any;
    const webPlan = ofType(plan, "azure-native:web:AppServicePlan").find((p) => p.inputs.kind === "linux")!;
    expect(autoscale.targetResourceUri).toBe(webPlan.outputs.id);
    const [profile] = autoscale.profiles;
    expect(profile.capacity).toEqual({ minimum: "3", maximum: "20", default: "3" });
    const rules = profile.rules.map((r: any) => [r.metricTrigger.operator, r.metricTrigger.threshold, r.metricTrigger.timeWindow, r.scaleAction.direction, r.scaleAction.value]);
    expect(rules).toEqual([
      ["GreaterThan", 70, "PT10M", "Increase", "1"],
      ["LessThan", 30, "PT10M", "Decrease", "1"],
    ]);
  });

  it("exposes each app's id, host name and principal id", () => {
    const api = plan.outputs.api as any;
    expect(api.defaultHostName).toBe(`${app("api").physicalName}.azurewebsites.net`);
    expect(api.principalId).toBe((app("api").outputs.identity as any).principalId);
    expect(api.id).toBe(app("api").outputs.id);
  });

  it("sends diagnostics for plans and apps", () => {
    const uris = ofType(plan, "azure-native:monitor:DiagnosticSetting").map((d) => d.inputs.resourceUri);
    for (const r of [...ofType(plan, "azure-native:web:WebApp"), ...ofType(plan, "azure-native:web:AppServicePlan")]) {
      expect(uris).toContain(r.outputs.id);
    }
  });

  it("refuses a non-zonal web plan when zone redundant, and a bad instance range", async () => {
    await expect(planComponents(() => void new Compute("compute", { ...ARGS, webPlanSku: "S1" }))).rejects.toThrow(/S1 cannot be zone redundant/);
    await expect(planComponents(() => void new Compute("compute", { ...ARGS, minInstances: 5, maxInstances: 2 }))).rejects.toThrow(/5\.\.2/);
  });
});
