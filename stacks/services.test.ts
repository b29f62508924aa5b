import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { unzipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLES } from "../infra/core/roles.js";
import { COSMOS_DATA_CONTRIBUTOR } from "../infra/data/index.js";
import { CALLER_AUTHORIZATION_HEADER } from "../infra/gateway/policy-xml.js";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planStack } from "../cli/plan/stack.js";
import { loadManifests, type LoadedManifest } from "../services/manifest.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices, serviceSettings } from "./services.js";
import { ROOT } from "../test/estate-plans.js";

const DEV: Record<string, string> = {
  "estate:profile": "dev",
  "estate:owner": "team@contoso.com",
  "estate:costCentre": "CC-1",
};

function projectWith(manifest: object): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-services-"));
  mkdirSync(path.join(root, "services", "svc"), { recursive: true });
  writeFileSync(
    path.join(root, "services", "svc", "manifest.json"),
    JSON.stringify({ name: "svc", kind: "function-app", entry: "src/index.ts", ...manifest }),
  );
  return root;
}

describe("hosted services against the stack config", () => {
  const config = loadConfig(DEV, { stack: "dev" });

  it("hosts every manifest of the project but those kept to other stacks", async () => {
    const services = await loadHostedServices(ROOT, config, "dev");
    expect(services.map((s) => s.name).sort()).toEqual(["api", "worker"]);
    // services/events-api names "stacks": ["events"].
    const events = loadConfig({ ...DEV, "estate:data": '{"cosmos":{"enabled":false}}' }, { stack: "events" });
    const hosted = await loadHostedServices(ROOT, events, "events").catch((e: unknown) => e);
    expect(hosted).toBeInstanceOf(ConfigError);
    expect((hosted as ConfigError).problems.map((p) => p.message)).toContainEqual(
      expect.stringMatching(/^service api .* uses Cosmos DB/),
    );
  });

  it.each([
    [
      "a queue",
      { queues: [{ name: "billing", access: "send" }] },
      "estate:data.serviceBus.queues",
      /service svc .* uses queue "billing", which the stack does not declare/,
    ],
    [
      "a blob container",
      { blobContainers: [{ name: "images", access: "read" }] },
      "estate:data.storage.containers",
      /uses blob container "images"/,
    ],
    [
      "a Cosmos container",
      { cosmos: [{ database: "estate", container: "orders", partitionKey: "/tenantId", access: "read" }] },
      "estate:data.cosmos.databases",
      /uses Cosmos container estate\/orders/,
    ],
    [
      "another partition key",
      { cosmos: [{ database: "estate", container: "events", partitionKey: "/id", access: "read" }] },
      "estate:data.cosmos.databases",
      /expects estate\/events partitioned by \/id; the stack declares \/tenantId/,
    ],
  ])(
    "refuses a service that uses %s the stack does not declare, before any resource",
    async (_label, manifest, key, message) => {
      const error = await loadHostedServices(projectWith(manifest), config, "dev").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      const problem = (error as ConfigError).problems.find((p) => p.key === key);
      expect(problem?.message).toMatch(message);
      expect((error as Error).message).toContain("Pulumi.dev.yaml");
    },
  );

  it("hosts only the services the stack chooses, and refuses a name the project does not have", async () => {
    const chosen = loadConfig({ ...DEV, "estate:services": '["api"]' }, { stack: "dev" });
    expect((await loadHostedServices(ROOT, chosen, "dev")).map((s) => s.name)).toEqual(["api"]);
    const unknown = loadConfig({ ...DEV, "estate:services": '["api","billing"]' }, { stack: "dev" });
    const error = (await loadHostedServices(ROOT, unknown, "dev").catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toEqual([
      {
        key: "estate:services[1]",
        message:
          'got "billing"; the project\'s services are api, chatlings-web, dreamspace-api, dreamspace-web, events-api, feastfrenzy-api, ninevectors-api, ninevectors-web, worker',
      },
    ]);
  });

  it("refuses a service that uses Cosmos DB or queues in a stack that leaves them out", async () => {
    const without = loadConfig(
      { ...DEV, "estate:data": '{"cosmos":{"enabled":false},"serviceBus":{"enabled":false}}' },
      { stack: "dev" },
    );
    const error = (await loadHostedServices(ROOT, without, "dev").catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toEqual([
      {
        key: "estate:data.cosmos.enabled",
        message:
          "service api (services/api/manifest.json) uses Cosmos DB, which this stack leaves out; set it true or host another service",
      },
      {
        key: "estate:data.cosmos.enabled",
        message:
          "service worker (services/worker/manifest.json) uses Cosmos DB, which this stack leaves out; set it true or host another service",
      },
    ]);
  });

  it("refuses a container in a stack with neither its registry nor a cluster, naming the manifest, the keys and the hosts", async () => {
    const noRegistry = loadConfig({ ...DEV, "estate:hosts": '{"registry":{"enabled":false}}' }, { stack: "dev" });
    const error = (await loadHostedServices(
      projectWith({ kind: "container", entry: undefined, image: "svc:1.0.0", port: 8000 }),
      noRegistry,
      "dev",
    ).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      {
        key: "kind",
        message:
          'services/svc/manifest.json: kind "container" runs on Container Apps (estate:hosts.registry.enabled) or an AKS cluster (estate:kubernetes.enabled), and this stack has neither; turn one on (host "container-apps" or "aks") or host another service',
      },
    ]);
  });

  it("refuses a web app beside functions on Flex Consumption: the integration subnet has one delegation", async () => {
    const flex = loadConfig(
      { ...DEV, "estate:compute": '{"functions":{"plan":"FlexConsumption","maxInstances":100}}' },
      { stack: "dev" },
    );
    const error = (await loadHostedServices(projectWith({ kind: "web-app" }), flex, "dev").catch(
      (e: unknown) => e,
    )) as ConfigError;
    expect(error.problems.map((p) => p.key)).toEqual(["estate:compute.functions.plan"]);
    expect(error.problems[0].message).toMatch(
      /services\/svc\/manifest.json: kind "web-app" needs the integration subnet delegated to Microsoft.Web\/serverFarms/,
    );
  });

  it("refuses Function apps whose host ids would clash, before any resource, naming both services", async () => {
    // Their app names are the same for the first 32 characters: func-estate-dev-weu-orders-proce...
    const root = mkdtempSync(path.join(tmpdir(), "estate-services-"));
    for (const name of ["orders-processor", "orders-processor-eu", "orders"]) {
      mkdirSync(path.join(root, "services", name), { recursive: true });
      const manifest = { name, kind: "function-app", entry: "src/index.ts" };
      writeFileSync(path.join(root, "services", name, "manifest.json"), JSON.stringify(manifest));
    }
    const error = (await loadHostedServices(root, config, "dev").catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      {
        key: "name",
        message:
          'service orders-processor-eu (services/orders-processor-eu/manifest.json): its Function app would share the Functions host id "func-estate-dev-weu-orders-proce" with orders-processor\'s (the first 32 characters of the app name, https://github.com/Azure/azure-functions-host/wiki/Host-IDs); rename one so the names differ sooner',
      },
    ]);
  });
});

describe("services deployed with the dev estate", () => {
  let plan: Plan;
  let manifests: LoadedManifest[];
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const app = (service: string) => ofType("azure-native:web:WebApp").find((r) => r.name === `compute-${service}`)!;
  const settings = (r: PlanResource) =>
    Object.fromEntries(
      (r.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings.map((s) => [
        s.name,
        s.value,
      ]),
    );
  const principal = (service: string) => (app(service).outputs.identity as { principalId: string }).principalId;
  const roleAssignments = (principalId: string) =>
    ofType("azure-native:authorization:RoleAssignment").filter((r) => r.inputs.principalId === principalId);

  beforeAll(async () => {
    plan = await planStack({ projectDir: ROOT, stack: "dev" });
    // The dev stack's: every manifest but those kept to other stacks (events-api).
    manifests = (await loadManifests(path.join(ROOT, "services"))).filter((m) => !m.stacks || m.stacks.includes("dev"));
  });

  it("sets every setting a manifest requires, from the estate's own resources", () => {
    const cosmos = ofType("azure-native:cosmosdb:DatabaseAccount")[0];
    for (const manifest of manifests) {
      const given = settings(app(manifest.name));
      for (const s of manifest.settings.filter((x) => x.required))
        expect(given[s.name], `${manifest.name}: ${s.name}`).toBeTruthy();
      expect(given.COSMOS_ENDPOINT).toBe(cosmos.outputs.documentEndpoint);
    }
    expect(settings(app("worker")).DOCUMENTS_MAX_DELIVERY_COUNT).toBe("3");
    expect(settings(app("api")).AUTH_ISSUER).toMatch(/^https:\/\/login\.microsoftonline\.com\/[0-9a-f-]+\/v2\.0$/);
    // The service checks tokens against the very issuer the gateway's validate-jwt checks.
    const operationPolicies = ofType("azure-native:apimanagement:ApiOperationPolicy").map((p) =>
      String(p.inputs.value),
    );
    const validating = operationPolicies.filter((xml) => xml.includes("<validate-jwt"));
    expect(validating.length).toBeGreaterThan(0);
    for (const xml of validating) expect(xml).toContain(`<issuer>${settings(app("api")).AUTH_ISSUER}</issuer>`);
    // The service reads the caller's token from the header the gateway moves it to (header names ignore case).
    expect(settings(app("api")).AUTH_CALLER_HEADER).toBe(CALLER_AUTHORIZATION_HEADER.toLowerCase());
    for (const xml of operationPolicies) expect(xml).toContain(`name="${CALLER_AUTHORIZATION_HEADER}"`);
    // An app the gateway does not route to keeps reading Authorization.
    const api = manifests.find((m) => m.name === "api")!;
    const sources = {
      cosmosEndpoint: "c",
      blobEndpoint: "b",
      serviceBusNamespace: "s",
      tenantId: "t",
      audience: "a",
      queues: [],
      behindGateway: true,
      generatedSecretUri: (name: string) => `kv/${name}`,
      suppliedSecretUri: (name: string) => `kv/${name}`,
    };
    const gatewaySettings = api.settings.filter((s) => s.from.startsWith("gateway."));
    expect(serviceSettings({ ...api, routes: [], settings: gatewaySettings }, sources)).toEqual({});
    // Without a gateway nobody moves the token: a routed app reads Authorization too.
    expect(serviceSettings({ ...api, settings: gatewaySettings }, { ...sources, behindGateway: false })).toEqual({});
  });

  it("runs each app from its own package, uploaded with its content hash", () => {
    const uploads = ofType("command:local:Command");
    expect(uploads.map((u) => u.name).sort()).toEqual(["package-api", "package-worker"]);
    for (const upload of uploads) {
      const service = upload.name.replace("package-", "");
      const env = upload.inputs.environment as Record<string, string>;
      const [sha256] = upload.inputs.triggers as string[];
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(env.BLOB).toBe(`${service}/${sha256}.zip`);
      expect(upload.inputs.create).toContain("--auth-mode login");
      expect(settings(app(service)).WEBSITE_RUN_FROM_PACKAGE).toMatch(
        new RegExp(`/deployments/${service}/${sha256}\\.zip$`),
      );
      expect(settings(app(service)).WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).toBe("SystemAssigned");
    }
  });

  it("builds packages that start in Node with the settings the estate gives each app", () => {
    for (const upload of ofType("command:local:Command")) {
      const service = upload.name.replace("package-", "");
      const zip = path.join(ROOT, (upload.inputs.environment as Record<string, string>).FILE);
      const dir = mkdtempSync(path.join(tmpdir(), `estate-package-${service}-`));
      for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zip)))) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        writeFileSync(path.join(dir, name), bytes);
      }
      const main = path.join(dir, JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")).main);
      // Outside the Functions host, @azure/functions skips each registration with a warning naming it.
      const run = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(main)})`], {
        env: { PATH: process.env.PATH, ...settings(app(service)) },
        encoding: "utf8",
      });
      expect(run.status, `${service}: ${run.stderr}`).toBe(0);
      expect(`${run.stdout}${run.stderr}`).toMatch(/register function "/);
    }
  });

  it("gives the api its cursor key as a Key Vault reference to a generated secret only it can read", () => {
    const vault = ofType("azure-native:keyvault:Vault")[0];
    const secret = ofType("azure-native:keyvault:Secret").find((s) => s.inputs.secretName === "cursor-signing-key")!;
    expect(secret, "the estate declares the secret the manifest names").toBeDefined();
    // Generated by the estate (RandomPassword) and never in the plan in clear.
    expect((secret.inputs.properties as { value: unknown }).value).toBe("[secret]");
    expect(
      ofType("random:index/randomPassword:RandomPassword").find((p) => p.name === `${secret.name}-value`)?.inputs
        .length,
    ).toBe(64);
    expect(settings(app("api")).CURSOR_SIGNING_KEY).toBe(
      `@Microsoft.KeyVault(SecretUri=https://${vault.physicalName}.vault.azure.net/secrets/cursor-signing-key)`,
    );
    const rolesOn = (service: string, scope: unknown) =>
      roleAssignments(principal(service))
        .filter((r) => r.inputs.scope === scope)
        .map((r) => String(r.inputs.roleDefinitionId).split("/").pop());
    expect(rolesOn("api", secret.outputs.id)).toEqual([BUILT_IN_ROLES["Key Vault Secrets User"]]);
    // Not the vault (that would read every secret), and not the worker, which does not list it.
    expect(rolesOn("api", vault.outputs.id)).toEqual([]);
    expect(rolesOn("worker", secret.outputs.id)).toEqual([]);
  });

  it("grants each identity exactly the data its manifest lists", () => {
    const roleId = (name: string) => BUILT_IN_ROLES[name];
    const queue = ofType("azure-native:servicebus:Queue").find((q) => q.inputs.queueName === "document-processing")!;
    const rolesOn = (service: string, scope: unknown) =>
      roleAssignments(principal(service))
        .filter((r) => r.inputs.scope === scope)
        .map((r) => String(r.inputs.roleDefinitionId).split("/").pop());
    expect(rolesOn("api", queue.outputs.id)).toEqual([roleId("Azure Service Bus Data Sender")]);
    expect(rolesOn("worker", queue.outputs.id)).toEqual([roleId("Azure Service Bus Data Receiver")]);
    const account = ofType("azure-native:storage:StorageAccount")[0];
    const container = (name: string) =>
      ofType("azure-native:storage:BlobContainer").find((c) => c.inputs.containerName === name)!.outputs.id;
    expect(rolesOn("api", container("documents"))).toEqual([roleId("Storage Blob Data Contributor")]);
    expect(rolesOn("worker", container("documents"))).toEqual([roleId("Storage Blob Data Reader")]);
    // Each app reads the packages; none may write them, nor hold any role on the whole account.
    for (const service of ["api", "worker"]) {
      expect(rolesOn(service, container("deployments"))).toEqual([roleId("Storage Blob Data Reader")]);
      expect(rolesOn(service, account.outputs.id)).toEqual([]);
    }
    const cosmosGrants = ofType("azure-native:cosmosdb:SqlResourceSqlRoleAssignment");
    for (const service of ["api", "worker"]) {
      const grant = cosmosGrants.find((g) => g.inputs.principalId === principal(service));
      expect(String(grant?.inputs.roleDefinitionId)).toMatch(new RegExp(`${COSMOS_DATA_CONTRIBUTOR}$`));
    }
  });
});
