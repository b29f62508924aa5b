// Bench servers, one per worker thread so that nothing shares an event loop with the load
// generator or with each other: `cosmos` runs the Cosmos DB emulator, `api` the rest of the local
// environment with the API host, pointed at that emulator.
import { parentPort, workerData } from "node:worker_threads";
import { startCosmosEmulator, type CosmosEmulator } from "../../services/local/emulators.js";
import { startStackEnvironment } from "../../stacks/local.js";

export type ServerRole = { role: "cosmos" } | { role: "api"; cosmos: { endpoint: string; key: string } };

export interface CosmosServer {
  endpoint: string;
  key: string;
}

export interface ApiServer {
  url: string;
  database: string;
  token: string;
  /** The API's app settings, for the bench to build the same handlers in its own thread. */
  settings: Record<string, string | undefined>;
}

const request = workerData as ServerRole;
let stop: () => Promise<void>;
if (request.role === "cosmos") {
  const emulator: CosmosEmulator = await startCosmosEmulator();
  stop = emulator.stop;
  parentPort!.postMessage({ endpoint: emulator.endpoint, key: emulator.key } satisfies CosmosServer);
} else {
  const env = await startStackEnvironment({ services: ["api"], cosmos: request.cosmos });
  stop = env.stop;
  parentPort!.postMessage({
    url: env.url,
    database: env.settingsFor("api").COSMOS_DATABASE!,
    token: await env.issuer.sign({ org_id: "bench-tenant", role: "writer", expires_in: 3600 }),
    settings: env.settingsFor("api"),
  } satisfies ApiServer);
}
parentPort!.once("message", () => void stop().then(() => process.exit(0)));
