// The whole local environment: emulators, broker and dev issuer on loopback, real Redis and
// PostgreSQL servers when a hosted service binds them (./servers.ts), data provisioned from the
// manifests, app settings resolved from the manifests the way the estate resolves them in Azure
// (plus the development-only keys), the Functions apps in the local Functions host and each web
// app on a server of its own.
import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { createApiDependencies, createApiFunctions } from "../api/src/functions.js";
import { loadApiConfig } from "../api/src/config.js";
import { CHATLINGS_SCHEMA, createChatData } from "../chatlings-web/src/chat.js";
import { loadChatlingsConfig } from "../chatlings-web/src/config.js";
import { chatlingsServer } from "../chatlings-web/src/server.js";
import type { FunctionSet } from "../shared/functions.js";
import { silentLogger, type Logger } from "../shared/log.js";
import { loadManifests, type LoadedManifest } from "../manifest.js";
import { resolveSetting, type ManifestSetting } from "../settings.js";
import { createWorkerDependencies, createWorkerFunctions } from "../worker/src/functions.js";
import { loadWorkerConfig } from "../worker/src/config.js";
import {
  closeServer,
  LOOPBACK,
  startBlobEmulator,
  startCosmosEmulator,
  type BlobEmulator,
  type CosmosEmulator,
} from "./emulators.js";
import { startLocalHost, type LocalHost } from "./host.js";
import { startTcpProxy, type TcpProxy } from "./proxy.js";
import {
  provisionPostgresDatabase,
  startPostgresServer,
  startRedisServer,
  type PostgresServer,
  type RedisServer,
} from "./servers.js";
import { start as startServiceBus, type QueueOptions } from "./servicebus/index.js";
import { startDevIssuer, type DevIssuer } from "./token.js";

export const SERVICES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

type Settings = Record<string, string | undefined>;

/** Builds a service's functions from its settings; one entry per service folder. */
const services: Record<
  string,
  (settings: Settings, log: Logger) => { functions: FunctionSet; close(): Promise<void> }
> = {
  api: (settings, log) => {
    const deps = createApiDependencies(loadApiConfig(settings, log), log);
    return { functions: createApiFunctions(deps), close: () => deps.data.close() };
  },
  worker: (settings, log) => {
    const deps = createWorkerDependencies(loadWorkerConfig(settings, log), log);
    return { functions: createWorkerFunctions(deps), close: () => deps.data.close() };
  },
};

/**
 * Web apps: a Node HTTP server each, on a port of its own. `postgresqlSchema` is the service's
 * tables: its role may only read and write rows (as its binding grants in Azure), so the
 * environment creates them as the database's owner.
 */
const webApps: Record<
  string,
  { start(settings: Settings, log: Logger): { server: Server; close(): Promise<void> }; postgresqlSchema?: string }
> = {
  "chatlings-web": {
    start: (settings, log) => {
      const data = createChatData(loadChatlingsConfig(settings, log), log);
      return { server: chatlingsServer({ data, log }), close: () => data.close() };
    },
    postgresqlSchema: CHATLINGS_SCHEMA,
  },
};

/** Every service the local environment can run: `npm run dev` hosts them all. */
export const LOCAL_SERVICES = [...Object.keys(services), ...Object.keys(webApps)];

/**
 * The local host runs the Node services' handlers in-process; a Python app needs the Functions
 * Python worker or its own server and its requirements installed, which the estate does not set up.
 */
export function notHostedLocally(python: LoadedManifest[]): string {
  return `${python.map((m) => `services/${m.name}/manifest.json`).join(", ")}: runtime python: the local environment hosts Node services only; run a Python app with Azure Functions Core Tools (func start) or its own server`;
}

export interface LocalEnvironmentOptions {
  log?: Logger;
  /** Progress lines for humans (npm run dev). */
  progress?: (step: string) => void;
  /**
   * Services to host at start: Functions apps share one local Functions host, each web app gets a
   * server of its own. Default: the Functions apps (api, worker); LOCAL_SERVICES lists them all.
   * Redis and PostgreSQL start only when a service listed here binds them.
   */
  services?: string[];
  apiPort?: number;
  /**
   * The queues the broker serves: the stack's (stacks/local.ts reads them from its config), so that
   * lock duration, TTL and max delivery count are Azure's.
   */
  queues: QueueOptions[];
  /** Applied to every queue, e.g. short locks in tests. */
  queueOverrides?: Partial<Omit<QueueOptions, "name">>;
  /** Extra or replaced app settings for every service, e.g. a small MAX_UPLOAD_BYTES. */
  settings?: Settings;
  maxConcurrentCalls?: number;
  /** An already running Cosmos DB endpoint (another emulator, another thread) instead of starting one. */
  cosmos?: Omit<CosmosEmulator, "stop" | "port">;
  /** Puts a TCP proxy in front of Cosmos DB, Blob and Service Bus (and Redis and PostgreSQL when started) so that tests can cut them. */
  proxies?: boolean;
}

export type Dependency = "cosmos" | "blob" | "servicebus";
export type ServerDependency = "redis" | "postgresql";

export interface WebAppHost {
  name: string;
  /** e.g. http://127.0.0.1:43121 (routes are under /api/v1). */
  url: string;
  stop(): Promise<void>;
}

export interface ServiceHost extends LocalHost {
  services: string[];
}

export interface LocalEnvironment {
  /** Base URL of the first host, e.g. http://127.0.0.1:7071 (routes are under /api/v1). */
  url: string;
  issuer: DevIssuer;
  blob: BlobEmulator;
  cosmos: Omit<CosmosEmulator, "port">;
  serviceBus: { connectionString: string; stop(): Promise<void> };
  queues: QueueOptions[];
  manifests: LoadedManifest[];
  /** The app settings of a service, as the local host gives them. */
  settingsFor(service: string): Settings;
  /** Hosts more services in a new host (a second instance, or the worker after a crash). */
  startHost(serviceNames: string[], port?: number): Promise<ServiceHost>;
  hosts: ServiceHost[];
  /** The web apps listed in options.services, by name. */
  webApps: Record<string, WebAppHost>;
  /** Running when a hosted service binds Redis (options.services). */
  redis?: RedisServer;
  /** Running when a hosted service binds PostgreSQL; `superuser` reads every database. */
  postgresql?: PostgresServer;
  /** With options.proxies: the services reach each dependency through these. */
  proxies?: Record<Dependency, TcpProxy> & Partial<Record<ServerDependency, TcpProxy>>;
  stop(): Promise<void>;
}

/** Redis' built-in user (https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/): no password on the local server. */
const LOCAL_REDIS_USER = "default";

/** The same URL or connection string with its port (the first after `host:`) replaced. */
const withPort = (text: string, port: number) => text.replace(/(\/\/(?:127\.0\.0\.1|localhost)):\d+/g, `$1:${port}`);

export async function startLocalEnvironment(options: LocalEnvironmentOptions): Promise<LocalEnvironment> {
  const log = options.log ?? silentLogger;
  const progress = options.progress ?? (() => {});
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse())
      await stop().catch((error: unknown) => log("warn", "stop failed", { error: String(error) }));
  };

  try {
    const manifests = await loadManifests(SERVICES_DIR);
    const initial = options.services ?? Object.keys(services);
    const python = manifests.filter((m) => m.runtime === "python" && initial.includes(m.name));
    if (python.length > 0) throw new Error(notHostedLocally(python));
    const unknown = initial.filter((name) => !LOCAL_SERVICES.includes(name));
    if (unknown.length > 0)
      throw new Error(`unknown service ${unknown.join(", ")}: the local environment runs ${LOCAL_SERVICES.join(", ")}`);
    const hosted = manifests.filter((m) => initial.includes(m.name));
    const queues = options.queues.map((queue) => ({ ...queue, ...options.queueOverrides }));

    progress("starting Azurite (Blob)");
    const blob = await startBlobEmulator();
    stack.push(blob.stop);
    let cosmos: LocalEnvironment["cosmos"];
    if (options.cosmos) {
      cosmos = { ...options.cosmos, stop: async () => {} };
    } else {
      progress("starting the Cosmos DB emulator");
      cosmos = await startCosmosEmulator();
      stack.push(cosmos.stop);
    }
    progress("starting the Service Bus broker");
    const serviceBus = await startServiceBus({ queues });
    stack.push(serviceBus.stop);
    progress("starting the development token issuer");
    const issuer = await startDevIssuer();
    stack.push(issuer.stop);

    let redis: RedisServer | undefined;
    if (hosted.some((m) => m.redis)) {
      progress("starting Redis");
      redis = await startRedisServer(progress);
      stack.push(redis.stop);
    }
    let postgresql: PostgresServer | undefined;
    if (hosted.some((m) => m.postgresql)) {
      progress("starting PostgreSQL");
      postgresql = await startPostgresServer(progress);
      stack.push(postgresql.stop);
    }

    progress("provisioning containers and databases from the manifests");
    await provision(manifests, cosmos, blob);
    for (const manifest of hosted) {
      if (manifest.postgresql)
        await provisionPostgresDatabase(postgresql!, {
          ...manifest.postgresql,
          role: manifest.name,
          schema: webApps[manifest.name]?.postgresqlSchema,
        });
    }

    let proxies: LocalEnvironment["proxies"];
    let reach = { blob, cosmos, serviceBus, redisPort: redis?.port, postgresqlPort: postgresql?.port };
    if (options.proxies) {
      const started = await Promise.all(
        [Number(new URL(cosmos.endpoint).port), blob.port, serviceBus.port].map(startTcpProxy),
      );
      const [redisProxy, postgresqlProxy] = await Promise.all(
        [redis?.port, postgresql?.port].map((port) => (port ? startTcpProxy(port) : undefined)),
      );
      proxies = {
        cosmos: started[0],
        blob: started[1],
        servicebus: started[2],
        redis: redisProxy,
        postgresql: postgresqlProxy,
      };
      for (const proxy of [...started, redisProxy, postgresqlProxy]) if (proxy) stack.push(proxy.stop);
      reach = {
        blob: {
          ...blob,
          endpoint: withPort(blob.endpoint, proxies.blob.port),
          connectionString: withPort(blob.connectionString, proxies.blob.port),
        },
        cosmos: { ...cosmos, endpoint: withPort(cosmos.endpoint, proxies.cosmos.port) },
        serviceBus: { ...serviceBus, connectionString: withPort(serviceBus.connectionString, proxies.servicebus.port) },
        redisPort: redisProxy?.port,
        postgresqlPort: postgresqlProxy?.port,
      };
    }

    const settingsFor = (service: string): Settings => {
      const manifest = manifests.find((m) => m.name === service);
      if (!manifest) throw new Error(`no manifest for service ${service}`);
      return {
        ...Object.fromEntries(
          manifest.settings.map((s) => [
            s.name,
            resolveLocalSetting(s, manifest, {
              blob: reach.blob,
              cosmos: reach.cosmos,
              issuer,
              queues,
              redisPort: reach.redisPort,
              postgresqlPort: reach.postgresqlPort,
            }),
          ]),
        ),
        APP_ENV: "development",
        COSMOS_KEY: cosmos.key,
        BLOB_CONNECTION_STRING: reach.blob.connectionString,
        SERVICEBUS: reach.serviceBus.connectionString,
        ...options.settings,
      };
    };

    const hosts: ServiceHost[] = [];
    const startHost = async (serviceNames: string[], port?: number): Promise<ServiceHost> => {
      const built = serviceNames.map((name) => {
        const build = services[name];
        if (!build) throw new Error(`unknown service ${name}`);
        return build(settingsFor(name), log);
      });
      const host = await startLocalHost({
        functions: built.map((b) => b.functions),
        // Each service reads its own settings; the host only needs the trigger bindings' ones.
        settings: Object.assign({}, ...serviceNames.map(settingsFor)),
        log,
        port,
        maxConcurrentCalls: options.maxConcurrentCalls,
      });
      const ended = (end: () => Promise<void>) => async () => {
        if (!hosts.includes(serviceHost)) return;
        hosts.splice(hosts.indexOf(serviceHost), 1);
        await end();
        await Promise.all(built.map((b) => b.close()));
      };
      const serviceHost: ServiceHost = {
        url: host.url,
        services: serviceNames,
        stop: ended(host.stop),
        kill: ended(host.kill),
        runTimers: host.runTimers,
      };
      hosts.push(serviceHost);
      stack.push(serviceHost.stop);
      return serviceHost;
    };

    const functionApps = initial.filter((name) => name in services);
    progress(`starting the local Functions host (${functionApps.join(", ") || "no Functions app"})`);
    const first = await startHost(functionApps, options.apiPort);
    const started: Record<string, WebAppHost> = {};
    for (const name of initial.filter((n) => n in webApps)) {
      progress(`starting the web app ${name}`);
      started[name] = await startWebApp(name, settingsFor(name), log);
      stack.push(started[name].stop);
    }
    return {
      url: first.url,
      issuer,
      blob,
      cosmos,
      serviceBus,
      queues,
      manifests,
      settingsFor,
      startHost,
      hosts,
      webApps: started,
      redis,
      postgresql,
      proxies,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function startWebApp(name: string, settings: Settings, log: Logger): Promise<WebAppHost> {
  const app = webApps[name].start(settings, log);
  try {
    await new Promise<void>((resolve, reject) => app.server.once("error", reject).listen(0, LOOPBACK, resolve));
  } catch (error) {
    await app.close();
    throw error;
  }
  return {
    name,
    url: `http://${LOOPBACK}:${(app.server.address() as AddressInfo).port}`,
    stop: async () => {
      await closeServer(app.server);
      await app.close();
    },
  };
}

export interface ResolveContext {
  blob: BlobEmulator;
  cosmos: LocalEnvironment["cosmos"];
  issuer: DevIssuer;
  queues: QueueOptions[];
  /** Set when the environment started the server (a hosted service binds it). */
  redisPort?: number;
  postgresqlPort?: number;
}

/** The local server a binding-backed setting needs; it runs whenever a hosted service has the binding. */
function localPort(port: number | undefined, manifest: LoadedManifest, server: string): number {
  if (port === undefined)
    throw new Error(
      `services/${manifest.name}/manifest.json: ${server} was not started: host ${manifest.name} from the start (options.services)`,
    );
  return port;
}

/** A manifest setting's local value: services/settings.ts resolves the sources every environment shares. */
export function resolveLocalSetting(
  setting: ManifestSetting,
  manifest: LoadedManifest,
  ctx: ResolveContext,
): string | undefined {
  // No server of these can run here (services/README.md, "Local development", says what to do
  // instead): a service that requires one cannot start locally, and no stand-in pretends otherwise.
  const unavailable = (s: ManifestSetting) => {
    // An optional one is left unset, as in an app that runs without it.
    if (!s.required) return undefined;
    throw new Error(
      `services/${manifest.name}/manifest.json: setting ${s.name}: not available locally: ${s.from} (services/README.md, "Local development", says why and what to do instead)`,
    );
  };
  return resolveSetting(setting, manifest, {
    queues: ctx.queues,
    // No gateway moves the caller's token locally: the service reads Authorization.
    callerTokenHeader: undefined,
    sources: {
      "cosmos.endpoint": () => ctx.cosmos.endpoint,
      "storage.blobEndpoint": () => ctx.blob.endpoint,
      "auth.issuer": () => ctx.issuer.issuer,
      "auth.audience": () => ctx.issuer.audience,
      "auth.jwksUri": () => ctx.issuer.jwksUri,
      // Derived from the secret's name: the same on every local host and after a restart (a cursor
      // issued by one instance pages on another). A development value, not a secret.
      "keyVault.generatedSecret": (s) => createHash("sha256").update(`estate local secret ${s.value}`).digest("hex"),
      // The operator's value lives only in the stack config and Key Vault: locally the developer
      // supplies their own (a test key) under the setting's name in the environment, or it stays unset.
      "keyVault.secret": (s) => process.env[s.name],
      // The real servers in ./servers.ts, on loopback, without a password: the client sends an Entra
      // token only to a host that is not loopback (shared/passwordless.ts).
      "redis.url": () => `redis://${LOOPBACK}:${localPort(ctx.redisPort, manifest, "Redis")}`,
      "redis.user": () => LOCAL_REDIS_USER,
      "postgresql.host": () => `${LOOPBACK}:${localPort(ctx.postgresqlPort, manifest, "PostgreSQL")}`,
      // The service's own role, with its binding's privileges (provisionPostgresDatabase).
      "postgresql.user": () => manifest.name,
      "sql.server": unavailable,
      "sql.database": unavailable,
      "mysql.host": unavailable,
      "mysql.database": unavailable,
      "mysql.user": unavailable,
      "search.endpoint": unavailable,
      "openai.endpoint": unavailable,
      "openai.deployment": unavailable,
      "signalr.endpoint": unavailable,
      "webPubSub.endpoint": unavailable,
      "appConfig.endpoint": unavailable,
      // Azure-only: locally the connection string and no managed identity.
      "servicebus.fullyQualifiedNamespace": () => undefined,
      "identity.clientId": () => undefined,
    },
  });
}

/** Creates what the estate creates in Azure: databases, containers, blob containers. */
async function provision(
  manifests: LoadedManifest[],
  cosmos: LocalEnvironment["cosmos"],
  blob: BlobEmulator,
): Promise<void> {
  const client = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  });
  try {
    for (const spec of manifests.flatMap((m) => m.cosmos)) {
      const { database } = await client.databases.createIfNotExists({ id: spec.database });
      await database.containers.createIfNotExists({
        id: spec.container,
        partitionKey: { paths: [spec.partitionKey] },
        defaultTtl: spec.defaultTtlSeconds,
      });
    }
  } finally {
    client.dispose();
  }
  const blobService = BlobServiceClient.fromConnectionString(blob.connectionString);
  for (const name of new Set(manifests.flatMap((m) => m.blobContainers.map((c) => c.name)))) {
    await blobService.getContainerClient(name).createIfNotExists();
  }
}
