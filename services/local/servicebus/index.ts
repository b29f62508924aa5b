// Public API of the local Service Bus broker: an AMQP 1.0 server on 127.0.0.1 that the
// unmodified @azure/service-bus client talks to (see README.md for what is supported).
import { randomBytes } from "node:crypto";
import type { AddressInfo, Server, Socket } from "node:net";
import rhea from "rhea";
import { Broker } from "./broker.js";
import { type QueueOptions, DEFAULT_MAX_MESSAGES_PER_QUEUE, Queue, resolveQueueOptions } from "./queue.js";
import { frameSizeWatch } from "./frames.js";
import { createTlsMaterial } from "./tls.js";

export type { QueueOptions } from "./queue.js";

export interface StartOptions {
  queues: QueueOptions[];
  /** 0 or absent: a free port. */
  port?: number;
  /** Default RootManageSharedAccessKey. */
  keyName?: string;
  /** Default: a random key for this broker. */
  key?: string;
  /** Messages a queue holds (its dead-letter queue included) before sends fail with QuotaExceeded. */
  maxMessagesPerQueue?: number;
  /** Serve AMQPS with a generated self-signed certificate (see README: the client must trust it). */
  tls?: boolean;
  /** Largest frame a client may send (advertised in the broker's open); larger closes the socket. Default 1 MiB. */
  maxFrameBytes?: number;
  /** A socket that has not put a valid token on $cbs within this closes, idle or not. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** The clock of message locks, expiries, schedules and token expiry (ms since the epoch). Default Date.now; tests move a manual one. */
  now?: () => number;
}

export interface RunningBroker {
  connectionString: string;
  port: number;
  /** With tls: the PEM file of the self-signed certificate, for NODE_EXTRA_CA_CERTS. */
  certificatePath?: string;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const DEFAULT_KEY_NAME = "RootManageSharedAccessKey";
// How long stop() lets clients read the close frame before their sockets are destroyed.
const CLOSE_GRACE_MS = 250;
/** Service Bus Standard takes messages of up to 256 KB; a frame of 1 MiB carries any of them. */
const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export async function start(opts: StartOptions): Promise<RunningBroker> {
  const queueOptions = opts.queues.map(resolveQueueOptions);
  const names = new Set<string>();
  for (const { name } of queueOptions) {
    if (names.has(name.toLowerCase())) throw new Error(`Queue '${name}' is configured twice`);
    names.add(name.toLowerCase());
  }
  const maxMessages = opts.maxMessagesPerQueue ?? DEFAULT_MAX_MESSAGES_PER_QUEUE;
  if (!(maxMessages > 0)) throw new Error("maxMessagesPerQueue must be greater than 0");
  const keyName = opts.keyName ?? DEFAULT_KEY_NAME;
  const key = opts.key ?? randomBytes(32).toString("base64");
  const tls = opts.tls ? await createTlsMaterial() : undefined;

  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const handshakeTimeoutMs = opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const now = opts.now ?? Date.now;
  const container = rhea.create_container({ id: "estate-local-servicebus" });
  const listenOptions = {
    host: HOST,
    port: opts.port ?? 0,
    // Settlement is decided by the broker (quota, lock state), never automatically by rhea.
    autoaccept: false,
    treat_modified_as_released: false,
    max_frame_size: maxFrameBytes,
    ...(tls ? { transport: "tls" as const, key: tls.key, cert: tls.cert } : {}),
  };
  const server = container.listen(listenOptions as Parameters<typeof container.listen>[0]) as Server;
  const sockets = new Set<Socket>();
  let broker: Broker | undefined;
  server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    // Ahead of rhea's own listener (prepended), so an oversized frame is refused before it is buffered.
    socket.prependListener(
      "data",
      frameSizeWatch(maxFrameBytes, () => socket.destroy()),
    );
    const handshake = setTimeout(() => {
      if (!broker?.isAuthenticated(socket)) socket.destroy();
    }, handshakeTimeoutMs);
    handshake.unref();
    socket.on("close", () => {
      clearTimeout(handshake);
      sockets.delete(socket);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;

  const endpoint = `sb://localhost:${port}`;
  broker = new Broker(container, {
    queues: queueOptions.map((options) => new Queue(options, maxMessages, now)),
    credential: { keyName, key },
    endpoint,
    now,
  });

  // Plain AMQP needs UseDevelopmentEmulator=true (the SDK then uses TCP); without it the SDK speaks TLS.
  const connectionString =
    `Endpoint=${endpoint};SharedAccessKeyName=${keyName};SharedAccessKey=${key}` +
    (tls ? "" : ";UseDevelopmentEmulator=true");

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      broker.closeConnections();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await waitUntil(() => sockets.size === 0, CLOSE_GRACE_MS);
      for (const socket of sockets) socket.destroy();
      await closed;
      await tls?.cleanup();
    })();
    return stopped;
  };
  return { connectionString, port, certificatePath: tls?.certificatePath, stop };
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}
