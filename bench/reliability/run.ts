// Reliability bench, the long form of services/reliability.test.ts (results in
// bench/results/reliability.json): clients write events and documents with Idempotency-Keys and
// retry on 503, while loopback TCP proxies cut Cosmos DB, Blob and the broker for seconds and the
// worker (a process of its own) is SIGKILLed mid-batch and restarted. Afterwards everything is
// reconciled (outbox sweep, worker drained) and checked: every 2xx stored, no message lost, nothing
// twice, no orphan blob or record. RELIABILITY_SECONDS sets the load's length (default 60).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { OUTBOX_GRACE_MS, sweepOutbox } from "../../services/api/src/documents.js";
import { loadApiConfig } from "../../services/api/src/config.js";
import { type Dependency } from "../../services/local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import { createDataClients } from "../../services/shared/azure.js";
import type { DocumentRecord } from "../../services/shared/documents.js";
import { apiClient, event, tokenFor, waitFor, type ApiResponse } from "../../services/testing/client.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECONDS = Number(process.env.RELIABILITY_SECONDS ?? 60);
const CLIENTS = 4;
const TENANT = "reliability";
const CUT_SECONDS = Math.max(2, Math.round(SECONDS / 10));

const env = await startStackEnvironment({
  services: ["api"],
  proxies: true,
  queueOverrides: { lockDurationSeconds: 3, maxDeliveryCount: 50 },
});
const call = apiClient(env.url);
const writer = await tokenFor(env, TENANT);

// The worker process: started, SIGKILLed, started again; "document processed" lines counted per id.
const processed = new Map<string, number>();
let worker: ChildProcess | undefined;
async function startWorker(): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "bin/run-ts.js"), path.join(ROOT, "bench/reliability/worker.ts")],
    {
      env: { ...process.env, ESTATE_WORKER_SETTINGS: JSON.stringify(env.settingsFor("worker")) },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  worker = child;
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: { message?: string; documentId?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.message === "worker ready") resolve();
      if (entry.message === "document processed" && entry.documentId)
        processed.set(entry.documentId, (processed.get(entry.documentId) ?? 0) + 1);
    });
  });
}
const killWorker = () => {
  worker?.kill("SIGKILL");
  worker = undefined;
};

const counts = {
  requestsTried: 0,
  accepted: 0,
  unavailable503: 0,
  other5xx: 0,
  unexpected4xx: 0,
  networkErrors: 0,
  outages: 0,
  workerKills: 0,
};
const acceptedBatches: { key: string; ids: string[] }[] = [];
const acceptedDocuments = new Set<string>();
let stopping = false;

/** One request with retries on 503 and network errors, under one Idempotency-Key until it succeeds. */
async function withRetries(send: () => Promise<ApiResponse>): Promise<ApiResponse | undefined> {
  const giveUpAt = Date.now() + 60_000;
  while (Date.now() < giveUpAt) {
    counts.requestsTried++;
    const response = await send().catch(() => undefined);
    if (!response) counts.networkErrors++;
    else if (response.status === 503) counts.unavailable503++;
    else if (response.status >= 500) counts.other5xx++;
    else if (response.status >= 400) return void counts.unexpected4xx++;
    else return (counts.accepted++, response);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return undefined;
}

async function client(n: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const key = `c${n}-${i}`;
    if (i % 3 === 2) {
      const response = await withRetries(() =>
        call("POST", "/api/v1/documents", {
          token: writer,
          body: `document ${key}\nline two`,
          headers: { "content-type": "text/plain", "idempotency-key": key },
        }),
      );
      if (response) acceptedDocuments.add(response.body.id);
    } else {
      const batch = Array.from({ length: 1 + (i % 5) }, (_, index) =>
        event("reliability.event", "2024-01-01T00:00:00+02:00", { key, index }),
      );
      const response = await withRetries(() =>
        call("POST", "/api/v1/events", { token: writer, json: batch, headers: { "idempotency-key": key } }),
      );
      if (response) acceptedBatches.push({ key, ids: response.body.items.map((e: { id: string }) => e.id) });
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function chaos(): Promise<void> {
  const dependencies: Dependency[] = ["cosmos", "blob", "servicebus"];
  const started = Date.now();
  for (let round = 0; Date.now() - started < (SECONDS - CUT_SECONDS * 2) * 1000; round++) {
    await sleep(CUT_SECONDS * 1000);
    const dependency = dependencies[round % dependencies.length];
    counts.outages++;
    env.proxies![dependency].cut();
    if (round % 2 === 0) {
      killWorker();
      counts.workerKills++;
    }
    await sleep(CUT_SECONDS * 1000);
    env.proxies![dependency].restore();
    if (!worker) await startWorker();
  }
}

const startedAt = Date.now();
await startWorker();
const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
await chaos();
stopping = true;
await Promise.all(clients);
const loadSeconds = (Date.now() - startedAt) / 1000;

// Reconcile as the timers would, then wait for the worker to drain.
const data = createDataClients(
  loadApiConfig(
    {
      ...env.settingsFor("api"),
      COSMOS_ENDPOINT: env.cosmos.endpoint,
      BLOB_CONNECTION_STRING: env.blob.connectionString,
      SERVICEBUS: env.serviceBus.connectionString,
    },
    () => {},
  ),
);
const documents = data.database.container("documents");
const swept = await sweepOutbox(
  { documents, blobs: data.blobs, queue: data.serviceBus.createSender("document-processing"), log: () => {} },
  Date.now() + OUTBOX_GRACE_MS,
);
const records = async () =>
  (
    await documents.items
      .query<DocumentRecord>({
        query: "SELECT * FROM c WHERE c.tenantId = @t",
        parameters: [{ name: "@t", value: TENANT }],
      })
      .fetchAll()
  ).resources;
await waitFor(
  async () => ((await records()).every((r) => r.status !== "pending") ? true : undefined),
  120_000,
  "every document to be settled",
).catch(() => undefined);
killWorker();

// Checks.
const events = (
  await data.database
    .container("events")
    .items.query<{ id: string; data: { key: string; index: number } }>({
      query: "SELECT * FROM c WHERE c.tenantId = @t",
      parameters: [{ name: "@t", value: TENANT }],
    })
    .fetchAll()
).resources;
const storedEventIds = new Set(events.map((e) => e.id));
const eventKeys = new Map<string, number>();
for (const e of events)
  eventKeys.set(`${e.data.key}/${e.data.index}`, (eventKeys.get(`${e.data.key}/${e.data.index}`) ?? 0) + 1);
const finalRecords = await records();
const recordIds = new Set(finalRecords.map((r) => r.id));
const blobNames: string[] = [];
for await (const blob of data.blobs.listBlobsFlat({ prefix: `${TENANT}/` })) blobNames.push(blob.name);

const wrong2xx =
  acceptedBatches.filter((b) => !b.ids.every((id) => storedEventIds.has(id))).length +
  [...acceptedDocuments].filter((id) => !recordIds.has(id)).length;
const messagesLost = [...acceptedDocuments].filter(
  (id) => finalRecords.find((r) => r.id === id)?.status !== "processed",
).length;
const duplicates =
  [...eventKeys.values()].filter((n) => n > 1).length + [...processed.values()].filter((n) => n > 1).length;
const orphans = {
  blobsWithoutRecord: blobNames.filter((name) => !recordIds.has(name.slice(TENANT.length + 1))).length,
  recordsWithoutBlob: finalRecords.filter((r) => !blobNames.includes(r.blobName)).length,
  recordsNeverQueued: finalRecords.filter((r) => !r.queuedAt).length,
};
await data.close();
await env.stop();

const report = {
  generatedAt: new Date().toISOString(),
  machine: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length },
  setup: {
    loadSeconds: Math.round(loadSeconds),
    clients: CLIENTS,
    cutSeconds: CUT_SECONDS,
    note: "loopback; Cosmos DB, Blob and the broker cut in turn through TCP proxies (connections reset, new ones refused), the worker process SIGKILLed on every other cut and restarted; clients retry 503s and network errors under the same Idempotency-Key; afterwards one outbox sweep and the worker drains",
  },
  results: {
    ...counts,
    acceptedEventBatches: acceptedBatches.length,
    acceptedDocuments: acceptedDocuments.size,
    outboxSwept: swept,
    wrong2xx,
    messagesLost,
    duplicates,
    orphans,
  },
  goals: {
    wrong2xx: wrong2xx === 0,
    other5xx: counts.other5xx === 0,
    messagesLost: messagesLost === 0,
    duplicates: duplicates === 0,
    orphans: Object.values(orphans).every((n) => n === 0),
  },
};
await mkdir(path.join(ROOT, "bench/results"), { recursive: true });
await writeFile(path.join(ROOT, "bench/results/reliability.json"), JSON.stringify(report, null, 2) + "\n");
console.log(JSON.stringify(report.results, null, 2));
console.log(
  Object.values(report.goals).every(Boolean)
    ? "reliability: every goal met"
    : `reliability: goals missed: ${Object.entries(report.goals)
        .filter(([, ok]) => !ok)
        .map(([k]) => k)
        .join(", ")}`,
);
process.exit(0);
