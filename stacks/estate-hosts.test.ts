import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost } from "../cli/cost/estimate.js";
import { loadPriceTable } from "../cli/cost/prices.js";
import type { Plan } from "../cli/plan/schema.js";
import { planConfig } from "../cli/plan/stack.js";
import { evaluatePlan } from "../policies/evaluate.js";
import { RULES } from "../policies/rules/index.js";
import { loadStackPolicy } from "../policies/settings.js";
import { T } from "../policies/types.js";
import { DEV_STACK as DEV } from "../test/config.js";
import { ROOT } from "../test/estate-plans.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices } from "./services.js";

/** A project hosting the given services, each `services/<name>/manifest.json`, with a built site for static ones. */
function project(manifests: Array<Record<string, unknown>>): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-hosts-"));
  writeFileSync(path.join(root, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
  for (const manifest of manifests) {
    const dir = path.join(root, "services", String(manifest.name));
    mkdirSync(path.join(dir, "dist"), { recursive: true });
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, "dist", "index.html"), `<!doctype html><title>${String(manifest.name)}</title>`);
  }
  return root;
}

const SITE = { name: "web", kind: "static-site", build: "dist" };
const REGISTRY = {
  id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acrx",
  loginServer: "acrx.azurecr.io",
};
const CONTAINER = {
  name: "events",
  kind: "container",
  image: "events:1.0.0",
  port: 8000,
  routes: [{ methods: ["GET"], path: "/api/v1/events" }],
  settings: [
    { name: "APP_ENV", required: false, from: "literal", value: "dev" },
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", required: false, from: "appInsights.connectionString" },
    { name: "AUTH_CALLER_HEADER", required: false, from: "gateway.callerTokenHeader" },
  ],
};

describe("a container service in the dev estate", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({ projectDir: project([CONTAINER]), stack: "dev", config: DEV, secretKeys: [] });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("gets a subnet of its own delegated to Microsoft.App/environments, /27", () => {
    const subnet = ofType("azure-native:network:Subnet").find((s) =>
      String(s.inputs.subnetName).endsWith("containerapps"),
    )!;
    expect(subnet.inputs.addressPrefix).toMatch(/\/27$/);
    expect(subnet.inputs.delegations).toEqual([expect.objectContaining({ serviceName: "Microsoft.App/environments" })]);
  });

  it("runs in an internal environment in that subnet, its image pulled from the estate's registry with its own identity", () => {
    const [registry] = ofType("azure-native:containerregistry:Registry");
    expect(registry.inputs).toMatchObject({ sku: { name: "Basic" }, adminUserEnabled: false });
    const [environment] = ofType("azure-native:app:ManagedEnvironment");
    const subnet = ofType("azure-native:network:Subnet").find((s) =>
      String(s.inputs.subnetName).endsWith("containerapps"),
    )!;
    expect(environment.inputs.vnetConfiguration).toEqual({ infrastructureSubnetId: subnet.outputs.id, internal: true });
    const [app] = ofType("azure-native:app:ContainerApp");
    const [identity] = ofType("azure-native:managedidentity:UserAssignedIdentity");
    const config = app.inputs.configuration as any;
    expect(config.registries).toEqual([{ server: registry.outputs.loginServer, identity: identity.outputs.id }]);
    const container = (app.inputs.template as any).containers[0];
    expect(container.image).toBe(`${registry.outputs.loginServer}/events:1.0.0`);
    expect(container.probes.map((p: any) => p.type)).toEqual(["Startup", "Liveness", "Readiness"]);
    const pull = ofType("azure-native:authorization:RoleAssignment").filter(
      (r) => r.inputs.scope === registry.outputs.id,
    );
    expect(pull.map((r) => r.inputs.principalId)).toEqual([identity.outputs.principalId]);
  });

  it("is reachable from the gateway's subnet only, with the manifest's settings", () => {
    const [app] = ofType("azure-native:app:ContainerApp");
    const config = app.inputs.configuration as any;
    const gateway = ofType("azure-native:network:Subnet").find((s) => String(s.inputs.subnetName).endsWith("gateway"))!;
    expect(config.ingress).toMatchObject({ external: true, targetPort: 8000, allowInsecure: false });
    expect(config.ingress.ipSecurityRestrictions).toEqual([
      expect.objectContaining({ action: "Allow", ipAddressRange: gateway.inputs.addressPrefix }),
    ]);
    expect((app.inputs.template as any).containers[0].env).toEqual([
      { name: "APP_ENV", value: "dev" },
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: expect.stringMatching(/^InstrumentationKey=/) },
      { name: "AUTH_CALLER_HEADER", value: "x-estate-caller-authorization" },
    ]);
  });

  it("is the gateway's backend at its FQDN, as App Service apps are at their host names", () => {
    const [app] = ofType("azure-native:app:ContainerApp");
    const fqdn = (app.outputs.configuration as any).ingress.fqdn;
    const [backend] = ofType("azure-native:apimanagement:Backend");
    expect(backend.inputs.url).toBe(`https://${fqdn}/api/v1/events`);
    expect(plan.outputs.appHostNames).toEqual({ events: fqdn });
    // No App Service authentication on a container app: the gateway's role grant only.
    expect(ofType("azure-native:web:WebAppAuthSettingsV2")).toEqual([]);
    expect(ofType("azuread:index/appRoleAssignment:AppRoleAssignment")).toHaveLength(1);
  });
});

/** The manifest with one more setting: SIGNING_KEY, a secret the estate generates in Key Vault. */
const readingSigningKey = <T extends { settings: object[] }>(manifest: T): T => ({
  ...manifest,
  settings: [
    ...manifest.settings,
    { name: "SIGNING_KEY", required: true, from: "keyVault.generatedSecret", value: "signing" },
  ],
});

/** The principal's Key Vault grants, checked to be on the SIGNING_KEY secret alone. */
function signingKeyGrants(plan: Plan, principalId: unknown) {
  const secret = plan.resources.find(
    (r) => r.type === "azure-native:keyvault:Secret" && r.inputs.secretName === "signing",
  )!;
  const grants = plan.resources.filter(
    (r) =>
      r.type === "azure-native:authorization:RoleAssignment" &&
      r.inputs.principalId === principalId &&
      String(r.inputs.scope).includes("/vaults/"),
  );
  expect(grants.map((g) => g.inputs.scope)).toEqual([secret.outputs.id]);
  return grants;
}

describe("a container service that reads a Key Vault secret", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({
      projectDir: project([readingSigningKey(CONTAINER)]),
      stack: "dev",
      config: DEV,
      secretKeys: [],
    });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("reads it as an identity of its own, granted that secret alone before the app is made", () => {
    const [app] = ofType("azure-native:app:ContainerApp");
    const [identity] = ofType("azure-native:managedidentity:UserAssignedIdentity");
    expect(app.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identity.outputs.id] });
    expect((app.inputs.configuration as any).secrets).toEqual([
      { name: "signing-key", keyVaultUrl: expect.stringMatching(/secrets\/signing$/), identity: identity.outputs.id },
    ]);
    expect((app.inputs.template as any).containers[0].env).toContainEqual({
      name: "SIGNING_KEY",
      secretRef: "signing-key",
    });
    const grants = signingKeyGrants(plan, identity.outputs.principalId);
    expect(app.dependsOn).toContain(grants[0].urn);
  });
});

/** The same container on the stack's AKS cluster: no routes (the gateway does not reach the cluster yet), a blob container and Redis bound. */
const ON_AKS = {
  ...CONTAINER,
  host: "aks",
  routes: [],
  blobContainers: [{ name: "documents", access: "read" }],
  redis: { access: "read" },
  settings: [
    { name: "AZURE_CLIENT_ID", required: true, from: "identity.clientId" },
    { name: "REDIS_URL", required: true, from: "redis.url" },
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", required: false, from: "appInsights.connectionString" },
  ],
};
const WITH_CLUSTER = {
  ...DEV,
  "estate:kubernetes": JSON.stringify({ enabled: true }),
  "estate:data": JSON.stringify({ redis: { enabled: true } }),
};

describe("a container service on the dev estate's AKS cluster (host: aks)", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({ projectDir: project([ON_AKS]), stack: "dev", config: WITH_CLUSTER, secretKeys: [] });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const identity = () =>
    ofType("azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-estate-dev-weu-events",
    )!;

  it("is a workload in the cluster, its image from the estate's registry, sized by estate:kubernetes.apps", () => {
    const [registry] = ofType("azure-native:containerregistry:Registry");
    const [deployment] = ofType("kubernetes:apps/v1:Deployment");
    const container = (deployment.inputs.spec as any).template.spec.containers[0];
    expect(container).toMatchObject({
      image: `${registry.outputs.loginServer}/events:1.0.0`,
      ports: [{ containerPort: 8000 }],
      readinessProbe: { httpGet: { path: "/api/v1/health", port: 8000 } },
      resources: { requests: { cpu: "250m", memory: "512Mi" } },
    });
    expect(ofType("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")[0].inputs.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 3,
    });
    const pull = ofType("azure-native:authorization:RoleAssignment").find((r) =>
      r.name.endsWith("kubelet-acr-acrpull"),
    );
    expect(pull!.inputs.scope).toBe(registry.outputs.id);
    // Nothing of Container Apps: no environment, no app, no subnet for them.
    expect(ofType("azure-native:app:ManagedEnvironment")).toEqual([]);
    expect(ofType("azure-native:app:ContainerApp")).toEqual([]);
    expect(
      ofType("azure-native:network:Subnet").filter((s) => String(s.inputs.subnetName).endsWith("containerapps")),
    ).toEqual([]);
  });

  it("runs as the service's own identity, federated with its service account, with the manifest's settings", () => {
    const credential = ofType("azure-native:managedidentity:FederatedIdentityCredential")[0];
    expect(credential.inputs).toMatchObject({
      resourceName: identity().physicalName,
      subject: "system:serviceaccount:events:events",
    });
    const [redis] = ofType("azure-native:redis:Redis");
    const env = (ofType("kubernetes:apps/v1:Deployment")[0].inputs.spec as any).template.spec.containers[0].env;
    expect(env).toEqual([
      { name: "AZURE_CLIENT_ID", value: identity().outputs.clientId },
      { name: "REDIS_URL", value: `rediss://${redis.outputs.hostName}:6380` },
      { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: expect.stringMatching(/^InstrumentationKey=/) },
    ]);
  });

  it("gets exactly the grants its manifest binds, on that identity", () => {
    const principal = identity().outputs.principalId;
    const redisAccess = ofType("azure-native:redis:AccessPolicyAssignment").filter(
      (r) => r.inputs.objectId === principal,
    );
    expect(redisAccess.map((r) => r.inputs.accessPolicyName)).toEqual(["Data Reader"]);
    const documents = ofType("azure-native:storage:BlobContainer").find((c) => c.inputs.containerName === "documents")!;
    const roles = ofType("azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === principal);
    expect(roles.map((r) => r.inputs.scope)).toEqual([documents.outputs.id]);
  });
});

describe("a container service on AKS that reads a Key Vault secret", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({
      projectDir: project([readingSigningKey(ON_AKS)]),
      stack: "dev",
      config: WITH_CLUSTER,
      secretKeys: [],
    });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("turns on the cluster's Secrets Store CSI driver, rotating every 2 minutes", () => {
    const [cluster] = ofType("azure-native:containerservice:ManagedCluster");
    expect((cluster.inputs.addonProfiles as any).azureKeyvaultSecretsProvider).toEqual({
      enabled: true,
      config: { enableSecretRotation: "true", rotationPollInterval: "2m" },
    });
  });

  it("has the driver read the secret as the workload identity, granted that secret alone before the pods start", () => {
    const identity = ofType("azure-native:managedidentity:UserAssignedIdentity").find(
      (r) => r.physicalName === "id-estate-dev-weu-events",
    )!;
    const [vault] = ofType("azure-native:keyvault:Vault");
    const [provider] = ofType("kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass");
    expect(provider.inputs).toMatchObject({
      metadata: { name: "events", namespace: "events" },
      spec: {
        provider: "azure",
        parameters: {
          usePodIdentity: "false",
          clientID: identity.outputs.clientId,
          keyvaultName: vault.outputs.name,
          tenantId: expect.any(String),
          objects: "array:\n  - |\n    objectName: signing\n    objectType: secret",
        },
        secretObjects: [
          { secretName: "events-key-vault", type: "Opaque", data: [{ objectName: "signing", key: "SIGNING_KEY" }] },
        ],
      },
    });
    const [deployment] = ofType("kubernetes:apps/v1:Deployment");
    const pod = (deployment.inputs.spec as any).template.spec;
    expect(pod.volumes).toEqual([
      {
        name: "secrets-store",
        csi: {
          driver: "secrets-store.csi.k8s.io",
          readOnly: true,
          volumeAttributes: { secretProviderClass: "events" },
        },
      },
    ]);
    expect(pod.containers[0].volumeMounts).toEqual([
      { name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true },
    ]);
    expect(pod.containers[0].env).toContainEqual({
      name: "SIGNING_KEY",
      valueFrom: { secretKeyRef: { name: "events-key-vault", key: "SIGNING_KEY" } },
    });
    const grants = signingKeyGrants(plan, identity.outputs.principalId);
    expect(deployment.dependsOn).toContain(grants[0].urn);
  });

  it("plans with no mandatory violation and no unknown price", () => {
    const report = evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack: "dev", profile: "dev" }));
    expect(
      report.results
        .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
        .map((r) => `${r.ruleId} ${r.resource.name}`),
    ).toEqual([]);
    expect(estimateCost(plan, loadPriceTable()).resources.filter((r) => r.status === "unknown")).toEqual([]);
  });
});

describe("a static-site service in the dev estate", () => {
  let plan: Plan;
  beforeAll(async () => {
    const edge = { "estate:edge": JSON.stringify({ customDomains: ["www.contoso.com"] }) };
    plan = await planConfig({ projectDir: project([SITE]), stack: "dev", config: { ...DEV, ...edge }, secretKeys: [] });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("is a Static Web App with the dev profile's settings, its build output uploaded", () => {
    const [site] = ofType("azure-native:web:StaticSite");
    expect(site.inputs).toMatchObject({
      location: "westeurope",
      sku: { name: "Standard" },
      stagingEnvironmentPolicy: "Enabled",
    });
    const upload = ofType("command:local:Command").find((c) =>
      String(c.inputs.create).includes("static-web-apps-cli"),
    )!;
    expect(upload.inputs.environment).toMatchObject({
      SITE_FOLDER: expect.stringMatching(/^\.estate\/sites\/[0-9a-f]{16}$/),
    });
  });

  it("is Front Door's static origin: everything but /api/* goes to it, cached", () => {
    const [site] = ofType("azure-native:web:StaticSite");
    const origin = ofType("azure-native:cdn:AFDOrigin").find((o) => o.inputs.originName === "site")!;
    expect(origin.inputs.hostName).toBe(site.outputs.defaultHostname);
    const routes = Object.fromEntries(ofType("azure-native:cdn:Route").map((r) => [r.inputs.routeName, r.inputs]));
    expect(routes.static).toMatchObject({ patternsToMatch: ["/*"] });
    expect(routes.api).toMatchObject({ patternsToMatch: ["/api/*"] });
    expect(plan.outputs.siteHostNames).toEqual({ web: site.outputs.defaultHostname });
  });

  it("answers on the stack's custom domains at Front Door, with managed certificates on every route", () => {
    const [domain] = ofType("azure-native:cdn:AFDCustomDomain");
    expect(domain.inputs).toMatchObject({
      hostName: "www.contoso.com",
      tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" },
    });
    for (const route of ofType("azure-native:cdn:Route"))
      expect(route.inputs.customDomains).toEqual([{ id: domain.outputs.id }]);
  });

  it("gets no App Service plan or package: nothing of it runs on App Service", () => {
    expect(ofType("azure-native:web:WebApp")).toEqual([]);
    expect(
      ofType("command:local:Command").filter((c) => String(c.inputs.create).includes("az storage blob upload")),
    ).toEqual([]);
  });
});

/** The dev stack with its static site on a storage website, behind Front Door Premium. */
const ON_STORAGE = {
  ...DEV,
  "estate:edge": JSON.stringify({ sku: "Premium" }),
  "estate:hosts": JSON.stringify({ staticSites: { host: "storage" } }),
};

describe("a static-site service on a storage static website in the dev estate", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({ projectDir: project([SITE]), stack: "dev", config: ON_STORAGE, secretKeys: [] });
  });
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const website = () => ofType(T.storageAccount).find((a) => a.parent?.endsWith("website-web"))!;

  it("is a private account of its own serving $web, no Static Web App", () => {
    expect(ofType("azure-native:web:StaticSite")).toEqual([]);
    expect(website().inputs).toMatchObject({ publicNetworkAccess: "Disabled", allowSharedKeyAccess: false });
    expect(ofType(T.blob).map((b) => [b.inputs.blobName, b.inputs.contentType])).toEqual([
      ["index.html", "text/html; charset=utf-8"],
    ]);
  });

  it("is Front Door's site origin over Private Link, /* cached beside the uncached /api/*", () => {
    const origin = ofType("azure-native:cdn:AFDOrigin").find((o) => o.inputs.originName === "site")!;
    expect(origin.inputs.sharedPrivateLinkResource).toMatchObject({
      privateLink: { id: website().outputs.id },
      groupId: "web",
      privateLinkLocation: "westeurope",
    });
    const routes = Object.fromEntries(ofType("azure-native:cdn:Route").map((r) => [r.inputs.routeName, r.inputs]));
    expect(routes.static).toMatchObject({ patternsToMatch: ["/*"], ruleSets: [expect.anything()] });
    expect(plan.outputs.siteHostNames).toEqual({ web: origin.inputs.hostName });
  });

  it("plans with no mandatory policy violation and no unknown price", () => {
    const report = evaluatePlan(plan, loadStackPolicy(ROOT, RULES, { stack: "dev", profile: "dev" }));
    const mandatory = report.results
      .filter((r) => r.status === "fail" && r.enforcement === "mandatory")
      .map((r) => `${r.ruleId} ${r.resource.name}`);
    expect(mandatory).toEqual([]);
    const costs = estimateCost(plan, loadPriceTable()).resources;
    expect(costs.filter((r) => r.status === "unknown").map((r) => `${r.type}: ${r.reason}`)).toEqual([]);
    expect(costs.find((r) => r.name === website().name)?.status).toBe("usage");
  });
});

describe("a storage website in a stack with estate:dr", () => {
  it("is as geo-redundant as the estate's data account", async () => {
    const dr = { enabled: true, failover: { cosmos: "none", serviceBus: "none", redis: "none" } };
    const config = { ...ON_STORAGE, "estate:dr": JSON.stringify(dr) };
    const plan = await planConfig({ projectDir: project([SITE]), stack: "dev", config, secretKeys: [] });
    const skus = plan.resources
      .filter((r) => r.type === T.storageAccount)
      .map((r) => [r.parent?.split("::").pop(), (r.inputs.sku as { name: string }).name]);
    expect(skus).toEqual([
      ["data-storage", "Standard_RAGRS"],
      ["website-web", "Standard_RAGRS"],
    ]);
  });
});

describe("services the stack cannot host are refused before anything is declared", () => {
  const refused = async (manifests: Array<Record<string, unknown>>, raw: Record<string, string> = DEV) => {
    const error = await loadHostedServices(project(manifests), loadConfig(raw, { stack: "dev" }), "dev").catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
  };

  it("a container service with estate:dr on: the secondary region gets none yet", async () => {
    const dr = { enabled: true, failover: { cosmos: "none", serviceBus: "none", redis: "none" } };
    expect(await refused([CONTAINER], { ...DEV, "estate:dr": JSON.stringify(dr) })).toEqual([
      expect.stringMatching(
        /^estate:dr\.enabled: services\/events\/manifest\.json: container services are not deployed to the secondary region/,
      ),
    ]);
  });

  it("a static site in a region without Static Web Apps, unless the stack names one", async () => {
    const east = { ...DEV, "estate:location": "eastus" };
    expect(await refused([SITE], east)).toEqual([
      expect.stringMatching(
        /^estate:hosts\.staticSites\.region: service web \(services\/web\/manifest\.json\) is a static site and Static Web Apps has no region eastus; set one of centralus, eastus2/,
      ),
    ]);
    const named = { ...east, "estate:hosts": JSON.stringify({ staticSites: { region: "eastus2" } }) };
    await expect(loadHostedServices(project([SITE]), loadConfig(named, { stack: "dev" }), "dev")).resolves.toHaveLength(
      1,
    );
  });

  it("a linked backend that is not a hosted app, with no site, or behind a tier that admits only itself", async () => {
    const API = { name: "api", kind: "function-app", entry: "src/index.ts" };
    const linking = (
      backend: string,
      front: Record<string, string> = {
        "estate:gateway": JSON.stringify({ sku: "none" }),
        "estate:edge": JSON.stringify({ sku: "none" }),
      },
    ) => ({
      ...DEV,
      ...front,
      "estate:hosts": JSON.stringify({ staticSites: { linkedBackend: backend } }),
    });
    expect(await refused([SITE, API], linking("web"))).toEqual([
      'estate:hosts.staticSites.linkedBackend: got "web"; expected a function-app or web-app service the stack hosts (api)',
    ]);
    expect(await refused([API], linking("api"))).toEqual([
      "estate:hosts.staticSites.linkedBackend: names api, but the stack hosts no static-site service to link it to",
    ]);
    expect(await refused([SITE, API], linking("api", {}))).toEqual([
      expect.stringMatching(
        /^estate:hosts\.staticSites\.linkedBackend: api admits only the tier in front of it \(estate:gateway\.sku is set\)/,
      ),
    ]);
    await expect(
      loadHostedServices(project([SITE, API]), loadConfig(linking("api"), { stack: "dev" }), "dev"),
    ).resolves.toHaveLength(2);
  });

  it("a static site whose build folder is missing or holds no index.html, naming the manifest and its build key", async () => {
    const unbuilt = project([SITE]);
    rmSync(path.join(unbuilt, "services", "web", "dist"), { recursive: true });
    const config = loadConfig(DEV, { stack: "dev" });
    const problems = async (root: string) =>
      ((await loadHostedServices(root, config, "dev").catch((e: unknown) => e)) as ConfigError).problems;
    expect(await problems(unbuilt)).toEqual([
      {
        key: "build",
        message: expect.stringMatching(
          /^services\/web\/manifest\.json: build folder services\/web\/dist does not exist; build the site first/,
        ),
      },
    ]);
    mkdirSync(path.join(unbuilt, "services", "web", "dist"));
    writeFileSync(path.join(unbuilt, "services", "web", "dist", "app.js"), "1");
    expect(await problems(unbuilt)).toEqual([
      {
        key: "build",
        message: expect.stringMatching(/build folder services\/web\/dist has no index\.html at its root/),
      },
    ]);
  });

  it("a storage website without Front Door Premium, or with Static Web Apps' own settings", async () => {
    const storage = (hosts: Record<string, unknown>, edge: Record<string, unknown>) => ({
      ...DEV,
      "estate:edge": JSON.stringify(edge),
      "estate:hosts": JSON.stringify({ staticSites: { host: "storage", ...hosts } }),
    });
    const gatewayOff = { "estate:gateway": JSON.stringify({ sku: "none" }) };
    expect(await refused([SITE], { ...storage({}, { sku: "none" }), ...gatewayOff })).toEqual([
      "estate:hosts.staticSites.host: service web (services/web/manifest.json) is a static site on host storage, which is served only through Front Door and this stack has none (estate:edge.sku is none); allowed here: staticWebApps, or set edge.sku: Premium",
    ]);
    expect(await refused([SITE], storage({}, { sku: "Standard" }))).toEqual([
      expect.stringMatching(
        /^estate:edge\.sku: service web \(services\/web\/manifest\.json\) is a static site on host storage: Front Door reaches its private website endpoint over Private Link, which Standard lacks .*; allowed: Premium, or hosts\.staticSites\.host: staticWebApps$/,
      ),
    ]);
    expect(
      await refused([SITE], storage({ customDomains: ["www.contoso.com"], linkedBackend: "api" }, { sku: "Premium" })),
    ).toEqual([
      expect.stringMatching(
        /^estate:hosts\.staticSites\.linkedBackend: .*a linked backend is a Static Web Apps feature/,
      ),
      expect.stringMatching(/^estate:hosts\.staticSites\.customDomains: .*move them to estate:edge\.customDomains/),
    ]);
    // In East US, where Static Web Apps has no region: a storage website needs none.
    const east = { ...storage({}, { sku: "Premium" }), "estate:location": "eastus" };
    await expect(loadHostedServices(project([SITE]), loadConfig(east, { stack: "dev" }), "dev")).resolves.toHaveLength(
      1,
    );
  });

  it("an unknown static-site host, with the allowed ones", () => {
    const raw = { ...DEV, "estate:hosts": JSON.stringify({ staticSites: { host: "blob" } }) };
    const error = (() => {
      try {
        loadConfig(raw, { stack: "dev" });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems.map((p) => `${p.key}: ${p.message}`)).toEqual([
      expect.stringMatching(/^estate:hosts\.staticSites\.host: .*staticWebApps.*storage/),
    ]);
  });

  it("a second static site", async () => {
    const found = await refused([SITE, { ...SITE, name: "admin" }]);
    expect(found).toEqual([
      expect.stringMatching(/^kind: service web .* is a second static site; an estate serves one \(admin\)/),
    ]);
  });

  it("a container in a stack with neither host, a host the stack lacks, or no host where it offers both", async () => {
    const noRegistry = { ...DEV, "estate:hosts": JSON.stringify({ registry: { enabled: false } }) };
    expect(await refused([CONTAINER], noRegistry)).toEqual([
      'kind: services/events/manifest.json: kind "container" runs on Container Apps (estate:hosts.registry.enabled) or an AKS cluster (estate:kubernetes.enabled), and this stack has neither; turn one on (host "container-apps" or "aks") or host another service',
    ]);
    expect(await refused([ON_AKS], { ...DEV, "estate:data": WITH_CLUSTER["estate:data"] })).toEqual([
      'host: services/events/manifest.json: host "aks" needs estate:kubernetes.enabled, which this stack leaves off; allowed here: "container-apps"',
    ]);
    const clusterOnly = { ...WITH_CLUSTER, "estate:kubernetes": JSON.stringify({ enabled: true, registry: REGISTRY }) };
    expect(
      await refused([{ ...CONTAINER, host: "container-apps" }], {
        ...clusterOnly,
        "estate:hosts": noRegistry["estate:hosts"],
      }),
    ).toEqual([
      'host: services/events/manifest.json: host "container-apps" needs estate:hosts.registry.enabled, which this stack leaves off; allowed here: "aks"',
    ]);
    expect(await refused([{ ...ON_AKS, host: undefined }], WITH_CLUSTER)).toEqual([
      'host: services/events/manifest.json: this stack runs containers on Container Apps and on its AKS cluster; say which with "host": "container-apps" or "aks"',
    ]);
    // The stack's only host needs no naming.
    const hosted = await loadHostedServices(
      project([{ ...ON_AKS, host: undefined }]),
      loadConfig({ ...clusterOnly, "estate:hosts": noRegistry["estate:hosts"] }, { stack: "dev" }),
      "dev",
    );
    expect(hosted.map((s) => s.name)).toEqual(["events"]);
  });

  it("a container on AKS with routes, a credential-looking plain setting or no registry to pull from", async () => {
    const secrets = { "estate:secrets": JSON.stringify({ supplied: [] }) };
    const found = await refused(
      [
        {
          ...ON_AKS,
          routes: [{ methods: ["GET"], path: "/api/v1/health", auth: "anonymous" }],
          settings: [
            ...ON_AKS.settings,
            { name: "SIGNING_KEY", required: true, from: "keyVault.generatedSecret", value: "signing" },
            { name: "DB_PASSWORD", required: false, from: "literal", value: "x" },
          ],
        },
      ],
      {
        ...WITH_CLUSTER,
        ...secrets,
        "estate:gateway": JSON.stringify({ sku: "none" }),
        "estate:edge": JSON.stringify({ sku: "none" }),
        "estate:hosts": JSON.stringify({ registry: { enabled: false } }),
      },
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^estate:kubernetes\.registry: services\/events\/manifest\.json runs on AKS, whose nodes pull its image with AcrPull from estate:kubernetes\.registry or the estate's registry/,
      ),
      expect.stringMatching(
        /^routes: services\/events\/manifest\.json: a container on AKS is served on the cluster's internal load balancer/,
      ),
      // SIGNING_KEY is read from Key Vault: a secret-looking name is what it should have.
      expect.stringMatching(/^settings: services\/events\/manifest\.json: DB_PASSWORD: looks like a credential/),
    ]);
  });

  it("an image naming another registry, routes no gateway in the VNet reaches", async () => {
    expect(await refused([{ ...CONTAINER, image: "other.azurecr.io/events:1.0.0" }])).toEqual([
      expect.stringMatching(
        /^image: services\/events\/manifest\.json: image "other\.azurecr\.io\/events:1\.0\.0" names the registry other\.azurecr\.io/,
      ),
    ]);
    const consumption = {
      ...DEV,
      "estate:gateway": JSON.stringify({ sku: "Consumption", capacity: null, rateLimit: null, quota: null }),
    };
    expect(await refused([CONTAINER], consumption)).toEqual([
      expect.stringMatching(
        /^estate:gateway\.sku: services\/events\/manifest\.json: gateway Consumption is not in the VNet here and cannot reach the internal Container Apps environment/,
      ),
    ]);
  });

  it("a container in an address space without room for its subnet", async () => {
    // Four /26 subnets fill the /24: the estate's own fit, a containerApps /27 does not.
    const small = {
      ...DEV,
      "estate:network": JSON.stringify({
        addressSpace: "10.0.0.0/24",
        subnets: { gateway: "10.0.0.128/26", management: "10.0.0.192/26" },
      }),
    };
    expect(await refused([CONTAINER], small)).toEqual([
      expect.stringMatching(
        /^estate:network\.subnets: address space 10\.0\.0\.0\/24 is too small: no free \/27 left for subnet containerApps \(services\/events\/manifest\.json is a container/,
      ),
    ]);
  });
});
