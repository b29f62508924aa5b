// The whole local environment: emulators, broker and dev issuer on loopback, data provisioned
// from the manifests, app settings resolved from the manifests the way the estate resolves them in
// Azure (plus the development-only keys), and the services in the local Functions host.
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CosmosClient } from "@azure/cosmos";
import { BlobServiceClient } from "@azure/storage-blob";
import { createApiDependencies, createApiFunctions } from "../api/src/functions.js";
import { loadApiConfig } from "../api/src/config.js";
import type { FunctionSet } from "../shared/functions.js";
import { silentLogger, type Logger } from "../shared/log.js";
import { loadManifests, unhandledSettingSource, type LoadedManifest } from "../manifest.js";
import { createWorkerDependencies, createWorkerFunctions } from "../worker/src/functions.js";
import { loadWorkerConfig } from "../worker/src/config.js";
import { startBlobEmulator, startCosmosEmulator, type BlobEmulator, type CosmosEmulator } from "./emulators.js";
import { startLocalHost, type LocalHost } from "./host.js";
import { startTcpProxy, type TcpProxy } from "./proxy.js";
import { start as startServiceBus, type QueueOptions } from "./servicebus/index.js";
import { stackQueues } from "./stack-queues.js";
import { startDevIssuer, type DevIssuer } from "./token.js";

export const SERVICES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

type Settings = Record<string, string | undefined>;

/** Builds a service's functions from its settings; one entry per service folder. */
const services: Record<string, (settings: Settings, log: Logger) => { functions: FunctionSet; close(): Promise<void> }> = {
  api: (settings, log) => {
    const deps = createApiDependencies(loadApiConfig(settings, log), log);
    return { functions: createApiFunctions(deps), close: () => deps.data.close() };
  },
  worker: (settings, log) => {
    const deps = createWorkerDependencies(loadWorkerConfig(settings, log), log);
    return { functions: createWorkerFunctions(deps), close: () => deps.data.close() };
  },
};

export interface LocalEnvironmentOptions {
  log?: Logger;
  /** Progress lines for humans (npm run dev). */
  progress?: (step: string) => void;
  /** Services to host at start; others can be started later with startHost. Default: all. */
  services?: string[];
  apiPort?: number;
  /** The stack whose queues the broker serves (default: dev). */
  stack?: string;
  /** Applied to every queue, e.g. short locks in tests. */
  queueOverrides?: Partial<Omit<QueueOptions, "name">>;
  /** Extra or replaced app settings for every service, e.g. a small MAX_UPLOAD_BYTES. */
  settings?: Settings;
  maxConcurrentCalls?: number;
  /** An already running Cosmos DB endpoint (another emulator, another thread) instead of starting one. */
  cosmos?: Omit<CosmosEmulator, "stop" | "port">;
  /** Puts a TCP proxy in front of Cosmos DB, Blob and Service Bus so that tests can cut them. */
  proxies?: boolean;
}

export type Dependency = "cosmos" | "blob" | "servicebus";

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
  /** With options.proxies: the services reach each dependency through these. */
  proxies?: Record<Dependency, TcpProxy>;
  stop(): Promise<void>;
}

/** The same URL or connection string with its port (the first after `host:`) replaced. */
const withPort = (text: string, port: number) => text.replace(/(\/\/(?:127\.0\.0\.1|localhost)):\d+/g, `$1:${port}`);

export async function startLocalEnvironment(options: LocalEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const log = options.log ?? silentLogger;
  const progress = options.progress ?? (() => {});
  const stack: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stack.splice(0).reverse()) await stop().catch((error: unknown) => log("warn", "stop failed", { error: String(error) }));
  };

  try {
    const manifests = await loadManifests(SERVICES_DIR);
    const queues = stackQueues(path.resolve(SERVICES_DIR, ".."), options.stack).map((queue) => ({ ...queue, ...options.queueOverrides }));

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

    progress("provisioning containers from the manifests");
    await provision(manifests, cosmos, blob);

    let proxies: Record<Dependency, TcpProxy> | undefined;
    let reach = { blob, cosmos, serviceBus };
    if (options.proxies) {
      const started = await Promise.all([Number(new URL(cosmos.endpoint).port), blob.port, serviceBus.port].map(startTcpProxy));
      proxies = { cosmos: started[0], blob: started[1], servicebus: started[2] };
      for (const proxy of started) stack.push(proxy.stop);
      reach = {
        blob: { ...blob, endpoint: withPort(blob.endpoint, proxies.blob.port), connectionString: withPort(blob.connectionString, proxies.blob.port) },
        cosmos: { ...cosmos, endpoint: withPort(cosmos.endpoint, proxies.cosmos.port) },
        serviceBus: { ...serviceBus, connectionString: withPort(serviceBus.connectionString, proxies.servicebus.port) },
      };
    }

    const settingsFor = (service: string): Settings => {
      const manifest = manifests.find((m) => m.name === service);
      if (!manifest) throw new Error(`no manifest for service ${service}`);
      return {
        ...Object.fromEntries(manifest.settings.map((s) => [s.name, resolveSetting(s, manifest, { blob: reach.blob, cosmos: reach.cosmos, issuer, queues })])),
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
      const serviceHost: ServiceHost = { url: host.url, services: serviceNames, stop: ended(host.stop), kill: ended(host.kill), runTimers: host.runTimers };
      hosts.push(serviceHost);
      stack.push(serviceHost.stop);
      return serviceHost;
    };

    const initial = options.services ?? Object.keys(services);
    progress(`starting the local Functions host (${initial.join(", ")})`);
    const first = await startHost(initial, options.apiPort);
    return { url: first.url, issuer, blob, cosmos, serviceBus, queues, manifests, settingsFor, startHost, hosts, proxies, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface ResolveContext {
  blob: BlobEmulator;
  cosmos: LocalEnvironment["cosmos"];
  issuer: DevIssuer;
  queues: QueueOptions[];
}

/** The local answer to each `from` source of a manifest setting. */
function resolveSetting(setting: LoadedManifest["settings"][number], manifest: LoadedManifest, ctx: ResolveContext): string | undefined {
  const queue = () => ctx.queues.find((q) => q.name === setting.value);
  switch (setting.from) {
    case "cosmos.endpoint": return ctx.cosmos.endpoint;
    case "cosmos.database": return manifest.cosmos[0]?.database;
    case "storage.blobEndpoint": return ctx.blob.endpoint;
    case "auth.issuer": return ctx.issuer.issuer;
    case "auth.audience": return ctx.issuer.audience;
    case "auth.jwksUri": return ctx.issuer.jwksUri;
    case "servicebus.queue": return setting.value;
    case "servicebus.maxDeliveryCount": return queue()?.maxDeliveryCount?.toString();
    case "literal": return setting.value;
    // Derived from the secret's name: the same on every local host and after a restart (a cursor
    // issued by one instance pages on another). A development value, not a secret.
    case "keyVault.generatedSecret": return createHash("sha256").update(`estate local secret ${setting.value}`).digest("hex");
    // The operator's value lives only in the stack config and Key Vault: locally the developer
    // supplies their own (a test key) under the setting's name in the environment, or it stays unset.
    case "keyVault.secret": return process.env[setting.name];
    // Azure-only: locally the connection string, no managed identity or App Insights, and no
    // gateway moving the caller's token (the service reads Authorization).
    case "servicebus.fullyQualifiedNamespace":
    case "gateway.callerTokenHeader":
    case "identity.clientId":
    case "appInsights.connectionString":
      return undefined;
    default: return unhandledSettingSource(setting.from);
  }
}

/** Creates what the estate creates in Azure: databases, containers, blob containers. */
async function provision(manifests: LoadedManifest[], cosmos: LocalEnvironment["cosmos"], blob: BlobEmulator): Promise<void> {
  const client = new CosmosClient({ endpoint: cosmos.endpoint, key: cosmos.key, connectionPolicy: { enableEndpointDiscovery: false } });
  try {
    for (const spec of manifests.flatMap((m) => m.cosmos)) {
      const { database } = await client.databases.createIfNotExists({ id: spec.database });
      await database.containers.createIfNotExists({ id: spec.container, partitionKey: { paths: [spec.partitionKey] }, defaultTtl: spec.defaultTtlSeconds });
    }
  } finally {
    client.dispose();
  }
  const blobService = BlobServiceClient.fromConnectionString(blob.connectionString);
  for (const name of new Set(manifests.flatMap((m) => m.blobContainers.map((c) => c.name)))) {
    await blobService.getContainerClient(name).createIfNotExists();
  }
}
