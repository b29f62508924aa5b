// Services bench: drives the local API (in-process Functions host, emulators on loopback) with
// autocannon for ingest and query, and performs the same writes straight through the Cosmos SDK in
// the same run, so the handler's overhead is a ratio between two numbers measured side by side.
// Bounded in count and time; writes bench/results/services.json.
import { writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CosmosClient } from "@azure/cosmos";
import autocannon from "autocannon";
import { Worker } from "node:worker_threads";
import type { ApiServer, CosmosServer, ServerRole } from "./server.js";

const CONNECTIONS = 8;
// The emulator keeps items in memory and scans them, so it slows as it fills: counts stay modest.
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1_000);
const MAX_SECONDS = 15;
const TARGETS = { p95Ms: 200, overheadRatio: 1.3 };
const TENANT = "bench-tenant";

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
    latencyMs: { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) },
  };
}
const round = (n: number) => Math.round(n * 100) / 100;

/** One autocannon run; latencies come from its per-response events so percentiles match the SDK side. */
async function drive(options: autocannon.Options): Promise<Samples> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const instance = autocannon({ connections: CONNECTIONS, amount: REQUESTS / 2, duration: MAX_SECONDS / 2, ...options });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 400) errors++;
    latencies.push(responseTime);
  });
  const result = await instance;
  return { latencies, errors: errors + result.errors + result.timeouts, elapsedMs: performance.now() - started };
}

function cosmosContainer(server: CosmosServer, database: string) {
  const client = new CosmosClient({ endpoint: server.endpoint, key: server.key, connectionPolicy: { enableEndpointDiscovery: false } });
  return client.database(database).container("events");
}

/** The same number of operations at the same concurrency as autocannon, straight through @azure/cosmos. */
async function direct(operation: () => Promise<unknown>): Promise<Samples> {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + (MAX_SECONDS / 2) * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (started++ < REQUESTS / 2 && performance.now() < deadline) {
        const begin = performance.now();
        await operation().catch(() => errors++);
        latencies.push(performance.now() - begin);
      }
    }),
  );
  return { latencies, errors, elapsedMs: performance.now() - t0 };
}

// A worker thread does not inherit tsx's loader, so its entry registers it before importing server.ts.
const serverUrl = new URL("./server.ts", import.meta.url).href;
const workers: Worker[] = [];
async function startServer<T>(role: ServerRole): Promise<T> {
  const worker = new Worker(`import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(serverUrl)}); });`, { eval: true, workerData: role });
  workers.push(worker);
  return new Promise<T>((resolve, reject) => worker.once("message", resolve).once("error", reject));
}

const cosmos = await startServer<CosmosServer>({ role: "cosmos" });
const api = await startServer<ApiServer>({ role: "api", cosmos });
try {
  const headers = { authorization: `Bearer ${api.token}`, "content-type": "application/json" };
  const url = `${api.url}/api/v1/events`;
  const body = JSON.stringify({ schema_version: 1, type: "bench.ingest", occurred_at: new Date().toISOString(), data: { page: "/home", ms: 42 } });

  // Warm-up: JWKS fetch, connection pools, JIT.
  await drive({ url, method: "POST", headers, body, amount: 200 });
  const container = cosmosContainer(cosmos, api.database);
  const writeDirect = () => direct(() => container.items.create({ id: crypto.randomUUID(), tenantId: TENANT, schemaVersion: 1, type: "bench.direct", occurredAt: new Date().toISOString(), receivedAt: new Date().toISOString(), data: { page: "/home", ms: 42 } }));
  // The query the list handler runs for `?limit=25`, first page.
  const queryDirect = () => direct(() => container.items.query({ query: "SELECT * FROM c WHERE c.tenantId = @tenant ORDER BY c.occurredAt DESC", parameters: [{ name: "@tenant", value: TENANT }] }, { partitionKey: TENANT, maxItemCount: 25 }).fetchNext());
  const writeViaApi = () => drive({ url, method: "POST", headers, body });
  // A-B-B-A order, half the requests each time: the emulator slows as it fills, and neither side
  // should get the emptier database.
  const directRuns = [await writeDirect()];
  const ingestRuns = [await writeViaApi(), await writeViaApi()];
  directRuns.push(await writeDirect());
  const cosmosWrites = summarise(directRuns);
  const ingest = summarise(ingestRuns);
  const queryViaApi = () => drive({ url: `${url}?limit=25`, method: "GET", headers: { authorization: headers.authorization } });
  const directQueryRuns = [await queryDirect()];
  const queryRuns = [await queryViaApi(), await queryViaApi()];
  directQueryRuns.push(await queryDirect());
  const cosmosQueries = summarise(directQueryRuns);
  const query = summarise(queryRuns);

  /** p50 latency through the API over p50 latency of the same Cosmos call made directly. */
  const overhead = {
    ingestP50Ratio: round(ingest.latencyMs.p50 / cosmosWrites.latencyMs.p50),
    queryP50Ratio: round(query.latencyMs.p50 / cosmosQueries.latencyMs.p50),
    ingestThroughputRatio: round(cosmosWrites.throughputPerSecond / ingest.throughputPerSecond),
  };
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model },
    setup: {
      connections: CONNECTIONS,
      requestsPerScenario: REQUESTS,
      maxSecondsPerScenario: MAX_SECONDS,
      note: "loopback; three threads: the Cosmos DB emulator (@vercel/cosmosdb-server, in-memory, scans its items), the local Functions host with the API (plus the other emulators), and autocannon with the direct SDK client; A-B-B-A order so neither side gets the emptier emulator; numbers compare code paths, not Azure latency",
    },
    results: { ingest, query, cosmosDirectWrite: cosmosWrites, cosmosDirectQuery: cosmosQueries },
    overhead,
    targets: TARGETS,
    meetsTargets: {
      ingestP95: ingest.latencyMs.p95 < TARGETS.p95Ms,
      queryP95: query.latencyMs.p95 < TARGETS.p95Ms,
      ingestOverheadRatio: overhead.ingestP50Ratio <= TARGETS.overheadRatio,
    },
  };
  const out = path.resolve("bench/results/services.json");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, JSON.stringify(report, null, 2) + "\n");

  const row = (name: string, m: Measurement) =>
    `${name.padEnd(14)} ${String(m.requests).padStart(6)} req  ${String(m.throughputPerSecond).padStart(8)} /s  p50 ${m.latencyMs.p50} ms  p95 ${m.latencyMs.p95} ms  p99 ${m.latencyMs.p99} ms  errors ${m.errors}`;
  console.log([row("ingest (API)", ingest), row("write (SDK)", cosmosWrites), row("query (API)", query), row("query (SDK)", cosmosQueries)].join("\n"));
  console.log(`overhead (p50 API / p50 SDK): ingest ${overhead.ingestP50Ratio}, query ${overhead.queryP50Ratio} (target ≤ ${TARGETS.overheadRatio})`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  for (const worker of workers.reverse()) {
    worker.postMessage("stop");
    await new Promise((resolve) => worker.once("exit", resolve));
  }
}
