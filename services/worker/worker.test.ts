// The worker through the real broker: poison messages reach the dead-letter queue after exactly the
// queue's max delivery count, and a worker dying mid-batch loses nothing and duplicates nothing.
import { ServiceBusClient } from "@azure/service-bus";
import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalEnvironment } from "../local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import type { Logger } from "../shared/log.js";
import { apiClient, tokenFor, waitFor } from "../testing/client.js";

const MAX_DELIVERY_COUNT = 3;
const QUEUE = "document-processing";

interface LogLine {
  message: string;
  fields: Record<string, unknown>;
}
const lines: LogLine[] = [];
let crashTrigger = () => {};
const log: Logger = (_level, message, fields = {}) => {
  lines.push({ message, fields });
  crashTrigger();
};
const countLogs = (message: string, documentId: string) =>
  lines.filter((l) => l.message === message && l.fields.documentId === documentId).length;
/** Handler invocations that saw this message, across every worker instance. */
const deliveriesOf = (messageId: string) =>
  new Set(lines.filter((l) => l.fields.messageId === messageId).map((l) => l.fields.invocationId)).size;

/** Peeks from the start of a queue: a client's peek cursor per queue only moves forward, so each peek uses a new client. */
async function peekAll(subQueueType?: "deadLetter") {
  const client = new ServiceBusClient(env.serviceBus.connectionString);
  try {
    return await (
      subQueueType ? client.createReceiver(QUEUE, { subQueueType }) : client.createReceiver(QUEUE)
    ).peekMessages(100);
  } finally {
    await client.close();
  }
}

let env: LocalEnvironment;
let call: ReturnType<typeof apiClient>;
let writer: string;

beforeAll(async () => {
  // Only the API at first: tests start workers themselves, and short locks keep redelivery quick.
  env = await startStackEnvironment({
    services: ["api"],
    log,
    proxies: true,
    queueOverrides: { maxDeliveryCount: MAX_DELIVERY_COUNT, lockDurationSeconds: 2 },
    maxConcurrentCalls: 4,
  });
  call = apiClient(env.url);
  writer = await tokenFor(env, "tenant-w");
});
afterAll(() => env?.stop());

async function upload(text: string): Promise<string> {
  const response = await call("POST", "/api/v1/documents", {
    token: writer,
    body: text,
    headers: { "content-type": "text/plain" },
  });
  expect(response.status).toBe(202);
  return response.body.id as string;
}

const documentStatus = async (id: string) => (await call("GET", `/api/v1/documents/${id}`, { token: writer })).body;

describe("document-processing worker", () => {
  it("dead-letters a poison message after exactly the max delivery count and records why", async () => {
    const id = await upload("this blob will vanish");
    await BlobServiceClient.fromConnectionString(env.blob.connectionString)
      .getContainerClient("documents")
      .deleteBlob(`tenant-w/${id}`);
    const client = new ServiceBusClient(env.serviceBus.connectionString);
    await client.createSender(QUEUE).sendMessages([
      {
        body: { schema_version: 1, document_id: "00000000-0000-4000-8000-000000000001", tenant_id: "tenant-w" },
        messageId: "unknown-document",
      },
      { body: "not a document message", messageId: "garbage" },
    ]);
    await client.close();

    const worker = await env.startHost(["worker"]);
    const dead = await waitFor(
      async () => {
        const peeked = await peekAll("deadLetter");
        return peeked.length >= 3 ? peeked : undefined;
      },
      20_000,
      "three dead-lettered messages",
    );
    await worker.stop();

    expect(dead.map((m) => m.messageId).sort()).toEqual([id, "garbage", "unknown-document"].sort());
    for (const message of dead) {
      expect(message.deadLetterReason).toBe("MaxDeliveryCountExceeded");
      expect(deliveriesOf(message.messageId as string)).toBe(MAX_DELIVERY_COUNT);
    }
    expect(countLogs("document processing failed", id)).toBe(MAX_DELIVERY_COUNT);
    const failed = await documentStatus(id);
    expect(failed.status).toBe("failed");
    expect(failed.failure).toMatchObject({ attempts: MAX_DELIVERY_COUNT, reason: expect.stringMatching(/blob/i) });
  });

  it("records every attempt of a worker killed on each delivery, and marks the dead-lettered document failed", async () => {
    // Downloads fail and retry while Blob is cut: each delivery is in flight when its worker dies.
    const id = await upload("never processed");
    env.proxies!.blob.cut();
    try {
      for (let attempt = 1; attempt <= MAX_DELIVERY_COUNT; attempt++) {
        const worker = await env.startHost(["worker"]);
        await waitFor(
          async () => ((await documentStatus(id)).attempts >= attempt ? true : undefined),
          20_000,
          `attempt ${attempt} to be recorded`,
        );
        await worker.kill();
      }
      await waitFor(
        async () => ((await peekAll("deadLetter")).some((m) => m.messageId === id) ? true : undefined),
        20_000,
        "the message to be dead-lettered",
      );
    } finally {
      env.proxies!.blob.restore();
    }
    const reconciler = await env.startHost(["worker"]);
    await reconciler.runTimers();
    await reconciler.stop();
    const failed = await documentStatus(id);
    expect(failed.status).toBe("failed");
    expect(failed.failure).toEqual({ attempts: MAX_DELIVERY_COUNT, reason: expect.any(String) });
    expect(failed.failure.reason).toMatch(/stopped before finishing|unavailable/);
  });

  it("loses no message and processes none twice when a worker dies mid-batch", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push(await upload(`document ${i}\n`));

    // The first worker dies as soon as it has processed three documents, with others in flight:
    // its receiver closes without settling, so their locks have to expire.
    let crashed: Promise<void> | undefined;
    const processedSoFar = () => lines.filter((l) => l.message === "document processed").length;
    const doomed = await env.startHost(["worker"]);
    crashTrigger = () => {
      if (processedSoFar() >= 3) crashed ??= doomed.kill();
    };
    await waitFor(async () => (crashed ? true : undefined), 10_000, "the first worker to crash");
    await crashed;
    crashTrigger = () => {};
    const processedBeforeCrash = ids.filter((id) => countLogs("document processed", id) > 0).length;
    expect(processedBeforeCrash).toBeLessThan(ids.length);

    const survivor = await env.startHost(["worker"]);
    await waitFor(
      async () => {
        const statuses = await Promise.all(ids.map(async (id) => (await documentStatus(id)).status));
        return statuses.every((s) => s === "processed") ? true : undefined;
      },
      30_000,
      "every document to be processed",
    );
    // Give redelivered duplicates of already-processed documents time to arrive and be completed.
    await waitFor(async () => ((await peekAll()).length === 0 ? true : undefined), 15_000, "the queue to drain");
    await survivor.stop();

    for (const id of ids) expect({ id, processed: countLogs("document processed", id) }).toEqual({ id, processed: 1 });
    expect(ids.some((id) => deliveriesOf(id) > 1)).toBe(true); // some messages really were redelivered
    const dead = await peekAll("deadLetter");
    expect(dead.filter((m) => ids.includes(m.messageId as string))).toEqual([]);
  });
});
