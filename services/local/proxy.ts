// A loopback TCP proxy in front of an emulator, for outage tests and the reliability bench: cut()
// resets every open connection and every new one until restore(), as a dependency that has gone
// away does; dropWhen() resets a connection when a chunk the client sends matches, to fail one
// kind of request (say, a Cosmos batch) and nothing else.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { LOOPBACK } from "./emulators.js";

export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  /** Resets connections whose next client chunk matches; undefined stops dropping. */
  dropWhen(match: ((chunk: Buffer) => boolean) | undefined): void;
  stop(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let down = false;
  let drop: ((chunk: Buffer) => boolean) | undefined;
  const pairs = new Set<[Socket, Socket]>();
  const server = createServer((client) => {
    if (down) return void client.resetAndDestroy();
    const upstream = new (client.constructor as typeof Socket)();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.on("data", (chunk: Buffer) => {
      if (drop?.(chunk)) {
        client.resetAndDestroy();
        return close();
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on("drain", () => client.resume());
    upstream.on("data", (chunk: Buffer) => {
      if (!client.write(chunk)) upstream.pause();
    });
    client.on("drain", () => upstream.resume());
    upstream.connect(targetPort, LOOPBACK);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, LOOPBACK, resolve));
  const resetAll = () => {
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: (server.address() as AddressInfo).port,
    cut: () => {
      down = true;
      resetAll();
    },
    restore: () => void (down = false),
    dropWhen: (match) => void (drop = match),
    stop: () =>
      new Promise<void>((resolve) => {
        resetAll();
        server.close(() => resolve());
      }),
  };
}
