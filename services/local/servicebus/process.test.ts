// The CLI and TLS, both of which need another process: the CLI is one, and a TLS client
// must trust the self-signed certificate from its start (NODE_EXTRA_CA_CERTS).
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ServiceBusClient, isServiceBusError } from "@azure/service-bus";
import { afterEach, describe, expect, it } from "vitest";
import { start } from "./index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const cliArgs = ["bin/run-ts.js", "services/local/servicebus/cli.ts"];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length) await (cleanups.pop() as () => Promise<void>)();
});

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  let output = "";
  for await (const chunk of child.stdout) {
    output += String(chunk);
    if (output.includes("\n")) return output.split("\n")[0];
  }
  throw new Error(`CLI exited without output`);
}

describe("local Service Bus broker processes", () => {
  it("CLI prints a connection string, applies queue settings and stops on SIGINT", async () => {
    const child = spawn(
      process.execPath,
      [...cliArgs, "--port", "0", "--queue", "jobs:maxDelivery=2,ttl=60", "--key", "cli-key"],
      {
        cwd: repoRoot,
      },
    );
    cleanups.push(async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
    });
    const connectionString = await firstLine(child);
    expect(connectionString).toMatch(
      /^Endpoint=sb:\/\/localhost:\d+;.*SharedAccessKey=cli-key;UseDevelopmentEmulator=true$/,
    );

    const sb = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0 } });
    await sb.createSender("jobs").sendMessages({ body: "job" });
    const receiver = sb.createReceiver("jobs");
    for (let attempt = 0; attempt < 2; attempt++) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      expect(message.expiresAtUtc!.getTime() - message.enqueuedTimeUtc!.getTime()).toBe(60_000);
      await receiver.abandonMessage(message);
    }
    const [dead] = await sb
      .createReceiver("jobs", { subQueueType: "deadLetter" })
      .receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    await sb.close();

    child.kill("SIGINT");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("CLI --help describes the options", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [...cliArgs, "--help"], { cwd: repoRoot });
    expect(stdout).toContain("--queue NAME[:SETTINGS]");
    expect(stdout).toContain("maxDelivery=N");
  });

  it("serves AMQPS with a self-signed certificate the client trusts via NODE_EXTRA_CA_CERTS", async () => {
    const broker = await start({ queues: [{ name: "q" }], tls: true });
    cleanups.push(() => broker.stop());
    expect(broker.connectionString).not.toContain("UseDevelopmentEmulator");
    // This process does not trust the certificate, so its client is refused.
    const untrusted = new ServiceBusClient(broker.connectionString, {
      retryOptions: { maxRetries: 0, timeoutInMs: 3000 },
    });
    cleanups.push(() => untrusted.close());
    const error = await untrusted
      .createSender("q")
      .sendMessages({ body: "x" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    expect(isServiceBusError(error) && error.code === "UnauthorizedAccess").toBe(false);

    const script = `
      import { ServiceBusClient } from "@azure/service-bus";
      const sb = new ServiceBusClient(process.env.CONNECTION_STRING, { retryOptions: { maxRetries: 0 } });
      await sb.createSender("q").sendMessages({ body: "over tls" });
      const [m] = await sb.createReceiver("q", { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 2000 });
      console.log(JSON.stringify(m.body));
      await sb.close();`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      env: { ...process.env, CONNECTION_STRING: broker.connectionString, NODE_EXTRA_CA_CERTS: broker.certificatePath },
    });
    expect(stdout.trim()).toBe('"over tls"');
  });
});
