// A manifest's bindings to Redis, SQL, PostgreSQL, MySQL, AI Search, Azure OpenAI, SignalR / Web
// PubSub and App Configuration: one plan of a small estate binding all of them (plans are slow),
// and the refusals, which need no plan.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planConfig } from "../cli/plan/stack.js";
import { BUILT_IN_ROLES } from "../infra/core/roles.js";
import { DEV_STACK as DEV } from "../test/config.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices } from "./services.js";

const ADMIN = { principalName: "db-admins", objectId: "0b7c8d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e" };
/** The stack: every bound service on, each with the database or deployment the manifest names. */
const BOUND: Record<string, string> = {
  ...DEV,
  "estate:data": JSON.stringify({
    sql: { enabled: true, admin: { login: "sql-admins", objectId: ADMIN.objectId }, databases: [{ name: "orders", compute: "serverless", vCores: 1, backupRetentionDays: 7 }] },
    postgresql: { enabled: true, admin: ADMIN, databases: ["chat"] },
    mysql: { enabled: true, admin: ADMIN, databases: ["shop"] },
  }),
  "estate:platform": JSON.stringify({
    search: { enabled: true },
    openAi: { enabled: true, deployments: [{ name: "chat", model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard", capacity: 10 }] },
    realtime: { enabled: true, kind: "signalR" },
    appConfiguration: { enabled: true },
  }),
};

const setting = (name: string, from: string, value?: string) => ({ name, required: true, from, ...(value ? { value } : {}) });

/** Binds everything, reading every binding's settings. */
const WEB = {
  name: "web",
  kind: "web-app",
  entry: "src/index.ts",
  redis: { access: "read" },
  sql: { database: "orders", access: "read" },
  postgresql: { database: "chat", access: "readwrite" },
  mysql: { database: "shop", access: "read" },
  search: { access: "readwrite" },
  openAi: { deployments: ["chat"] },
  signalR: {},
  appConfig: {},
  settings: [
    setting("AZURE_CLIENT_ID", "identity.clientId"),
    setting("REDIS_URL", "redis.url"),
    setting("REDIS_USER", "redis.user"),
    setting("SQL_SERVER", "sql.server"),
    setting("SQL_DATABASE", "sql.database"),
    setting("PGHOST", "postgresql.host"),
    setting("PGDATABASE", "postgresql.database"),
    setting("PGUSER", "postgresql.user"),
    setting("MYSQL_HOST", "mysql.host"),
    setting("MYSQL_DATABASE", "mysql.database"),
    setting("MYSQL_USER", "mysql.user"),
    setting("SEARCH_ENDPOINT", "search.endpoint"),
    setting("OPENAI_ENDPOINT", "openai.endpoint"),
    setting("OPENAI_DEPLOYMENT", "openai.deployment", "chat"),
    setting("SIGNALR_ENDPOINT", "signalr.endpoint"),
    setting("APPCONFIG_ENDPOINT", "appConfig.endpoint"),
  ],
};
/** Binds only a platform service: it needs no identity of its own. */
const JOBS = { name: "jobs", kind: "function-app", entry: "src/index.ts", search: { access: "read" }, settings: [setting("SEARCH_ENDPOINT", "search.endpoint")] };

function project(manifests: Array<Record<string, unknown>>): string {
  const root = mkdtempSync(path.join(tmpdir(), "estate-bindings-"));
  writeFileSync(path.join(root, "Pulumi.yaml"), "name: estate\nruntime: nodejs\n");
  for (const manifest of manifests) {
    const dir = path.join(root, "services", String(manifest.name));
    mkdirSync(path.join(dir, "src"), { recursive: true });
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    writeFileSync(path.join(dir, "src", "index.ts"), "export {};\n");
  }
  return root;
}

describe("a service bound to every data and platform service", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await planConfig({ projectDir: project([WEB, JOBS]), stack: "dev", config: BOUND, secretKeys: [] });
  }, 120_000);
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = ofType(type);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const serviceIdentity = () => ofType("azure-native:managedidentity:UserAssignedIdentity").find((r) => String(r.inputs.resourceName).endsWith("-web"))!;
  const app = (kind: string) => ofType("azure-native:web:WebApp").find((r) => r.inputs.kind === kind)!;
  const settingsOf = (site: PlanResource) => Object.fromEntries((site.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings.map((s) => [s.name, s.value]));
  const rolesOf = (principalId: unknown) =>
    ofType("azure-native:authorization:RoleAssignment")
      .filter((r) => r.inputs.principalId === principalId)
      .map((r) => [Object.keys(BUILT_IN_ROLES).find((role) => String(r.inputs.roleDefinitionId).endsWith(`/${BUILT_IN_ROLES[role]}`)), r.inputs.scope])
      .sort();

  it("gives the service one user-assigned identity, which its web app carries beside its own", () => {
    // Besides the MySQL server's own (it reads the directory with it).
    const identities = ofType("azure-native:managedidentity:UserAssignedIdentity").map((r) => String(r.inputs.resourceName)).sort();
    expect(identities).toEqual([expect.stringMatching(/^id-.*-mysql$/), expect.stringMatching(/^id-.*-web$/)]);
    const identity = serviceIdentity();
    expect(app("app,linux").inputs.identity).toEqual({ type: "SystemAssigned, UserAssigned", userAssignedIdentities: [identity.outputs.id] });
    expect(app("functionapp,linux").inputs.identity).toEqual({ type: "SystemAssigned" });
  });

  it("grants that identity each platform role on exactly the bound resource, and nothing else of the data", () => {
    const identity = serviceIdentity();
    expect(rolesOf(identity.outputs.principalId)).toEqual(
      [
        ["App Configuration Data Reader", one("azure-native:appconfiguration:ConfigurationStore").outputs.id],
        ["Cognitive Services OpenAI User", one("azure-native:cognitiveservices:Account").outputs.id],
        ["Search Index Data Contributor", one("azure-native:search:Service").outputs.id],
        ["SignalR App Server", one("azure-native:signalrservice:SignalR").outputs.id],
      ].sort(),
    );
    // The app's own identity keeps what App Service itself signs in for: its package and telemetry.
    const own = (app("app,linux").outputs.identity as { principalId: string }).principalId;
    expect(rolesOf(own).map(([role]) => role)).toEqual(["Monitoring Metrics Publisher", "Storage Blob Data Reader"]);
  });

  it("gives the identity Redis' Data Reader access policy on the cache (Entra ID, keys off)", () => {
    const identity = serviceIdentity();
    const assignment = one("azure-native:redis:AccessPolicyAssignment");
    expect(assignment.inputs).toMatchObject({ accessPolicyName: "Data Reader", objectId: identity.outputs.principalId, cacheName: one("azure-native:redis:Redis").inputs.name });
  });

  it("grants a service without identity bindings on its app's own identity", () => {
    const jobs = app("functionapp,linux");
    const principalId = (jobs.outputs.identity as { principalId: string }).principalId;
    expect(rolesOf(principalId).filter(([role]) => String(role).startsWith("Search"))).toEqual([["Search Index Data Reader", one("azure-native:search:Service").outputs.id]]);
    expect(settingsOf(jobs).SEARCH_ENDPOINT).toBe(`https://${one("azure-native:search:Service").outputs.name}.search.windows.net`);
  });

  it("sets every binding's settings from the bound resources and the identity", () => {
    const identity = serviceIdentity();
    const redis = one("azure-native:redis:Redis").outputs;
    const settings = settingsOf(app("app,linux"));
    expect(settings).toMatchObject({
      AZURE_CLIENT_ID: identity.outputs.clientId,
      REDIS_URL: `rediss://${redis.hostName}:6380`,
      REDIS_USER: identity.outputs.principalId,
      SQL_SERVER: one("azure-native:sql:Server").outputs.fullyQualifiedDomainName,
      SQL_DATABASE: "orders",
      PGHOST: one("azure-native:dbforpostgresql:Server").outputs.fullyQualifiedDomainName,
      PGDATABASE: "chat",
      PGUSER: identity.inputs.resourceName,
      MYSQL_HOST: one("azure-native:dbformysql:Server").outputs.fullyQualifiedDomainName,
      MYSQL_DATABASE: "shop",
      MYSQL_USER: identity.inputs.resourceName,
      SEARCH_ENDPOINT: `https://${one("azure-native:search:Service").outputs.name}.search.windows.net`,
      OPENAI_ENDPOINT: expect.stringMatching(/^https:\/\/.+\.openai\.azure\.com\/$/),
      OPENAI_DEPLOYMENT: "chat",
      SIGNALR_ENDPOINT: `https://${one("azure-native:signalrservice:SignalR").outputs.hostName}`,
      APPCONFIG_ENDPOINT: `https://${one("azure-native:appconfiguration:ConfigurationStore").outputs.name}.azconfig.io`,
    });
    for (const value of Object.values(settings)) expect(String(value)).not.toMatch(/undefined/);
  });

  it("declares no database user it cannot create, and exports the statements each server's administrator must run", () => {
    // ARM has no contained users or database roles: nothing but the identity is declared for them.
    expect(ofType("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").map((a) => a.inputs.objectId)).toEqual([ADMIN.objectId]);
    const identity = serviceIdentity();
    const user = String(identity.inputs.resourceName);
    const steps = plan.outputs.databaseUsers as Array<{ service: string; engine: string; server: string; database: string; user: string; statements: string[] }>;
    expect(steps.map(({ service, engine, database }) => [service, engine, database])).toEqual([
      ["web", "sql", "orders"],
      ["web", "postgresql", "chat"],
      ["web", "mysql", "shop"],
    ]);
    expect(steps.every((step) => step.user === user)).toBe(true);
    expect(steps[0]!.server).toBe(one("azure-native:sql:Server").outputs.fullyQualifiedDomainName);
    expect(steps[0]!.statements).toEqual([`CREATE USER [${user}] FROM EXTERNAL PROVIDER;`, `ALTER ROLE db_datareader ADD MEMBER [${user}];`]);
    expect(steps[1]!.statements).toContain(`SELECT * FROM pgaadauth_create_principal('${user}', false, false);`);
    expect(steps[1]!.statements).toContain(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${user}";`);
    expect(steps[2]!.statements).toEqual([`CREATE AADUSER '${user}' IDENTIFIED BY '${identity.outputs.clientId}';`, `GRANT SELECT ON \`shop\`.* TO '${user}';`]);
  });
});

describe("bindings to services the stack does not declare", () => {
  const refusals = async (manifest: Record<string, unknown>, raw: Record<string, string>) => {
    const error = await loadHostedServices(project([{ name: "svc", kind: "web-app", entry: "src/index.ts", ...manifest }]), loadConfig(raw, { stack: "dev" }), "dev").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Pulumi.dev.yaml");
    return (error as ConfigError).problems.map((p) => `${p.key} ${p.message}`);
  };
  const identity = { settings: [setting("AZURE_CLIENT_ID", "identity.clientId")] };

  it("are refused before anything is declared, each naming the manifest and the stack key", async () => {
    const everything = { ...WEB, name: "svc", settings: identity.settings };
    const problems = await refusals(everything, { ...DEV, "estate:data": JSON.stringify({ redis: { enabled: false } }) });
    const who = "service svc (services/svc/manifest.json)";
    expect(problems).toEqual([
      `estate:data.redis.enabled ${who} binds Redis, which this stack leaves out; set it true or host another service`,
      `estate:data.sql.enabled ${who} binds Azure SQL, which this stack leaves out; set it true or host another service`,
      `estate:data.postgresql.enabled ${who} binds PostgreSQL, which this stack leaves out; set it true or host another service`,
      `estate:data.mysql.enabled ${who} binds MySQL, which this stack leaves out; set it true or host another service`,
      `estate:platform.search.enabled ${who} binds AI Search, which this stack leaves out; set it true or host another service`,
      `estate:platform.openAi.enabled ${who} binds Azure OpenAI, which this stack leaves out; set it true or host another service`,
      `estate:platform.realtime.enabled ${who} binds SignalR Service, which this stack leaves out; set it true (kind signalR) or host another service`,
      `estate:platform.appConfiguration.enabled ${who} binds App Configuration, which this stack leaves out; set it true or host another service`,
    ]);
  });

  it("refuse a database or model deployment the stack does not declare, and the other real-time kind", async () => {
    const problems = await refusals(
      { ...identity, sql: { database: "billing", access: "read" }, postgresql: { database: "chats", access: "read" }, openAi: { deployments: ["chat", "embeddings"] }, webPubSub: {} },
      BOUND,
    );
    expect(problems).toEqual([
      expect.stringMatching(/^estate:data\.sql\.databases service svc .* binds Azure SQL database "billing", which the stack does not declare \(it declares orders\)$/),
      expect.stringMatching(/^estate:data\.postgresql\.databases .* binds PostgreSQL database "chats", .*\(it declares chat\)$/),
      expect.stringMatching(/^estate:platform\.openAi\.deployments .* binds model deployment "embeddings", which the stack does not declare \(it declares chat\)$/),
      expect.stringMatching(/^estate:platform\.realtime\.kind .* binds Web PubSub, but the stack's real-time service is signalR/),
    ]);
  });
});

describe("a container service", () => {
  it("cannot take identity bindings yet: the estate makes the service identity for App Service apps only", async () => {
    const container = { name: "svc", kind: "container", image: "svc:1.0.0", port: 8080, redis: { access: "read" }, settings: [setting("AZURE_CLIENT_ID", "identity.clientId")] };
    const raw = { ...DEV, "estate:hosts": JSON.stringify({ registry: { enabled: true } }) };
    const error = (await loadHostedServices(project([container]), loadConfig(raw, { stack: "dev" }), "dev").catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toContainEqual({ key: "redis", message: expect.stringMatching(/^services\/svc\/manifest\.json: a container cannot bind redis yet/) });
  });
});

describe("a service bound to Web PubSub", () => {
  let plan: Plan;
  beforeAll(async () => {
    const config = { ...DEV, "estate:platform": JSON.stringify({ realtime: { enabled: true, kind: "webPubSub" } }) };
    const pubsub = { name: "hub", kind: "function-app", entry: "src/index.ts", webPubSub: {}, settings: [setting("WEBPUBSUB_ENDPOINT", "webPubSub.endpoint")] };
    plan = await planConfig({ projectDir: project([pubsub]), stack: "dev", config, secretKeys: [] });
  }, 120_000);

  it("gets Web PubSub Service Owner on that service and its endpoint, with no identity of its own", () => {
    const [service] = plan.resources.filter((r) => r.type === "azure-native:webpubsub:WebPubSub");
    const [site] = plan.resources.filter((r) => r.type === "azure-native:web:WebApp");
    const principalId = (site!.outputs.identity as { principalId: string }).principalId;
    const grants = plan.resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment" && r.inputs.principalId === principalId && r.inputs.scope === service!.outputs.id);
    expect(grants.map((g) => g.inputs.roleDefinitionId)).toEqual([expect.stringMatching(new RegExp(`/${BUILT_IN_ROLES["Web PubSub Service Owner"]}$`))]);
    const settings = (site!.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings;
    expect(settings.find((s) => s.name === "WEBPUBSUB_ENDPOINT")?.value).toBe(`https://${service!.outputs.hostName}`);
    expect(plan.resources.filter((r) => r.type === "azure-native:managedidentity:UserAssignedIdentity")).toEqual([]);
  });
});
