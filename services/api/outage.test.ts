// Outages of the API's dependencies, cut through loopback TCP proxies: every outage is a 503
// problem+json, nothing is half-written, and a retry with the same Idempotency-Key converges.
import { ServiceBusClient } from "@azure/service-bus";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEnvironment } from "../local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import { createDataClients, type DataClients } from "../shared/azure.js";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { loadApiConfig } from "./src/config.js";
import { OUTBOX_GRACE_MS, sweepOutbox } from "./src/documents.js";
import { apiClient, event, tokenFor, type ApiResponse } from "../testing/client.js";

let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writer: string;

beforeAll(async () => {
  env = await startStackEnvironment({ services: ["api"], proxies: true });
  call = apiClient(env.url);
  writer = await tokenFor(env, "tenant-o");
});
afterAll(() => env?.stop());

const proxies = () => env.proxies!;
const isCosmosBatch = (chunk: Buffer) => chunk.includes("x-ms-cosmos-is-batch-request");

function expectUnavailable(response: ApiResponse) {
  expect(response.status).toBe(503);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  expect(response.body.type).toBe("urn:estate:problem:dependency-unavailable");
}

const listed = async (type: string) =>
  (await call("GET", `/api/v1/events?type=${type}&limit=100`, { token: writer })).body.items as {
    id: string;
    data: { i: number };
  }[];

describe("event batches under outages", () => {
  it("stores nothing when the batch write fails, and a retry with the same key stores each event once", async () => {
    const batch = [0, 1, 2].map((i) => event("outage.batch", "2024-05-01T00:00:00Z", { i }));
    const headers = { "idempotency-key": "outage-batch-1" };
    proxies().cosmos.dropWhen(isCosmosBatch);
    try {
      expectUnavailable(await call("POST", "/api/v1/events", { token: writer, json: batch, headers }));
    } finally {
      proxies().cosmos.dropWhen(undefined);
    }
    expect(await listed("outage.batch")).toEqual([]);

    const retried = await call("POST", "/api/v1/events", { token: writer, json: batch, headers });
    expect(retried.status).toBe(201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    const again = await call("POST", "/api/v1/events", { token: writer, json: batch, headers });
    expect(again.body).toEqual(retried.body);
    const stored = await listed("outage.batch");
    expect(stored.map((e) => e.data.i).sort()).toEqual([0, 1, 2]);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(retried.body.items.map((e: { id: string }) => e.id)));
  });

  it("answers 503 while Cosmos DB is cut and recovers after", async () => {
    proxies().cosmos.cut();
    try {
      expectUnavailable(
        await call("POST", "/api/v1/events", { token: writer, json: [event("outage.cut", "2024-05-01T00:00:00Z")] }),
      );
      expectUnavailable(await call("GET", "/api/v1/events", { token: writer }));
    } finally {
      proxies().cosmos.restore();
    }
    expect(
      (await call("POST", "/api/v1/events", { token: writer, json: [event("outage.cut", "2024-05-01T00:00:00Z")] }))
        .status,
    ).toBe(201);
  });
});

describe("documents through the outbox", () => {
  const upload = (headers: Record<string, string> = {}) =>
    call("POST", "/api/v1/documents", {
      token: writer,
      body: "outbox",
      headers: { "content-type": "text/plain", ...headers },
    });
  const blobs = () => BlobServiceClient.fromConnectionString(env.blob.connectionString).getContainerClient("documents");
  const storedBlobs = async () => {
    const names: string[] = [];
    for await (const blob of blobs().listBlobsFlat({ prefix: "tenant-o/" })) names.push(blob.name);
    return names;
  };
  /** Messages in the queue for one document; each peek uses a new client (peek cursors only move forward). */
  const messagesFor = async (id: string) => {
    const client = new ServiceBusClient(env.serviceBus.connectionString);
    try {
      return (await client.createReceiver("document-processing").peekMessages(1000)).filter((m) => m.messageId === id)
        .length;
    } finally {
      await client.close();
    }
  };
  let data: DataClients;
  const sweep = () =>
    sweepOutbox(
      {
        documents: data.database.container("documents"),
        blobs: data.blobs,
        queue: data.serviceBus.createSender("document-processing"),
        log: () => {},
      },
      Date.now() + OUTBOX_GRACE_MS,
    );
  beforeAll(
    () =>
      void (data = createDataClients(
        loadApiConfig(
          {
            ...env.settingsFor("api"),
            COSMOS_ENDPOINT: env.cosmos.endpoint,
            BLOB_CONNECTION_STRING: env.blob.connectionString,
            SERVICEBUS: env.serviceBus.connectionString,
          },
          () => {},
        ),
      )),
  );
  afterAll(() => data?.close());

  it("answers 503 with the broker down, keeps the document, and a retry with the same key queues it once", async () => {
    const headers = { "idempotency-key": "outbox-broker-1" };
    proxies().servicebus.cut();
    let refused: ApiResponse;
    try {
      refused = await upload(headers);
    } finally {
      proxies().servicebus.restore();
    }
    expectUnavailable(refused);
    const id = refused.body.id as string;
    expect(await storedBlobs()).toContain(`tenant-o/${id}`);
    expect(await messagesFor(id)).toBe(0);

    const retried = await upload(headers);
    expect(retried.status).toBe(202);
    expect(retried.body.id).toBe(id);
    const replayed = await upload(headers);
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await messagesFor(id)).toBe(1);
  });

  it("has the sweeper queue a document whose request could not, and nothing twice", async () => {
    proxies().servicebus.cut();
    let refused: ApiResponse;
    try {
      refused = await upload();
    } finally {
      proxies().servicebus.restore();
    }
    expectUnavailable(refused);
    const id = refused.body.id as string;
    // Within the grace period the sweeper leaves the record to its request.
    expect(
      (
        await sweepOutbox({
          documents: data.database.container("documents"),
          blobs: data.blobs,
          queue: data.serviceBus.createSender("document-processing"),
          log: () => {},
        })
      ).queued,
    ).toBe(0);
    expect((await sweep()).queued).toBeGreaterThanOrEqual(1);
    expect(await messagesFor(id)).toBe(1);
    expect((await sweep()).queued).toBe(0);
    expect(await messagesFor(id)).toBe(1);
  });

  it("leaves no blob when Cosmos DB is down, and no record once the sweeper ran when Blob is down", async () => {
    const before = await storedBlobs();
    proxies().cosmos.cut();
    try {
      expectUnavailable(await upload());
    } finally {
      proxies().cosmos.restore();
    }
    expect(await storedBlobs()).toEqual(before);

    proxies().blob.cut();
    try {
      expectUnavailable(await upload());
    } finally {
      proxies().blob.restore();
    }
    expect((await sweep()).removed).toBe(1);
    const { resources } = await data.database
      .container("documents")
      .items.query({ query: "SELECT * FROM c WHERE c.tenantId = 'tenant-o' AND NOT IS_DEFINED(c.queuedAt)" })
      .fetchAll();
    expect(resources).toEqual([]);
    expect(await storedBlobs()).toEqual(before);
  });
});
