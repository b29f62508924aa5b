import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../../cli/plan/schema.js";
import { BASE, ofType, oneOfType, planComponents } from "../../test/components.js";
import { appSettingsList, Compute, FUNCTIONS_HOST_CONTAINERS, type ComputeArgs } from "./index.js";

const SUBNETS = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet/subnets";
const APPI = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Insights/components/appi";
const HOST_ACCOUNT = "/subscriptions/s/resourceGroups/rg-test/providers/Microsoft.Storage/storageAccounts/sthost";
const ARGS: ComputeArgs = {
  ...BASE,
  apps: [
    {
      name: "api",
      kind: "function-app",
      appSettings: { DB_PASSWORD: { keyVaultSecretUri: "https://kv.vault.azure.net/secrets/db" }, MODE: "fast" },
    },
    { name: "portal", kind: "web-app" },
  ],
  functions: { plan: "ElasticPremium", sku: "EP1", alwaysReady: 3, maxInstances: 20 },
  web: {
    sku: "P1v3",
    minInstances: 3,
    maxInstances: 20,
    webSockets: false,
    stagingSlot: false,
    autoscale: {
      scaleOut: { cpuPercent: 70, minutes: 10 },
      scaleIn: { cpuPercent: 30, minutes: 10 },
      cooldownMinutes: 10,
    },
  },
  zoneRedundant: true,
  integrationSubnetId: `${SUBNETS}/snet-integration`,
  inbound: { name: "allow-api-management", description: "APIM only", subnetId: `${SUBNETS}/snet-gateway` },
  deployerSubnetId: `${SUBNETS}/snet-management`,
  appInsights: { id: APPI, connectionString: "InstrumentationKey=k" },
  hostStorage: {
    accountName: "sthost",
    containerIds: {
      "azure-webjobs-hosts": `${HOST_ACCOUNT}/blobServices/default/containers/azure-webjobs-hosts`,
      "azure-webjobs-secrets": `${HOST_ACCOUNT}/blobServices/default/containers/azure-webjobs-secrets`,
    },
  },
};

const FLEX = {
  plan: "FlexConsumption" as const,
  instanceMemoryMB: 2048 as const,
  alwaysReady: 1,
  maxInstances: 100,
  deploymentContainerUrl: (app: string) => `https://sthost.blob.core.windows.net/deploy-${app}`,
};

let plan: Plan;
beforeAll(async () => {
  plan = await planComponents(() => {
    const compute = new Compute("compute", ARGS);
    return { api: compute.apps.api };
  });
});

const app = (name: string): PlanResource =>
  ofType(plan, "azure-native:web:WebApp").find((r) => String(r.inputs.name).includes(`-${name}-`))!;
const settings = (r: PlanResource) =>
  Object.fromEntries((r.inputs.siteConfig as any).appSettings.map((s: any) => [s.name, s.value]));

describe("Compute", () => {
  it("puts Function apps on a zone-redundant Elastic Premium plan and web apps on PremiumV3", () => {
    const plans = Object.fromEntries(
      ofType(plan, "azure-native:web:AppServicePlan").map((p) => [p.inputs.kind, p.inputs]),
    );
    expect(plans.elastic).toMatchObject({
      sku: { name: "EP1", tier: "ElasticPremium", capacity: 3 },
      maximumElasticWorkerCount: 20,
      zoneRedundant: true,
    });
    expect(plans.linux).toMatchObject({ sku: { name: "P1v3", tier: "PremiumV3", capacity: 3 }, zoneRedundant: true });
  });

  it.each(["api", "portal"])(
    "%s: HTTPS only, TLS 1.2, FTPS off, no remote debugging, identity, VNet integration, health check",
    (name) => {
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
    },
  );

  it.each(["api", "portal"])(
    "%s: only API Management's subnet gets in, the SCM site not at all (it runs from its package URL)",
    (name) => {
      const config = app(name).inputs.siteConfig as any;
      expect(config.ipSecurityRestrictionsDefaultAction).toBe("Deny");
      expect(config.ipSecurityRestrictions).toEqual([
        expect.objectContaining({ action: "Allow", vnetSubnetResourceId: ARGS.inbound!.subnetId }),
      ]);
      expect(config.scmIpSecurityRestrictionsDefaultAction).toBe("Deny");
      expect(config.scmIpSecurityRestrictions).toEqual([]);
    },
  );

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
    expect(publisher.map((r) => r.inputs.principalId).sort()).toEqual(
      [app("api").outputs.identity, app("portal").outputs.identity].map((i: any) => i.principalId).sort(),
    );
  });

  it("gives Function apps identity-based host storage: the account name, Blob Data Owner on the host's containers only, no key", () => {
    expect(settings(app("api")).AzureWebJobsStorage__accountName).toBe("sthost");
    expect(settings(app("portal")).AzureWebJobsStorage__accountName).toBeUndefined();
    const onAccount = (r: { inputs: Record<string, unknown> }) => String(r.inputs.scope).startsWith(HOST_ACCOUNT);
    const grants = ofType(plan, "azure-native:authorization:RoleAssignment").filter(onAccount);
    expect(grants.map((g) => g.inputs.scope).sort()).toEqual(
      FUNCTIONS_HOST_CONTAINERS.map((c) => `${HOST_ACCOUNT}/blobServices/default/containers/${c}`).sort(),
    );
    expect(new Set(grants.map((g) => g.inputs.principalId))).toEqual(
      new Set([(app("api").outputs.identity as any).principalId]),
    );
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
    const rules = profile.rules.map((r: any) => [
      r.metricTrigger.operator,
      r.metricTrigger.threshold,
      r.metricTrigger.timeWindow,
      r.scaleAction.direction,
      r.scaleAction.value,
    ]);
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
    await expect(
      planComponents(() => void new Compute("compute", { ...ARGS, web: { ...ARGS.web, sku: "S1" } })),
    ).rejects.toThrow(/S1 cannot be zone redundant/);
    await expect(
      planComponents(
        () => void new Compute("compute", { ...ARGS, web: { ...ARGS.web, minInstances: 5, maxInstances: 2 } }),
      ),
    ).rejects.toThrow(/5\.\.2/);
    await expect(
      planComponents(
        () =>
          void new Compute("compute", {
            ...ARGS,
            functions: { plan: "ElasticPremium", sku: "EP1", alwaysReady: 1, maxInstances: 101 },
          }),
      ),
    ).rejects.toThrow(/1\.\.101 are not a valid range \(1\.\.100\)/);
  });

  it("refuses two Function apps whose names share their first 32 characters, the Functions host id, in one host storage account", async () => {
    const apps = (...names: string[]) => names.map((name) => ({ name, kind: "function-app" as const }));
    const plan = (names: string[]) =>
      planComponents(() => void new Compute("compute", { ...ARGS, apps: apps(...names) }));
    // func-estate-test-weu- is 21 characters: 11 more in common make the same host id.
    await expect(plan(["orders-east", "orders-west"])).resolves.toBeDefined();
    await expect(plan(["ordersbatch-east", "ordersbatch-west"])).rejects.toThrow(
      /Function apps "ordersbatch-east" and "ordersbatch-west" would share the Functions host id "func-estate-test-weu-ordersbatch"/,
    );
  });

  it("checks each plan's limits only when an app runs on it: a function ceiling of 1000 on Flex beside no web plan", async () => {
    const only = (apps: ComputeArgs["apps"], change: Partial<ComputeArgs>) =>
      planComponents(() => void new Compute("compute", { ...ARGS, apps, ...change }));
    const fn = [{ name: "api", kind: "function-app" as const }];
    await expect(
      only(fn, {
        functions: { ...FLEX, maxInstances: 1000 },
        web: { ...ARGS.web, sku: "B1", minInstances: 5, maxInstances: 2 },
      }),
    ).resolves.toBeDefined();
    await expect(only(fn, { functions: { ...FLEX, maxInstances: 20 } })).rejects.toThrow(/ceiling 40-1000/);
    await expect(only(fn, { functions: { ...FLEX, instanceMemoryMB: 1024 as 2048 } })).rejects.toThrow(
      /1024 MB is not one of 512, 2048, 4096/,
    );
    await expect(
      only([{ ...fn[0], packageUrl: "https://sthost.blob.core.windows.net/deployments/api.zip" }], { functions: FLEX }),
    ).rejects.toThrow(/app api runs on Flex Consumption, which deploys by One deploy, not from a package URL/);
  });
});

describe("Compute on Flex Consumption", () => {
  let flex: Plan;
  beforeAll(async () => {
    flex = await planComponents(() => {
      const compute = new Compute("compute", {
        ...ARGS,
        apps: [{ name: "api", kind: "function-app" }],
        functions: FLEX,
      });
      return { api: compute.apps.api };
    });
  });

  it("puts the functions on an FC1 plan that carries no instance counts", () => {
    const plan = oneOfType(flex, "azure-native:web:AppServicePlan").inputs;
    expect(plan).toMatchObject({
      kind: "functionapp",
      reserved: true,
      sku: { name: "FC1", tier: "FlexConsumption" },
      zoneRedundant: true,
    });
    expect(plan.maximumElasticWorkerCount).toBeUndefined();
    expect((plan.sku as Record<string, unknown>).capacity).toBeUndefined();
  });

  it("configures runtime, scale and deployment storage (read with the app's identity) in functionAppConfig", () => {
    const site = oneOfType(flex, "azure-native:web:WebApp").inputs as any;
    expect(site.functionAppConfig).toEqual({
      deployment: {
        storage: {
          type: "blobContainer",
          value: "https://sthost.blob.core.windows.net/deploy-api",
          authentication: { type: "SystemAssignedIdentity" },
        },
      },
      runtime: { name: "node", version: "20" },
      scaleAndConcurrency: {
        instanceMemoryMB: 2048,
        maximumInstanceCount: 100,
        alwaysReady: [{ name: "http", instanceCount: 1 }],
      },
    });
    expect(site.virtualNetworkSubnetId).toBe(ARGS.integrationSubnetId);
  });

  it("admits the deploy runner's subnet, and nothing else, to the SCM site One deploy goes through", () => {
    const config = oneOfType(flex, "azure-native:web:WebApp").inputs.siteConfig as any;
    expect(config.scmIpSecurityRestrictionsDefaultAction).toBe("Deny");
    expect(config.scmIpSecurityRestrictionsUseMain).toBe(false);
    expect(config.scmIpSecurityRestrictions).toEqual([
      expect.objectContaining({ action: "Allow", vnetSubnetResourceId: ARGS.deployerSubnetId }),
    ]);
  });

  it("sets none of the settings and site properties Flex Consumption refuses", () => {
    const site = oneOfType(flex, "azure-native:web:WebApp").inputs as any;
    const names = site.siteConfig.appSettings.map((s: { name: string }) => s.name);
    for (const refused of ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE"])
      expect(names).not.toContain(refused);
    expect(names).toContain("AzureWebJobsStorage__accountName");
    expect(site.siteConfig.linuxFxVersion).toBeUndefined();
    expect(site.siteConfig.minimumElasticInstanceCount).toBeUndefined();
    expect(site.siteConfig.functionAppScaleLimit).toBeUndefined();
  });
});

describe("Compute with Python apps", () => {
  it("admits the deploy runner to the SCM site of an app and its slot built from source by zip deploy", async () => {
    const python = await planComponents(() => {
      void new Compute("compute", {
        ...ARGS,
        apps: [{ name: "site", kind: "web-app", runtime: { name: "python", version: "3.12" } }],
        web: { ...ARGS.web, stagingSlot: true },
      });
    });
    const sites = [...ofType(python, "azure-native:web:WebApp"), ...ofType(python, "azure-native:web:WebAppSlot")];
    expect(sites).toHaveLength(2);
    for (const site of sites)
      expect((site.inputs.siteConfig as any).scmIpSecurityRestrictions, site.name).toEqual([
        expect.objectContaining({ action: "Allow", vnetSubnetResourceId: ARGS.deployerSubnetId }),
      ]);
  });
});

describe("Compute inbound", () => {
  it("admits Front Door by service tag and header, or anyone when the apps are the entry point", async () => {
    const byTag = await planComponents(() => {
      void new Compute("compute", {
        ...ARGS,
        inbound: {
          name: "allow-front-door",
          description: "Front Door only",
          serviceTag: "AzureFrontDoor.Backend",
          headers: { "X-Azure-FDID": ["fd-id"] },
        },
      });
    });
    const restrictions = (p: Plan) =>
      ofType(p, "azure-native:web:WebApp").find((r) => r.name === "compute-api")!.inputs.siteConfig as any;
    expect(restrictions(byTag).ipSecurityRestrictions).toEqual([
      expect.objectContaining({
        action: "Allow",
        ipAddress: "AzureFrontDoor.Backend",
        tag: "ServiceTag",
        headers: { "X-Azure-FDID": ["fd-id"] },
      }),
    ]);
    const open = await planComponents(() => void new Compute("compute", { ...ARGS, inbound: undefined }));
    expect(restrictions(open)).toMatchObject({
      ipSecurityRestrictions: [],
      ipSecurityRestrictionsDefaultAction: "Allow",
      scmIpSecurityRestrictionsDefaultAction: "Deny",
    });
  });
});
