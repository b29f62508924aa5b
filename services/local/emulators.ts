// In-process emulators for local development and tests, always bound to loopback.
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { createHttpServer as createCosmosServer } from "@vercel/cosmosdb-server";
import BlobServerModule from "azurite/dist/src/blob/BlobServer.js";
import BlobConfigurationModule from "azurite/dist/src/blob/BlobConfiguration.js";
import { MemoryExtentChunkStore } from "azurite/dist/src/common/persistence/MemoryExtentStore.js";

export const LOOPBACK = "127.0.0.1";

export interface Emulator {
  port: number;
  stop(): Promise<void>;
}

export interface BlobEmulator extends Emulator {
  endpoint: string;
  connectionString: string;
}

export interface CosmosEmulator extends Emulator {
  endpoint: string;
  key: string;
}

/** Azurite's well-known development account (public, documented by Microsoft). */
const AZURITE_ACCOUNT = "devstoreaccount1";
const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

// azurite is CommonJS with `exports.default`.
const unwrap = <T>(module: T | { default: T }): T => (module as { default?: T }).default ?? (module as T);
const BlobServer = unwrap(BlobServerModule);
const BlobConfiguration = unwrap(BlobConfigurationModule);

/** Azurite's Blob service with in-memory persistence: nothing is written to disk. */
export async function startBlobEmulator(port = 0): Promise<BlobEmulator> {
  const memoryLimit = 512 * 1024 * 1024;
  // Positional constructor: host, port, keep-alive, two metadata paths (unused in memory), persistence
  // array, access log on/off + stream, debug log on/off + path, loose, skipApiVersionCheck, cert,
  // key, pwd, oauth, disableProductStyleUrl, isMemoryPersistence, memory store.
  const config = new BlobConfiguration(
    LOOPBACK,
    port,
    undefined,
    "__blob_meta__",
    "__blob_extents__",
    undefined,
    false,
    undefined,
    false,
    undefined,
    false,
    true,
    "",
    "",
    "",
    undefined,
    false,
    true,
    new MemoryExtentChunkStore(memoryLimit),
  );
  const server = new BlobServer(config);
  await server.start();
  const actualPort = (server as unknown as { httpServer: Server }).httpServer.address() as AddressInfo;
  const endpoint = `http://${LOOPBACK}:${actualPort.port}/${AZURITE_ACCOUNT}`;
  return {
    port: actualPort.port,
    endpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${endpoint};`,
    stop: async () => {
      await server.close();
      await server.clean();
    },
  };
}

/**
 * The emulator's query engine (@zeit/cosmosdb-query) turns each query into JavaScript and compiled
 * that text with `new Function` on every execution: the same query never ran as optimised code and
 * most of a list request's time went to compiling it again. Same engine, same results; each
 * distinct query text is compiled once.
 */
function compileQueriesOnce(): void {
  const require = createRequire(createRequire(import.meta.url).resolve("@vercel/cosmosdb-server"));
  const engine = (module: string) => require(`@zeit/cosmosdb-query/lib/${module}`);
  const executor = engine("executor");
  if (executor.compiledOnce) return;
  const [aggregateFunctions, builtinFunctions, helpers] = ["aggregate-functions", "builtin-functions", "helpers"].map(
    engine,
  );
  const compiled = new Map<string, (...args: unknown[]) => unknown>();
  executor.default = (collection: unknown, options: CompiledQueryOptions) => {
    const { code, parameters = [], udf = {}, maxItemCount, continuation, compositeIndexes } = options;
    let execute = compiled.get(code);
    if (!execute) {
      execute = new Function(`"use strict";return (${code})`)() as (...args: unknown[]) => unknown;
      compiled.set(code, execute);
    }
    const params = Object.fromEntries(parameters.map(({ name, value }) => [name.slice(1), value]));
    return execute(
      aggregateFunctions,
      builtinFunctions,
      collection,
      helpers,
      udf,
      params,
      maxItemCount,
      continuation,
      compositeIndexes,
    );
  };
  executor.compiledOnce = true;
}

interface CompiledQueryOptions {
  code: string;
  parameters?: Array<{ name: string; value: unknown }>;
  udf?: Record<string, unknown>;
  maxItemCount?: number;
  continuation?: unknown;
  compositeIndexes?: unknown;
}

/**
 * @vercel/cosmosdb-server over plain HTTP on loopback: @azure/cosmos 4 accepts an http endpoint, so
 * no self-signed certificate has to be trusted and TLS verification stays on everywhere.
 */
export async function startCosmosEmulator(port = 0): Promise<CosmosEmulator> {
  compileQueriesOnce();
  const server = createCosmosServer({ keepAlive: true } as Parameters<typeof createCosmosServer>[0]);
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, LOOPBACK, resolve));
  const actualPort = (server.address() as AddressInfo).port;
  return {
    port: actualPort,
    endpoint: `http://${LOOPBACK}:${actualPort}`,
    // The emulator accepts any key; this one only has to look like a Cosmos key.
    key: Buffer.from("estate-local-cosmos-emulator-key").toString("base64"),
    stop: () => closeServer(server),
  };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
