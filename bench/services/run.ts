// Services bench, side by side in one run (results in bench/results/services.json):
// - queries, on a tenant seeded with SEEDED_EVENTS events and before any write: the local API over
//   HTTP with autocannon next to the same query through the Cosmos SDK;
// - the ingest handler's overhead: the registered `events-ingest` handler called in this thread, as
//   the Functions host calls it, against the same write made straight through the Cosmos SDK;
// - ingest over HTTP with autocannon, next to the SDK's writes.
// Eight connections keep the machine's two cores busy: the rates are the highest it reaches,
// and the percentiles are taken there. Bounded in count and time; the emulators run in
// worker threads of their own.
import { mkdtempSync } from "node:fs";
import { writeFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { CosmosClient } from "@azure/cosmos";
import functionsLibrary, { type HttpHandler } from "@azure/functions";
import autocannon from "autocannon";
import { build } from "esbuild";
import { SERVICE_BUILD } from "../../infra/compute/package.js";
import type { ApiServer, CosmosServer, ServerRole } from "./server.js";

const { HttpRequest, InvocationContext } = functionsLibrary;
const CONNECTIONS = 8;
// The emulator keeps items in memory and scans them, so it slows as it fills: counts stay modest.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000);
const MAX_SECONDS = 15;
const TARGETS = { p95Ms: 200, overheadRatio: 1.3 };
const TENANT = "bench-tenant";
/** Events in the queried tenant: queries run before any write is measured. */
const SEEDED_EVENTS = 1_000;

interface Samples {
  latencies: number[];
  errors: number;
  elapsedMs: number;
}

interface Measurement {
  requests: number;
  errors: number;
  throughputPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; mean: number };
}

function summarise(runs: Samples[]): Measurement {
  const sorted = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const errors = runs.reduce((n, r) => n + r.errors, 0);
  const elapsedMs = runs.reduce((n, r) => n + r.elapsedMs, 0);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return {
    requests: sorted.length,
    errors,
    throughputPerSecond: round((sorted.length / elapsedMs) * 1000),
    latencyMs: {
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    },
  };
}
// Microseconds: one-call latencies are fractions of a millisecond, and their ratio is the target.
const round = (n: number) => Math.round(n * 1000) / 1000;

/** One autocannon run; latencies come from its per-response events so percentiles match the SDK side. */
async function drive(options: autocannon.Options): Promise<Samples> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  let lastResponse = started;
  const instance = autocannon({
    connections: CONNECTIONS,
    amount: REQUESTS / 2,
    duration: MAX_SECONDS / 2,
    ...options,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 400) errors++;
    latencies.push(responseTime);
    lastResponse = performance.now();
  });
  const result = await instance;
  // Up to the last response: autocannon itself only finishes on its next one-second tick.
  return { latencies, errors: errors + result.errors + result.timeouts, elapsedMs: lastResponse - started };
}

/**
 * The same number of operations as autocannon, in this thread, `concurrency` at a time. `prepare`
 * runs before each operation's clock starts (the Functions host builds the request, not the handler).
 */
async function direct<T>(
  operation: (input: T) => Promise<unknown>,
  prepare: () => T,
  concurrency = CONNECTIONS,
): Promise<Samples> {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + (MAX_SECONDS / 2) * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started++ < REQUESTS / 2 && performance.now() < deadline) {
        const input = prepare();
        const begin = performance.now();
        await operation(input).then(
          (status) => typeof status === "number" && status >= 400 && errors++,
          () => errors++,
        );
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - t0 };
}

/** A-B-…-B-A, half the requests each time: the emulator slows as it fills, and no side should get the emptier one. */
async function sideBySide(...sides: Array<() => Promise<Samples>>): Promise<Measurement[]> {
  const samples = sides.map((): Samples[] => []);
  const order = [...sides.keys()];
  for (const side of [...order, ...order.reverse()]) samples[side].push(await sides[side]());
  return samples.map(summarise);
}

/** The API's handlers as deployed: bundled with the estate's build options, loaded by plain Node. */
async function deployedApi(): Promise<typeof import("./api-entry.js")> {
  const outfile = path.join(mkdtempSync(path.join(os.tmpdir(), "estate-bench-api-")), "api.cjs");
  await build({ ...SERVICE_BUILD, entryPoints: [new URL("./api-entry.ts", import.meta.url).pathname], outfile });
  return createRequire(import.meta.url)(outfile);
}

// A worker thread does not inherit tsx's loader, so its entry registers it before importing server.ts.
const serverUrl = new URL("./server.ts", import.meta.url).href;
const workers: Worker[] = [];
async function startServer<T>(role: ServerRole): Promise<T> {
  const worker = new Worker(
    `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(serverUrl)}); });`,
    { eval: true, workerData: role },
  );
  workers.push(worker);
  return new Promise<T>((resolve, reject) => worker.once("message", resolve).once("error", reject));
}

const cosmos = await startServer<CosmosServer>({ role: "cosmos" });
const api = await startServer<ApiServer>({ role: "api", cosmos });
try {
  const headers = { authorization: `Bearer ${api.token}`, "content-type": "application/json" };
  const url = `${api.url}/api/v1/events`;
  const event = {
    schema_version: 1,
    type: "bench.ingest",
    occurred_at: new Date().toISOString(),
    data: { page: "/home", ms: 42 },
  };
  const body = JSON.stringify(event);
  const container = new CosmosClient({
    endpoint: cosmos.endpoint,
    key: cosmos.key,
    connectionPolicy: { enableEndpointDiscovery: false },
  })
    .database(api.database)
    .container("events");
  const nothing = () => undefined;
  const storedEvent = () => ({
    id: crypto.randomUUID(),
    tenantId: TENANT,
    schemaVersion: 1,
    type: "bench.direct",
    occurredAt: event.occurred_at,
    receivedAt: new Date().toISOString(),
    data: event.data,
  });
  const createDirect = () => container.items.create(storedEvent());
  const writeDirect = (concurrency = CONNECTIONS) => direct(createDirect, nothing, concurrency);
  // The query the list handler runs for `?limit=25`, first page.
  const queryDirect = () =>
    direct(
      () =>
        container.items
          .query(
            {
              query: "SELECT * FROM c WHERE c.tenantId = @tenant ORDER BY c.occurredAt DESC",
              parameters: [{ name: "@tenant", value: TENANT }],
            },
            { partitionKey: TENANT, maxItemCount: 25 },
          )
          .fetchNext(),
      nothing,
    );

  // Queries first, on a tenant of SEEDED_EVENTS events: the emulator scans every item of the
  // container on each query (Cosmos DB answers from its index), so the writes measured below would
  // otherwise make every later query slower.
  for (let i = 0; i < SEEDED_EVENTS; i += 50) await Promise.all(Array.from({ length: 50 }, createDirect));
  const queryViaApi = () =>
    drive({ url: `${url}?limit=25`, method: "GET", headers: { authorization: headers.authorization } });
  await queryViaApi(); // warm-up: JWKS fetch, connection pools, JIT
  const [cosmosQueries, query] = await sideBySide(queryDirect, queryViaApi);

  // The ingest handler in this thread, built from the API's own settings, called as the Functions
  // host calls it: one call at a time (what the handler adds to a request's latency), and eight at
  // a time (what it costs when calls compete for the thread).
  const { createApiDependencies, createApiFunctions, loadApiConfig, silentLogger } = await deployedApi();
  const apiDeps = createApiDependencies(loadApiConfig(api.settings, silentLogger), silentLogger);
  if (/__name\(/.test(createApiFunctions.toString()))
    throw new Error("the bundled handlers went through the TypeScript loader");
  const ingestHandler = createApiFunctions(apiDeps).http.find((fn) => fn.name === "events-ingest")!.handler;
  const context = new InvocationContext({ functionName: "events-ingest" });
  const ingestRequest = () => new HttpRequest({ method: "POST", url, headers, body: { string: body } });
  // The baseline is a function that writes the same event through the API's own Cosmos client (the
  // same bundled SDK) and ignores its request. The host builds a request for it all the same: host
  // work, outside the clock on both sides, which still leaves the caches colder for the function,
  // as it does in Azure.
  const apiEvents = apiDeps.data.database.container("events");
  const bareIngest: HttpHandler = async () => ({ status: (await apiEvents.items.create(storedEvent())).statusCode });
  const invoke = (handler: HttpHandler) => async (request: InstanceType<typeof HttpRequest>) =>
    (await handler(request, context)).status ?? 200;
  const writeVia =
    (handler: HttpHandler) =>
    (concurrency = CONNECTIONS) =>
      direct(invoke(handler), ingestRequest, concurrency);
  const [writeViaHandler, writeViaBareFunction] = [writeVia(ingestHandler), writeVia(bareIngest)];
  await writeViaHandler(); // warm-up: JWKS fetch, connection pools, JIT
  await writeViaBareFunction();
  await writeDirect();
  const writeInALoop = () => direct(() => apiEvents.items.create(storedEvent()), nothing, 1);
  const [bareOneAtATime, handlerOneAtATime, sdkOneAtATime] = await sideBySide(
    () => writeViaBareFunction(1),
    () => writeViaHandler(1),
    writeInALoop,
  );
  const [bareConcurrent, handlerConcurrent] = await sideBySide(writeViaBareFunction, writeViaHandler);
  await apiDeps.data.close();

  // Ingest over HTTP.
  await drive({ url, method: "POST", headers, body, amount: 200 }); // warm-up
  const writeViaApi = () => drive({ url, method: "POST", headers, body });
  const [cosmosWrites, ingest] = await sideBySide(writeDirect, writeViaApi);

  const overhead = {
    /** The API's ingest function over a bare function making the same write, p50, one call at a time in one thread. */
    ingestHandlerP50Ratio: round(handlerOneAtATime.latencyMs.p50 / bareOneAtATime.latencyMs.p50),
    ingestHandlerMeanRatio: round(handlerOneAtATime.latencyMs.mean / bareOneAtATime.latencyMs.mean),
    /** The same, against that client's write in a loop of its own, with no request built between calls. */
    ingestHandlerP50RatioToSdkLoop: round(handlerOneAtATime.latencyMs.p50 / sdkOneAtATime.latencyMs.p50),
    /** Eight calls at a time in one thread: how much more of the thread each handled write takes. */
    ingestHandlerConcurrentThroughputRatio: round(
      bareConcurrent.throughputPerSecond / handlerConcurrent.throughputPerSecond,
    ),
    /** Through HTTP, the local host and the load generator sharing the machine's cores with the emulator. */
    ingestHttpP50Ratio: round(ingest.latencyMs.p50 / cosmosWrites.latencyMs.p50),
    queryHttpP50Ratio: round(query.latencyMs.p50 / cosmosQueries.latencyMs.p50),
  };
  const report = {
    generatedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
    },
    setup: {
      connections: CONNECTIONS,
      requestsPerScenario: REQUESTS,
      queriedTenantEvents: SEEDED_EVENTS,
      maxSecondsPerScenario: MAX_SECONDS,
      note: "loopback; three threads: the Cosmos DB emulator (@vercel/cosmosdb-server, in-memory, scans its items), the local Functions host with the API (plus the other emulators), and autocannon with the handlers and the direct SDK client; A-B-…-B-A order so no side gets the emptier emulator; the handler's baseline is a bare function making the same write, each call given a request built by the host as in Azure; numbers compare code paths, not Azure latency",
    },
    results: {
      handler: {
        oneAtATime: { ingest: handlerOneAtATime, bareFunctionWrite: bareOneAtATime, cosmosDirectWrite: sdkOneAtATime },
        eightAtATime: { ingest: handlerConcurrent, bareFunctionWrite: bareConcurrent },
      },
      http: { ingest, query, cosmosDirectWrite: cosmosWrites, cosmosDirectQuery: cosmosQueries },
    },
    overhead,
    targets: TARGETS,
    meetsTargets: {
      ingestP95: ingest.latencyMs.p95 < TARGETS.p95Ms,
      queryP95: query.latencyMs.p95 < TARGETS.p95Ms,
      ingestHandlerOverheadRatio: overhead.ingestHandlerP50Ratio <= TARGETS.overheadRatio,
    },
  };
  const out = path.resolve("bench/results/services.json");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2) + "\n");

  const row = (name: string, m: Measurement) =>
    `${name.padEnd(18)} ${String(m.requests).padStart(6)} req  ${String(m.throughputPerSecond).padStart(8)} /s  p50 ${m.latencyMs.p50} ms  p95 ${m.latencyMs.p95} ms  p99 ${m.latencyMs.p99} ms  errors ${m.errors}`;
  console.log(
    [
      row("ingest (handler)", handlerOneAtATime),
      row("write (bare fn)", bareOneAtATime),
      row("write (SDK loop)", sdkOneAtATime),
      row("ingest (handler×8)", handlerConcurrent),
      row("write (bare fn×8)", bareConcurrent),
      row("ingest (HTTP)", ingest),
      row("write (SDK)", cosmosWrites),
      row("query (HTTP)", query),
      row("query (SDK)", cosmosQueries),
      `handler overhead (p50 handler / p50 bare function, one call at a time): ${overhead.ingestHandlerP50Ratio} (target ≤ ${TARGETS.overheadRatio}); against the SDK in a loop ${overhead.ingestHandlerP50RatioToSdkLoop}; eight at a time, throughput ${overhead.ingestHandlerConcurrentThroughputRatio}; over HTTP: ingest ${overhead.ingestHttpP50Ratio}, query ${overhead.queryHttpP50Ratio}`,
      `wrote ${path.relative(process.cwd(), out)}`,
    ].join("\n"),
  );
} finally {
  for (const worker of workers.reverse()) {
    worker.postMessage("stop");
    await new Promise((resolve) => worker.once("exit", resolve));
  }
}
