// Throughput of the local Service Bus broker with the real @azure/service-bus client on
// loopback, next to the same client against a minimal rhea echo server (accepts links,
// answers $cbs, settles everything, keeps no locks) in the same run.
// Run: node bin/run-ts.js bench/servicebus/run.ts   (writes bench/results/servicebus.json)
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo, Server } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceBusClient, type ServiceBusMessage } from "@azure/service-bus";
import rhea, { type Delivery, type EventContext, type Message, type Sender } from "rhea";
import { start } from "../../services/local/servicebus/index.js";

const QUEUE = "bench";
const BATCHED_MESSAGES = 10_000;
const BATCH_SIZE = 100;
const SINGLE_MESSAGES = 1_000;
const RECEIVE_BATCH = 500;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Figures {
  batchSendPerSecond: number;
  peekLockReceiveCompletePerSecond: number;
  singleSendPerSecond: number;
  receiveAndDeletePerSecond: number;
}

/** The baseline: just enough AMQP for the SDK, with no queue semantics at all. */
async function startEchoServer(): Promise<{ connectionString: string; stop(): Promise<void> }> {
  const container = rhea.create_container({ id: "bench-echo" });
  const stored: Buffer[] = [];
  const consumers = new Set<Sender>();
  const replyLinks = new Map<string, Sender>();
  const outcomes = rhea.message as unknown as { accepted(): { described(): unknown } };
  let tag = 0;

  const feed = (sender: Sender): void => {
    const link = sender as unknown as {
      credit: number;
      connection: { _register(): void };
      session: { outgoing: { available(): number } };
    };
    for (let credit = Math.min(link.credit, link.session.outgoing.available()); credit > 0 && stored.length; credit--) {
      const lockTag = Buffer.alloc(16);
      lockTag.writeUInt32BE(tag++);
      sender.send(stored.shift() as Buffer, lockTag, 0);
    }
    if (!stored.length) {
      sender.set_drained(true);
      link.connection._register();
    }
  };
  container.on("sender_open", (context: EventContext) => {
    const sender = context.sender as Sender;
    const address = String(sender.source?.address ?? "");
    sender.set_source({ address });
    if (address === "$cbs" || address.endsWith("/$management")) {
      replyLinks.set(String(sender.target?.address ?? sender.name), sender);
    } else {
      consumers.add(sender);
    }
  });
  container.on("receiver_open", (context: EventContext) => {
    const receiver = context.receiver as unknown as { local: { attach: { max_message_size: number } } };
    receiver.local.attach.max_message_size = 1024 * 1024;
  });
  container.on("sender_close", (context: EventContext) => consumers.delete(context.sender as Sender));
  container.on("sender_flow", (context: EventContext) => {
    if (consumers.has(context.sender as Sender)) feed(context.sender as Sender);
  });
  container.on("message", (context: EventContext) => {
    const message = context.message as Message;
    const address = String(context.receiver?.target?.address ?? "");
    if (address === "$cbs" || address.endsWith("/$management")) {
      replyLinks.get(String(message.reply_to))?.send({
        correlation_id: message.message_id,
        application_properties: { "status-code": address === "$cbs" ? 202 : 200, "status-description": "OK" },
        body: {},
      });
      return;
    }
    const format = (context as EventContext & { format?: number }).format;
    if (format) {
      const outer = rhea.message.decode(context.message as unknown as Buffer).body as { content: Buffer | Buffer[] };
      stored.push(...(Array.isArray(outer.content) ? outer.content : [outer.content]));
    } else {
      stored.push(rhea.message.encode(message));
    }
    for (const consumer of consumers) feed(consumer);
  });
  for (const outcome of ["accepted", "released", "modified", "rejected"]) {
    container.on(outcome, (context: EventContext) => {
      const delivery = context.delivery as Delivery & { remote_settled: boolean };
      delivery.update(true, outcomes.accepted().described());
      // Same rhea workaround as the broker: free the delivery once settled (rcv-settle-mode second).
      delivery.remote_settled = true;
    });
  }
  container.on("error", () => {});
  const server = container.listen({ host: "127.0.0.1", port: 0 }) as Server;
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=bench;SharedAccessKey=bench;UseDevelopmentEmulator=true`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function rate(count: number, startedAt: number): number {
  return Math.round(count / ((performance.now() - startedAt) / 1000));
}

function messages(count: number, prefix: string): ServiceBusMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    body: { documentId: `${prefix}-${i}`, tenant: "org-1" },
    applicationProperties: { tenant: "org-1" },
  }));
}

async function receiveAll(
  client: ServiceBusClient,
  count: number,
  mode: "peekLock" | "receiveAndDelete",
): Promise<void> {
  const receiver = client.createReceiver(QUEUE, { receiveMode: mode, maxAutoLockRenewalDurationInMs: 0 });
  let received = 0;
  while (received < count) {
    const batch = await receiver.receiveMessages(Math.min(RECEIVE_BATCH, count - received), { maxWaitTimeInMs: 2000 });
    if (!batch.length) throw new Error(`receive stalled after ${received} of ${count} messages`);
    if (mode === "peekLock") await Promise.all(batch.map((message) => receiver.completeMessage(message)));
    received += batch.length;
  }
  await receiver.close();
}

async function measure(connectionString: string): Promise<Figures> {
  const client = new ServiceBusClient(connectionString);
  try {
    const sender = client.createSender(QUEUE);
    // Warm-up: links, CBS and JIT.
    await sender.sendMessages(messages(BATCH_SIZE, "warm"));
    await receiveAll(client, BATCH_SIZE, "receiveAndDelete");

    let startedAt = performance.now();
    const batched = messages(BATCHED_MESSAGES, "batch");
    for (let i = 0; i < batched.length; i += BATCH_SIZE) await sender.sendMessages(batched.slice(i, i + BATCH_SIZE));
    const batchSendPerSecond = rate(BATCHED_MESSAGES, startedAt);

    startedAt = performance.now();
    await receiveAll(client, BATCHED_MESSAGES, "peekLock");
    const peekLockReceiveCompletePerSecond = rate(BATCHED_MESSAGES, startedAt);

    startedAt = performance.now();
    for (const message of messages(SINGLE_MESSAGES, "single")) await sender.sendMessages(message);
    const singleSendPerSecond = rate(SINGLE_MESSAGES, startedAt);

    startedAt = performance.now();
    await receiveAll(client, SINGLE_MESSAGES, "receiveAndDelete");
    const receiveAndDeletePerSecond = rate(SINGLE_MESSAGES, startedAt);

    return { batchSendPerSecond, peekLockReceiveCompletePerSecond, singleSendPerSecond, receiveAndDeletePerSecond };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  const runStartedAt = performance.now();
  const broker = await start({ queues: [{ name: QUEUE }], maxMessagesPerQueue: BATCHED_MESSAGES * 2 });
  const echo = await startEchoServer();
  try {
    const brokerFigures = await measure(broker.connectionString);
    const echoFigures = await measure(echo.connectionString);
    const sdkVersion = JSON.parse(
      await readFile(path.join(repoRoot, "node_modules/@azure/service-bus/package.json"), "utf8"),
    ).version as string;
    const relative = Object.fromEntries(
      Object.entries(brokerFigures).map(([key, value]) => [
        key,
        Number((value / echoFigures[key as keyof Figures]).toFixed(2)),
      ]),
    );
    const result = {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        platform: `${os.platform()} ${os.release()}`,
        arch: os.arch(),
        cpu: os.cpus()[0]?.model ?? "unknown",
        cpus: os.cpus().length,
        memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      },
      client: `@azure/service-bus ${sdkVersion}`,
      workload: {
        batchedMessages: BATCHED_MESSAGES,
        batchSize: BATCH_SIZE,
        singleMessages: SINGLE_MESSAGES,
        receiveBatch: RECEIVE_BATCH,
        unit: "messages per second",
      },
      broker: brokerFigures,
      echoServer: echoFigures,
      brokerRelativeToEcho: relative,
      runSeconds: Number(((performance.now() - runStartedAt) / 1000).toFixed(1)),
    };
    const file = path.join(repoRoot, "bench/results/servicebus.json");
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(result, null, 2) + "\n");
    console.table({ broker: brokerFigures, echoServer: echoFigures, "broker / echo": relative });
    console.log(`Wrote ${path.relative(repoRoot, file)} in ${result.runSeconds} s`);
  } finally {
    await broker.stop();
    await echo.stop();
  }
}

await main();
