// Behaviour of the local broker as seen by the real @azure/service-bus client.
import {
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  ServiceBusClient,
  isServiceBusError,
} from "@azure/service-bus";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSasToken } from "./cbs.js";
import { type RunningBroker, type StartOptions, start } from "./index.js";

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function broker(options: StartOptions): Promise<RunningBroker> {
  const running = await start(options);
  cleanups.push(() => running.stop());
  return running;
}

/** A client that fails fast: the tests check the first error, not the SDK's retries. */
function client(connectionString: string): ServiceBusClient {
  const sb = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 5000 } });
  cleanups.push(() => sb.close());
  return sb;
}

async function receiveOne(receiver: ServiceBusReceiver, maxWaitTimeInMs = 2000): Promise<ServiceBusReceivedMessage> {
  const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs });
  expect(message, "expected a message").toBeDefined();
  return message;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the operation to fail");
}

/** Real time, for the socket handshake deadline only (a socket timer, not the queues' clock). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The broker's clock, moved by the test: locks, expiries and schedules without waiting for them. */
function manualClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe("local Service Bus broker", () => {
  it("round-trips a message with all its properties and the broker annotations", async () => {
    const { connectionString } = await broker({ queues: [{ name: "documents" }] });
    expect(connectionString).toMatch(
      /^Endpoint=sb:\/\/localhost:\d+;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=[^;]+;UseDevelopmentEmulator=true$/,
    );
    const sb = client(connectionString);
    const before = Date.now();
    await sb.createSender("documents").sendMessages({
      body: { documentId: "d-1", pages: 3 },
      messageId: "m-1",
      correlationId: "c-1",
      contentType: "application/json",
      subject: "document.uploaded",
      to: "worker",
      replyTo: "replies",
      timeToLive: 60_000,
      applicationProperties: { tenant: "org-1", attempt: 2, urgent: true },
    });
    const message = await receiveOne(sb.createReceiver("documents"));
    expect(message.body).toEqual({ documentId: "d-1", pages: 3 });
    expect(message).toMatchObject({
      messageId: "m-1",
      correlationId: "c-1",
      contentType: "application/json",
      subject: "document.uploaded",
      to: "worker",
      replyTo: "replies",
      timeToLive: 60_000,
      applicationProperties: { tenant: "org-1", attempt: 2, urgent: true },
      deliveryCount: 0,
      state: "active",
    });
    expect(message.sequenceNumber?.toNumber()).toBe(1);
    expect(message.lockToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const enqueued = message.enqueuedTimeUtc?.getTime() ?? 0;
    expect(enqueued).toBeGreaterThanOrEqual(before);
    // Default lock duration: 60 s from the receive.
    expect(message.lockedUntilUtc!.getTime() - Date.now()).toBeGreaterThan(55_000);
    expect(message.expiresAtUtc?.getTime()).toBe(enqueued + 60_000);
  });

  it("completes a peek-locked message so it is gone for good", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages([{ body: "one" }, { body: "two" }]);
    const receiver = sb.createReceiver("q");
    const first = await receiveOne(receiver);
    expect(first.body).toBe("one");
    await receiver.completeMessage(first);
    const peeked = await receiver.peekMessages(10, { fromSequenceNumber: first.sequenceNumber });
    expect(peeked.map((m) => m.body)).toEqual(["two"]);
    const second = await receiveOne(receiver);
    expect(second.body).toBe("two");
    await receiver.completeMessage(second);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const error = await errorOf(receiver.completeMessage(second));
    expect((error as Error).message).toMatch(/already settled/);
  });

  it("dead-letters an abandoned message after exactly maxDeliveryCount deliveries", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q", maxDeliveryCount: 3 }] });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages({ body: "poison", messageId: "p-1" });
    const receiver = sb.createReceiver("q");
    const counts: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const message = await receiveOne(receiver);
      counts.push(message.deliveryCount ?? -1);
      await receiver.abandonMessage(message, { lastAttemptError: `attempt ${attempt}` });
    }
    expect(counts).toEqual([0, 1, 2]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    const dead = await receiveOne(sb.createReceiver("q", { subQueueType: "deadLetter" }));
    expect(dead.messageId).toBe("p-1");
    expect(dead.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    expect(dead.deadLetterErrorDescription).toMatch(/3 delivery attempts/);
    expect(dead.deadLetterSource).toBe("q");
    // Properties modified on abandon are kept.
    expect(dead.applicationProperties?.lastAttemptError).toBe("attempt 2");
  });

  it("redelivers a message whose lock expired, and refuses the stale lock", async () => {
    const clock = manualClock();
    const { connectionString } = await broker({ queues: [{ name: "q", lockDurationSeconds: 1 }], now: clock.now });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages({ body: "slow", messageId: "s-1" });
    // The SDK renews locks on its own by default; this receiver lets them lapse.
    const receiver = sb.createReceiver("q", { maxAutoLockRenewalDurationInMs: 0 });
    const first = await receiveOne(receiver);
    clock.advance(999);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
    clock.advance(1);
    const second = await receiveOne(receiver, 3000);
    expect(second.messageId).toBe("s-1");
    expect(second.deliveryCount).toBe(1);
    expect(second.lockToken).not.toBe(first.lockToken);
    const error = await errorOf(receiver.completeMessage(first));
    expect(isServiceBusError(error) && error.code).toBe("MessageLockLost");
    await receiver.completeMessage(second);
  });

  it("moves expired messages to the dead-letter queue, or drops them when deadLetterOnExpiry is false", async () => {
    const clock = manualClock();
    const { connectionString } = await broker({
      queues: [
        { name: "keep", ttlSeconds: 1 },
        { name: "drop", ttlSeconds: 1, deadLetterOnExpiry: false },
      ],
      now: clock.now,
    });
    const sb = client(connectionString);
    await sb.createSender("keep").sendMessages([{ body: "queue ttl" }, { body: "message ttl", timeToLive: 200 }]);
    await sb.createSender("drop").sendMessages({ body: "gone" });
    clock.advance(200);
    expect((await sb.createReceiver("keep").peekMessages(5)).map((m) => m.body)).toEqual(["queue ttl"]);
    clock.advance(800);
    expect(await sb.createReceiver("keep").receiveMessages(5, { maxWaitTimeInMs: 200 })).toEqual([]);
    expect(await sb.createReceiver("drop").receiveMessages(5, { maxWaitTimeInMs: 200 })).toEqual([]);
    const dead = await sb
      .createReceiver("keep", { subQueueType: "deadLetter" })
      .receiveMessages(5, { maxWaitTimeInMs: 500 });
    expect(dead.map((m) => m.body).sort()).toEqual(["message ttl", "queue ttl"]);
    expect(dead.every((m) => m.deadLetterReason === "TTLExpiredException")).toBe(true);
    const droppedDeadLetters = await sb.createReceiver("drop", { subQueueType: "deadLetter" }).peekMessages(5);
    expect(droppedDeadLetters).toEqual([]);
  });

  it("receives and settles dead-lettered messages from the dead-letter queue", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    await sb
      .createSender("q")
      .sendMessages({ body: { bad: true }, messageId: "b-1", applicationProperties: { tenant: "t" } });
    const receiver = sb.createReceiver("q");
    await receiver.deadLetterMessage(await receiveOne(receiver), {
      deadLetterReason: "ValidationFailed",
      deadLetterErrorDescription: "pages must be positive",
    });
    const deadLetters = sb.createReceiver("q", { subQueueType: "deadLetter" });
    const [peeked] = await deadLetters.peekMessages(1);
    expect(peeked.messageId).toBe("b-1");
    const dead = await receiveOne(deadLetters);
    expect(dead).toMatchObject({
      messageId: "b-1",
      body: { bad: true },
      deadLetterReason: "ValidationFailed",
      deadLetterErrorDescription: "pages must be positive",
      deadLetterSource: "q",
      applicationProperties: { tenant: "t", DeadLetterReason: "ValidationFailed" },
    });
    await deadLetters.completeMessage(dead);
    expect(await deadLetters.peekMessages(1)).toEqual([]);
    expect(await receiver.peekMessages(1)).toEqual([]);
  });

  it("renews a message lock", async () => {
    const clock = manualClock();
    const { connectionString } = await broker({ queues: [{ name: "q", lockDurationSeconds: 1 }], now: clock.now });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages({ body: "long job" });
    const receiver = sb.createReceiver("q", { maxAutoLockRenewalDurationInMs: 0 });
    const message = await receiveOne(receiver);
    const firstLock = message.lockedUntilUtc!.getTime();
    clock.advance(600);
    const renewed = await receiver.renewMessageLock(message);
    expect(renewed.getTime()).toBe(firstLock + 600);
    clock.advance(600);
    await receiver.renewMessageLock(message);
    clock.advance(600);
    // 1.8 s after receipt, past the 1 s lock duration: only the renewals keep the lock alive.
    await receiver.completeMessage(message);
    expect(await receiver.peekMessages(1)).toEqual([]);
  });

  it("receives a batch of 1,000 messages, each exactly once", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    const sent = Array.from({ length: 1000 }, (_, i) => ({ body: { i }, messageId: `m-${i}` }));
    await sb.createSender("q").sendMessages(sent);
    const receiver = sb.createReceiver("q");
    const seen = new Map<string, number>();
    while (seen.size < 1000) {
      const batch = await receiver.receiveMessages(250, { maxWaitTimeInMs: 1000 });
      expect(batch.length).toBeGreaterThan(0);
      await Promise.all(batch.map((m) => receiver.completeMessage(m)));
      for (const m of batch) seen.set(String(m.messageId), (seen.get(String(m.messageId)) ?? 0) + 1);
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect([...seen.keys()].sort()).toEqual(sent.map((m) => m.messageId).sort());
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
  });

  it("feeds a subscribe() handler and auto-completes what it handled", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages(Array.from({ length: 20 }, (_, i) => ({ body: i })));
    const receiver = sb.createReceiver("q");
    const handled: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            handled.push(message.body as number);
            if (handled.length === 20) subscription.close().then(resolve, reject);
          },
          processError: async ({ error }) => reject(error),
        },
        { maxConcurrentCalls: 5 },
      );
    });
    expect(handled.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // The completions travel after the handler returns: wait for them, not for a fixed time.
    await vi.waitFor(async () => expect(await receiver.peekMessages(20)).toEqual([]), { timeout: 5000, interval: 50 });
  });

  it("deletes on receive in receiveAndDelete mode", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages([{ body: 1 }, { body: 2 }]);
    const receiver = sb.createReceiver("q", { receiveMode: "receiveAndDelete" });
    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 1000 });
    expect(received.map((m) => m.body)).toEqual([1, 2]);
    expect(received[0].lockToken).toBeUndefined();
    expect(await receiver.peekMessages(5)).toEqual([]);
  });

  it("defers a message and receives it later by sequence number", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    await sb.createSender("q").sendMessages([{ body: "later" }, { body: "now" }]);
    const receiver = sb.createReceiver("q");
    const later = await receiveOne(receiver);
    await receiver.deferMessage(later);
    const now = await receiveOne(receiver);
    expect(now.body).toBe("now");
    await receiver.completeMessage(now);
    const [peeked] = await receiver.peekMessages(1, { fromSequenceNumber: later.sequenceNumber });
    expect(peeked.state).toBe("deferred");
    const [deferred] = await receiver.receiveDeferredMessages(later.sequenceNumber!);
    expect(deferred.body).toBe("later");
    expect(deferred.deliveryCount).toBe(1);
    await receiver.completeMessage(deferred);
    expect(await receiver.peekMessages(5)).toEqual([]);
  });

  it("schedules messages and cancels scheduled ones", async () => {
    const clock = manualClock();
    const { connectionString } = await broker({ queues: [{ name: "q" }], now: clock.now });
    const sb = client(connectionString);
    const sender = sb.createSender("q");
    const at = new Date(clock.now() + 700);
    const [kept] = await sender.scheduleMessages({ body: "kept" }, at);
    const [cancelled] = await sender.scheduleMessages({ body: "cancelled" }, at);
    await sender.cancelScheduledMessages(cancelled);
    const receiver = sb.createReceiver("q");
    const peeked = await receiver.peekMessages(5);
    expect(peeked.map((m) => [m.body, m.state])).toEqual([["kept", "scheduled"]]);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    clock.advance(700);
    const message = await receiveOne(receiver, 3000);
    expect(message.body).toBe("kept");
    expect(message.sequenceNumber?.equals(kept)).toBe(true);
    expect(message.enqueuedTimeUtc?.getTime()).toBe(at.getTime());
  });

  it("refuses a wrong key and an expired token with UnauthorizedAccess", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }], key: "right-key" });
    const wrongKey = connectionString.replace("SharedAccessKey=right-key", "SharedAccessKey=wrong-key");
    const error = await errorOf(client(wrongKey).createSender("q").sendMessages({ body: "x" }));
    expect(isServiceBusError(error) && error.code).toBe("UnauthorizedAccess");

    const endpoint = /Endpoint=([^;]+)/.exec(connectionString)![1];
    const expired = createSasToken(endpoint, { keyName: "RootManageSharedAccessKey", key: "right-key" }, 1_000_000);
    const withExpiredToken = `Endpoint=${endpoint};SharedAccessSignature=${expired};UseDevelopmentEmulator=true`;
    const expiredError = await errorOf(client(withExpiredToken).createReceiver("q").peekMessages(1));
    expect(isServiceBusError(expiredError) && expiredError.code).toBe("UnauthorizedAccess");
    expect((expiredError as Error).message).toMatch(/expired/i);

    const valid = createSasToken(
      endpoint,
      { keyName: "RootManageSharedAccessKey", key: "right-key" },
      Math.floor(Date.now() / 1000) + 60,
    );
    const withValidToken = `Endpoint=${endpoint};SharedAccessSignature=${valid};UseDevelopmentEmulator=true`;
    await client(withValidToken).createSender("q").sendMessages({ body: "signed" });
  });

  it("closes a socket that declares a frame over the limit before buffering it, and unauthenticated sockets after the handshake timeout", async () => {
    const running = await broker({ queues: [{ name: "q" }], handshakeTimeoutMs: 300 });
    const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const open = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect(running.port, "127.0.0.1", () => resolve(socket)).on("error", reject);
      });

    // A frame declaring 256 MiB, then the first MiB of it: the broker closes the socket at once.
    const greedy = await open();
    const greedyClosed = closed(greedy);
    const header = Buffer.alloc(8);
    header.writeUInt32BE(256 * 1024 * 1024, 0);
    header.writeUInt8(2, 4);
    greedy.on("error", () => {});
    greedy.write(Buffer.concat([Buffer.from("AMQP\x00\x01\x00\x00", "latin1"), header, Buffer.alloc(1024 * 1024)]));
    await greedyClosed;

    // Silent, and trickling a protocol header byte by byte: both are closed by the handshake deadline.
    const silent = await open();
    const trickling = await open();
    const ticker = setInterval(() => trickling.write("A"), 50);
    try {
      await Promise.all([closed(silent), closed(trickling)]);
    } finally {
      clearInterval(ticker);
    }

    // An authenticated client stays connected past the deadline, and large messages still pass.
    const sb = client(running.connectionString);
    await sb.createSender("q").sendMessages({ body: "before" });
    await sleep(500);
    await sb.createSender("q").sendMessages({ body: "x".repeat(200 * 1024) });
    const receiver = sb.createReceiver("q", { receiveMode: "receiveAndDelete" });
    expect((await receiveOne(receiver)).body).toBe("before");
    expect(((await receiveOne(receiver)).body as string).length).toBe(200 * 1024);
  });

  it("refuses an unknown queue with MessagingEntityNotFound", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    const sendError = await errorOf(sb.createSender("nope").sendMessages({ body: "x" }));
    expect(isServiceBusError(sendError) && sendError.code).toBe("MessagingEntityNotFound");
    const receiveError = await errorOf(sb.createReceiver("nope").receiveMessages(1, { maxWaitTimeInMs: 500 }));
    expect(isServiceBusError(receiveError) && receiveError.code).toBe("MessagingEntityNotFound");
  });

  it("refuses messages past maxMessagesPerQueue with QuotaExceeded", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }], maxMessagesPerQueue: 3 });
    const sb = client(connectionString);
    const sender = sb.createSender("q");
    await sender.sendMessages([{ body: 1 }, { body: 2 }]);
    const error = await errorOf(sender.sendMessages([{ body: 3 }, { body: 4 }]));
    expect(isServiceBusError(error) && error.code).toBe("QuotaExceeded");
    await sender.sendMessages({ body: 3 });
    expect((await sb.createReceiver("q").peekMessages(10)).map((m) => m.body)).toEqual([1, 2, 3]);
  });

  it("answers unsupported features with a clear error", async () => {
    const { connectionString } = await broker({ queues: [{ name: "q" }] });
    const sb = client(connectionString);
    const error = await errorOf(sb.acceptSession("q", "session-1"));
    expect(String((error as Error).message)).toMatch(/not supported by the local Service Bus broker/);
  });

  it("lets a client reconnect after the broker restarts on the same port (messages are not kept)", async () => {
    const first = await start({ queues: [{ name: "q" }], key: "k" });
    const sb = new ServiceBusClient(first.connectionString, { retryOptions: { maxRetries: 5, retryDelayInMs: 100 } });
    cleanups.push(() => sb.close());
    const sender = sb.createSender("q");
    const receiver = sb.createReceiver("q");
    await sender.sendMessages([{ body: "before restart" }, { body: "lost in restart" }]);
    expect((await receiveOne(receiver)).body).toBe("before restart");
    await first.stop();

    const second = await broker({ queues: [{ name: "q" }], key: "k", port: first.port });
    expect(second.connectionString).toBe(first.connectionString);
    await sender.sendMessages({ body: "after restart" });
    const message = await receiveOne(receiver, 5000);
    expect(message.body).toBe("after restart");
    await receiver.completeMessage(message);
  });
});
