// A manifest's bindings to Redis, SQL, PostgreSQL, MySQL, AI Search, Azure OpenAI, SignalR / Web
// PubSub and App Configuration: one plan of a small estate binding all of them (plans are slow),
// and the refusals, which need no plan.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlanResource } from "../cli/plan/schema.js";
import { planConfig, planStack } from "../cli/plan/stack.js";
import { BUILT_IN_ROLES } from "../infra/core/roles.js";
import { DEV_STACK as DEV } from "../test/config.js";
import { ROOT } from "../test/estate-plans.js";
import { ConfigError, loadConfig } from "./config/load.js";
import { loadHostedServices } from "./services.js";

const ADMIN = { principalName: "db-admins", objectId: "0b7c8d9e-1f2a-4b3c-8d4e-5f6a7b8c9d0e" };
/** The stack: every bound service on, each with the database or deployment the manifest names. */
const BOUND: Record<string, string> = {
  ...DEV,
  "estate:data": JSON.stringify({
    sql: {
      enabled: true,
      admin: { login: "sql-admins", objectId: ADMIN.objectId },
      databases: [{ name: "orders", compute: "serverless", vCores: 1, backupRetentionDays: 7 }],
    },
    postgresql: { enabled: true, admin: ADMIN, databases: ["chat"] },
    mysql: { enabled: true, admin: ADMIN, databases: ["shop"] },
  }),
  "estate:platform": JSON.stringify({
    search: { enabled: true },
    openAi: {
      enabled: true,
      deployments: [{ name: "chat", model: "gpt-4o-mini", version: "2024-07-18", sku: "GlobalStandard", capacity: 10 }],
    },
    realtime: { enabled: true, kind: "signalR" },
    appConfiguration: { enabled: true },
  }),
};

const setting = (name: string, from: string, value?: string) => ({
  name,
  required: true,
  from,
  ...(value ? { value } : {}),
});

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
const JOBS = {
  name: "jobs",
  kind: "function-app",
  entry: "src/index.ts",
  search: { access: "read" },
  settings: [setting("SEARCH_ENDPOINT", "search.endpoint")],
};

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

describe("bindings in an estate with disaster recovery", () => {
  it("read the SQL failover group's listener and the geo-primary cache name, which follow a failover", async () => {
    const dir = project([
      {
        name: "orders",
        kind: "web-app",
        entry: "src/index.ts",
        redis: { access: "readwrite" },
        sql: { database: "orders", access: "readwrite" },
        settings: WEB.settings.filter((s) => /^(AZURE_CLIENT_ID|REDIS_URL|SQL_SERVER)$/.test(s.name)),
      },
    ]);
    // Prod as its stack file declares it (DR on), with SQL on and the database the service binds.
    writeFileSync(path.join(dir, "Pulumi.prod.yaml"), readFileSync(path.join(ROOT, "Pulumi.prod.yaml")));
    const sql = {
      enabled: true,
      admin: { login: "sql-admins", objectId: ADMIN.objectId },
      databases: [{ name: "orders", compute: "provisioned", vCores: 2, backupRetentionDays: 7 }],
    };
    const plan = await planStack({
      projectDir: dir,
      stack: "prod",
      configOverrides: { "estate:data": JSON.stringify({ sql }) },
    });
    const group = plan.resources.find((r) => r.type === "azure-native:sql:FailoverGroup")!;
    const web = plan.resources.find((r) => r.type === "azure-native:web:WebApp" && r.inputs.kind === "app,linux")!;
    const settings = Object.fromEntries(
      (web.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings.map((s) => [
        s.name,
        s.value,
      ]),
    );
    expect(settings.SQL_SERVER).toBe(`${group.physicalName}.database.windows.net`);
    expect(settings.REDIS_URL).toMatch(/^rediss:\/\/.+\.geo\.redis\.cache\.windows\.net:6380$/);
    // The service identity the apps of both regions sign in as has its access policy on both caches:
    // after a failover the geo-primary name leads to the former secondary, which checks its own.
    const identity = plan.resources.find(
      (r) =>
        r.type === "azure-native:managedidentity:UserAssignedIdentity" &&
        /-orders$/.test(String(r.inputs.resourceName)),
    )!;
    const caches = plan.resources.filter((r) => r.type === "azure-native:redis:Redis");
    const assigned = plan.resources
      .filter((r) => r.type === "azure-native:redis:AccessPolicyAssignment")
      .map((r) => [r.inputs.cacheName, r.inputs.objectId, r.inputs.accessPolicyName]);
    expect(assigned.sort()).toEqual(
      caches.map((c) => [c.physicalName, identity.outputs.principalId, "Data Contributor"]).sort(),
    );
    expect(caches.map((c) => c.inputs.location).sort()).toEqual(["northeurope", "westeurope"]);
  }, 180_000);
});

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
  const serviceIdentity = () =>
    ofType("azure-native:managedidentity:UserAssignedIdentity").find((r) =>
      String(r.inputs.resourceName).endsWith("-web"),
    )!;
  const app = (kind: string) => ofType("azure-native:web:WebApp").find((r) => r.inputs.kind === kind)!;
  const settingsOf = (site: PlanResource) =>
    Object.fromEntries(
      (site.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings.map((s) => [
        s.name,
        s.value,
      ]),
    );
  const rolesOf = (principalId: unknown) =>
    ofType("azure-native:authorization:RoleAssignment")
      .filter((r) => r.inputs.principalId === principalId)
      .map((r) => [
        Object.keys(BUILT_IN_ROLES).find((role) =>
          String(r.inputs.roleDefinitionId).endsWith(`/${BUILT_IN_ROLES[role]}`),
        ),
        r.inputs.scope,
      ])
      .sort();

  it("gives the service one user-assigned identity, which its web app carries beside its own", () => {
    // Besides the MySQL server's own (it reads the directory with it).
    const identities = ofType("azure-native:managedidentity:UserAssignedIdentity")
      .map((r) => String(r.inputs.resourceName))
      .sort();
    expect(identities).toEqual([expect.stringMatching(/^id-.*-mysql$/), expect.stringMatching(/^id-.*-web$/)]);
    const identity = serviceIdentity();
    expect(app("app,linux").inputs.identity).toEqual({
      type: "SystemAssigned, UserAssigned",
      userAssignedIdentities: [identity.outputs.id],
    });
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
    expect(assignment.inputs).toMatchObject({
      accessPolicyName: "Data Reader",
      objectId: identity.outputs.principalId,
      cacheName: one("azure-native:redis:Redis").inputs.name,
    });
  });

  it("grants a service without identity bindings on its app's own identity", () => {
    const jobs = app("functionapp,linux");
    const principalId = (jobs.outputs.identity as { principalId: string }).principalId;
    expect(rolesOf(principalId).filter(([role]) => String(role).startsWith("Search"))).toEqual([
      ["Search Index Data Reader", one("azure-native:search:Service").outputs.id],
    ]);
    expect(settingsOf(jobs).SEARCH_ENDPOINT).toBe(
      `https://${one("azure-native:search:Service").outputs.name}.search.windows.net`,
    );
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
    expect(ofType("azure-native:dbforpostgresql:AdministratorsMicrosoftEntra").map((a) => a.inputs.objectId)).toEqual([
      ADMIN.objectId,
    ]);
    const identity = serviceIdentity();
    const user = String(identity.inputs.resourceName);
    const steps = plan.outputs.databaseUsers as Array<{
      service: string;
      engine: string;
      server: string;
      database: string;
      user: string;
      statements: string[];
    }>;
    expect(steps.map(({ service, engine, database }) => [service, engine, database])).toEqual([
      ["web", "sql", "orders"],
      ["web", "postgresql", "chat"],
      ["web", "mysql", "shop"],
    ]);
    expect(steps.every((step) => step.user === user)).toBe(true);
    expect(steps[0]!.server).toBe(one("azure-native:sql:Server").outputs.fullyQualifiedDomainName);
    expect(steps[0]!.statements).toEqual([
      `CREATE USER [${user}] FROM EXTERNAL PROVIDER;`,
      `ALTER ROLE db_datareader ADD MEMBER [${user}];`,
    ]);
    expect(steps[1]!.statements).toContain(`SELECT * FROM pgaadauth_create_principal('${user}', false, false);`);
    expect(steps[1]!.statements).toContain(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "${user}";`,
    );
    expect(steps[2]!.statements).toEqual([
      `CREATE AADUSER '${user}' IDENTIFIED BY '${identity.outputs.clientId}';`,
      `GRANT SELECT ON \`shop\`.* TO '${user}';`,
    ]);
  });
});

describe("bindings to services the stack does not declare", () => {
  const refusals = async (manifest: Record<string, unknown>, raw: Record<string, string>) => {
    const error = await loadHostedServices(
      project([{ name: "svc", kind: "web-app", entry: "src/index.ts", ...manifest }]),
      loadConfig(raw, { stack: "dev" }),
      "dev",
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain("Pulumi.dev.yaml");
    return (error as ConfigError).problems.map((p) => `${p.key} ${p.message}`);
  };
  const identity = { settings: [setting("AZURE_CLIENT_ID", "identity.clientId")] };

  it("are refused before anything is declared, each naming the manifest and the stack key", async () => {
    const everything = { ...WEB, name: "svc", settings: identity.settings };
    const problems = await refusals(everything, {
      ...DEV,
      "estate:data": JSON.stringify({ redis: { enabled: false } }),
    });
    const who = "service svc (services/svc/manifest.json)";
    expect(problems).toEqual([
      `estate:data.redis.enabled ${who} binds Redis, which this stack leaves out; set it true or host another service`,
      `estate:data.sql.enabled ${who} binds Azure SQL, which this stack leaves out; set it true or remove the binding`,
      `estate:data.postgresql.enabled ${who} binds PostgreSQL, which this stack leaves out; set it true or remove the binding`,
      `estate:data.mysql.enabled ${who} binds MySQL, which this stack leaves out; set it true or remove the binding`,
      `estate:platform.search.enabled ${who} binds AI Search, which this stack leaves out; set it true or host another service`,
      `estate:platform.openAi.enabled ${who} binds Azure OpenAI, which this stack leaves out; set it true or host another service`,
      `estate:platform.realtime.enabled ${who} binds SignalR Service, which this stack leaves out; set it true (kind signalR) or host another service`,
      `estate:platform.appConfiguration.enabled ${who} binds App Configuration, which this stack leaves out; set it true or host another service`,
    ]);
  });

  it("refuse a database or model deployment the stack does not declare, and the other real-time kind", async () => {
    const problems = await refusals(
      {
        ...identity,
        sql: { database: "billing", access: "read" },
        postgresql: { database: "chats", access: "read" },
        openAi: { deployments: ["chat", "embeddings"] },
        webPubSub: {},
      },
      BOUND,
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^estate:data\.sql\.databases service svc .* binds Azure SQL database "billing", which the stack does not declare \(it declares orders\)$/,
      ),
      expect.stringMatching(
        /^estate:data\.postgresql\.databases .* binds PostgreSQL database "chats", .*\(it declares chat\)$/,
      ),
      expect.stringMatching(
        /^estate:platform\.openAi\.deployments .* binds model deployment "embeddings", which the stack does not declare \(it declares chat\)$/,
      ),
      expect.stringMatching(
        /^estate:platform\.realtime\.kind .* binds Web PubSub, but the stack's real-time service is signalR/,
      ),
    ]);
  });
});

describe("a function app bound to Web PubSub and a container bound to PostgreSQL", () => {
  let plan: Plan;
  beforeAll(async () => {
    const config = {
      ...DEV,
      "estate:hosts": JSON.stringify({ registry: { enabled: true } }),
      "estate:data": JSON.stringify({ postgresql: { enabled: true, admin: ADMIN, databases: ["events"] } }),
      "estate:platform": JSON.stringify({ realtime: { enabled: true, kind: "webPubSub" } }),
    };
    const hub = {
      name: "hub",
      kind: "function-app",
      entry: "src/index.ts",
      webPubSub: {},
      settings: [setting("WEBPUBSUB_ENDPOINT", "webPubSub.endpoint")],
    };
    const events = {
      name: "events",
      kind: "container",
      image: "events:1.0.0",
      port: 8080,
      postgresql: { database: "events", access: "readwrite" },
      settings: [
        setting("AZURE_CLIENT_ID", "identity.clientId"),
        setting("PGHOST", "postgresql.host"),
        setting("PGUSER", "postgresql.user"),
      ],
    };
    plan = await planConfig({ projectDir: project([hub, events]), stack: "dev", config, secretKeys: [] });
  }, 120_000);
  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);

  it("gives the function app Web PubSub Service Owner on that service and its endpoint, with no identity of its own", () => {
    const [service] = ofType("azure-native:webpubsub:WebPubSub");
    const [site] = ofType("azure-native:web:WebApp");
    const principalId = (site!.outputs.identity as { principalId: string }).principalId;
    const grants = ofType("azure-native:authorization:RoleAssignment").filter(
      (r) => r.inputs.principalId === principalId && r.inputs.scope === service!.outputs.id,
    );
    expect(grants.map((g) => g.inputs.roleDefinitionId)).toEqual([
      expect.stringMatching(new RegExp(`/${BUILT_IN_ROLES["Web PubSub Service Owner"]}$`)),
    ]);
    const settings = (site!.inputs.siteConfig as { appSettings: Array<{ name: string; value: string }> }).appSettings;
    expect(settings.find((s) => s.name === "WEBPUBSUB_ENDPOINT")?.value).toBe(`https://${service!.outputs.hostName}`);
    expect(site!.inputs.identity).toEqual({ type: "SystemAssigned" });
  });

  it("runs the container as its service identity, which pulls its image and is its PostgreSQL user", () => {
    const identities = ofType("azure-native:managedidentity:UserAssignedIdentity");
    expect(identities.map((r) => String(r.inputs.resourceName))).toEqual([expect.stringMatching(/^id-.*-events$/)]);
    const identity = identities[0]!;
    const [app] = ofType("azure-native:app:ContainerApp");
    expect(app!.inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identity.outputs.id] });
    expect((app!.inputs.configuration as any).registries).toEqual([
      { server: expect.any(String), identity: identity.outputs.id },
    ]);
    const acrPull = ofType("azure-native:authorization:RoleAssignment").filter((r) =>
      String(r.inputs.roleDefinitionId).endsWith(BUILT_IN_ROLES.AcrPull!),
    );
    expect(acrPull.map((r) => r.inputs.principalId)).toEqual([identity.outputs.principalId]);
    const env = Object.fromEntries(
      ((app!.inputs.template as any).containers[0].env as Array<{ name: string; value: string }>).map((e) => [
        e.name,
        e.value,
      ]),
    );
    expect(env).toEqual({
      AZURE_CLIENT_ID: identity.outputs.clientId,
      PGHOST: ofType("azure-native:dbforpostgresql:Server")[0]!.outputs.fullyQualifiedDomainName,
      PGUSER: identity.inputs.resourceName,
    });
    const steps = plan.outputs.databaseUsers as Array<{ service: string; engine: string; user: string }>;
    expect(steps.map(({ service, engine, user }) => [service, engine, user])).toEqual([
      ["events", "postgresql", identity.inputs.resourceName],
    ]);
  });
});
