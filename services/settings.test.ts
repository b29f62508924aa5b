// Every setting source, resolved for one sample service in Azure (stacks/services.ts) and in the
// local environment (local/environment.ts), against the dev stack's queues: each environment gives
// its own value of the same thing, and the sources the manifest decides give the same value in both.
import path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { CALLER_AUTHORIZATION_HEADER } from "../infra/gateway/policy-xml.js";
import { REDIS_TLS_PORT, serviceSettings, type SettingSources } from "../stacks/services.js";
import { stackQueues } from "../stacks/local.js";
import { resolveLocalSetting, type ResolveContext } from "./local/environment.js";
import { parseManifest, settingSources, SOURCE_BINDING, type LoadedManifest, type SettingSource } from "./manifest.js";
import { DEFAULT_MAX_DELIVERY_COUNT } from "./settings.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const queues = stackQueues(ROOT, "dev");
const documents = queues.find((q) => q.name === "document-processing")!;

/** Values each source needs in the manifest (the rest take none). */
const VALUES: Partial<Record<SettingSource, string>> = {
  literal: "on",
  "servicebus.queue": documents.name,
  "servicebus.maxDeliveryCount": documents.name,
  "keyVault.generatedSecret": "cursor-key",
  "keyVault.secret": "partner-key",
  "openai.deployment": "chat",
};
const settingName = (source: SettingSource) => source.replace(/\W/g, "_").toUpperCase();

const setting = (from: SettingSource) => ({ name: settingName(from), required: false, from, value: VALUES[from] });
const loaded = (json: object): LoadedManifest => ({
  ...parseManifest("services/sample/manifest.json", json),
  dir: "/services/sample",
});

/**
 * A service with every binding and one optional setting from each source, but Web PubSub's: a stack
 * has SignalR or Web PubSub as its real-time service, and `pubsub` is the same service on the other.
 */
const service = loaded({
  name: "sample",
  kind: "function-app",
  entry: "src/index.ts",
  routes: [{ methods: ["GET"], path: "/api/v1/things" }],
  queues: [{ name: documents.name, access: "receive" }],
  cosmos: [{ database: "appdb", container: "things", partitionKey: "/tenantId", access: "readwrite" }],
  redis: { access: "readwrite" },
  sql: { database: "appdb", access: "read" },
  postgresql: { database: "appdb", access: "readwrite" },
  mysql: { database: "appdb", access: "read" },
  search: { access: "read" },
  openAi: { deployments: ["chat"] },
  signalR: {},
  appConfig: {},
  settings: settingSources.filter((from) => from !== "webPubSub.endpoint").map(setting),
});
const pubsub = loaded({
  name: "sample",
  kind: "function-app",
  entry: "src/index.ts",
  webPubSub: {},
  settings: [setting("webPubSub.endpoint")],
});
const WEB_PUBSUB_ENDPOINT = "https://wps-sample.webpubsub.azure.com";

const azureSources: SettingSources = {
  cosmosEndpoint: "https://cosmos-sample.documents.azure.com:443/",
  blobEndpoint: "https://stsample.blob.core.windows.net/",
  serviceBusNamespace: "sbns-sample.servicebus.windows.net",
  tenantId: "11111111-2222-3333-4444-555555555555",
  audience: "api://sample",
  queues,
  behindGateway: true,
  generatedSecretUri: (name) => `https://kv-sample.vault.azure.net/secrets/${name}`,
  suppliedSecretUri: (name) => `https://kv-sample.vault.azure.net/secrets/${name}`,
  redisHostName: "redis-sample.redis.cache.windows.net",
  sqlServerFqdn: "sql-sample.database.windows.net",
  postgresqlFqdn: "psql-sample.postgres.database.azure.com",
  mysqlFqdn: "mysql-sample.mysql.database.azure.com",
  searchEndpoint: "https://srch-sample.search.windows.net",
  openAiEndpoint: "https://oai-sample.openai.azure.com/",
  realtime: { kind: "signalR", endpoint: "https://sigr-sample.service.signalr.net" },
  appConfigEndpoint: "https://appcs-sample.azconfig.io",
};
const identity = { name: "id-sample", principalId: "principal-1", clientId: "client-1" };

const local: ResolveContext = {
  blob: { endpoint: "http://127.0.0.1:10000/devstoreaccount1" } as ResolveContext["blob"],
  cosmos: { endpoint: "http://127.0.0.1:8081" } as ResolveContext["cosmos"],
  issuer: {
    issuer: "http://127.0.0.1:9000",
    audience: "estate-local",
    jwksUri: "http://127.0.0.1:9000/jwks",
  } as ResolveContext["issuer"],
  queues,
  redisPort: 6390,
  postgresqlPort: 5440,
};

const resolved = (value: unknown) =>
  pulumi.Output.isInstance(value) ? new Promise((resolve) => value.apply(resolve)) : Promise.resolve(value);

async function azureSettings(sources = azureSources, manifest = service): Promise<Record<string, unknown>> {
  const settings = serviceSettings(manifest, sources, identity);
  return Object.fromEntries(
    await Promise.all(Object.entries(settings).map(async ([name, value]) => [name, await resolved(value)])),
  );
}

const localSetting = (source: SettingSource, required = false) => {
  const manifest = source === "webPubSub.endpoint" ? pubsub : service;
  return resolveLocalSetting({ ...manifest.settings.find((s) => s.from === source)!, required }, manifest, local);
};

const entra = `https://login.microsoftonline.com/${azureSources.tenantId}`;
const kv = (name: string) => ({ keyVaultSecretUri: `https://kv-sample.vault.azure.net/secrets/${name}` });
const UNSET = undefined;

/** Each source's value in Azure and locally: a new source fails to compile here until it is listed. */
const EXPECTED: Record<SettingSource, { azure: unknown; local: unknown }> = {
  "cosmos.endpoint": { azure: azureSources.cosmosEndpoint, local: local.cosmos.endpoint },
  "cosmos.database": { azure: "appdb", local: "appdb" },
  "storage.blobEndpoint": { azure: azureSources.blobEndpoint, local: local.blob.endpoint },
  // Locally the services reach the broker by connection string (SERVICEBUS), not by namespace.
  "servicebus.fullyQualifiedNamespace": { azure: azureSources.serviceBusNamespace, local: UNSET },
  "servicebus.queue": { azure: documents.name, local: documents.name },
  "servicebus.maxDeliveryCount": {
    azure: String(documents.maxDeliveryCount),
    local: String(documents.maxDeliveryCount),
  },
  "identity.clientId": { azure: identity.clientId, local: UNSET },
  "appInsights.connectionString": { azure: UNSET, local: UNSET },
  "auth.issuer": { azure: `${entra}/v2.0`, local: local.issuer.issuer },
  "auth.audience": { azure: azureSources.audience, local: local.issuer.audience },
  "auth.jwksUri": { azure: `${entra}/discovery/v2.0/keys`, local: local.issuer.jwksUri },
  // Only a gateway moves the caller's token; locally none is in front of the service.
  "gateway.callerTokenHeader": { azure: CALLER_AUTHORIZATION_HEADER.toLowerCase(), local: UNSET },
  "keyVault.generatedSecret": { azure: kv("cursor-key"), local: expect.stringMatching(/^[0-9a-f]{64}$/) },
  "keyVault.secret": { azure: kv("partner-key"), local: "a developer's own key" },
  "redis.url": {
    azure: `rediss://${azureSources.redisHostName}:${REDIS_TLS_PORT}`,
    local: `redis://127.0.0.1:${local.redisPort}`,
  },
  "redis.user": { azure: identity.principalId, local: "default" },
  "sql.server": { azure: azureSources.sqlServerFqdn, local: UNSET },
  "sql.database": { azure: "appdb", local: UNSET },
  "postgresql.host": { azure: azureSources.postgresqlFqdn, local: `127.0.0.1:${local.postgresqlPort}` },
  "postgresql.database": { azure: "appdb", local: "appdb" },
  "postgresql.user": { azure: identity.name, local: service.name },
  "mysql.host": { azure: azureSources.mysqlFqdn, local: UNSET },
  "mysql.database": { azure: "appdb", local: UNSET },
  "mysql.user": { azure: identity.name, local: UNSET },
  "search.endpoint": { azure: azureSources.searchEndpoint, local: UNSET },
  "openai.endpoint": { azure: azureSources.openAiEndpoint, local: UNSET },
  "openai.deployment": { azure: "chat", local: UNSET },
  "signalr.endpoint": { azure: azureSources.realtime!.endpoint, local: UNSET },
  "webPubSub.endpoint": { azure: WEB_PUBSUB_ENDPOINT, local: UNSET },
  "appConfig.endpoint": { azure: azureSources.appConfigEndpoint, local: UNSET },
  literal: { azure: "on", local: "on" },
};
/** The bindings' sources no local server can serve: a service requiring one cannot start locally. */
const AZURE_ONLY_BINDINGS = settingSources.filter(
  (source) => SOURCE_BINDING[source] && EXPECTED[source].local === UNSET,
);

describe("setting sources in Azure and locally", () => {
  it("resolves every source in both environments to its corresponding value", async () => {
    process.env.KEYVAULT_SECRET = "a developer's own key";
    const azure = await azureSettings();
    const webPubSub = await azureSettings(
      { ...azureSources, realtime: { kind: "webPubSub", endpoint: WEB_PUBSUB_ENDPOINT } },
      pubsub,
    );
    for (const source of settingSources) {
      const name = settingName(source);
      const inAzure = source === "webPubSub.endpoint" ? webPubSub[name] : azure[name];
      expect({ source, azure: inAzure, local: localSetting(source) }).toEqual({ source, ...EXPECTED[source] });
    }
    delete process.env.KEYVAULT_SECRET;
  });

  it("gives a queue without its own max delivery count Service Bus's default, in both", async () => {
    const withoutCount = queues.map(({ maxDeliveryCount: _, ...queue }) => queue);
    const azure = await azureSettings({ ...azureSources, queues: withoutCount });
    const name = settingName("servicebus.maxDeliveryCount");
    expect(azure[name]).toBe(String(DEFAULT_MAX_DELIVERY_COUNT));
    const count = service.settings.find((s) => s.name === name)!;
    expect(resolveLocalSetting(count, service, { ...local, queues: withoutCount })).toBe(
      String(DEFAULT_MAX_DELIVERY_COUNT),
    );
  });

  it("refuses a queue the stack does not declare, in both", () => {
    const queue = { name: "OTHER_QUEUE", required: true, from: "servicebus.queue" as const, value: "other" };
    const other = { ...service, settings: [queue] };
    expect(() => serviceSettings(other, azureSources, identity)).toThrow('names queue "other"');
    expect(() => resolveLocalSetting(queue, other, local)).toThrow('names queue "other"');
  });

  it("refuses locally a required setting no local server can serve, naming it", () => {
    expect(AZURE_ONLY_BINDINGS).toContain("sql.server");
    for (const source of AZURE_ONLY_BINDINGS)
      expect(() => localSetting(source, true)).toThrow(
        `setting ${settingName(source)}: not available locally: ${source}`,
      );
  });
});
