// CLI: node bin/run-ts.js services/local/servicebus/cli.ts --port 5672 --queue document-processing[:maxDelivery=3,ttl=86400]
import { parseArgs } from "node:util";
import { type QueueOptions, start } from "./index.js";

const USAGE = `Local Service Bus broker (AMQP 1.0 for the @azure/service-bus client)

Usage: node bin/run-ts.js services/local/servicebus/cli.ts [options]

Options:
  --queue NAME[:SETTINGS]   a queue; repeat for more. SETTINGS is a comma-separated list of
                            maxDelivery=N, ttl=SECONDS, lock=SECONDS, deadLetterOnExpiry=true|false
  --port N                  port on 127.0.0.1 (default 5672; 0 picks a free port)
  --key-name NAME           shared access key name (default RootManageSharedAccessKey)
  --key KEY                 shared access key (default: random)
  --max-messages N          messages per queue, dead-letter queue included (default 10000)
  --tls                     serve AMQPS with a generated self-signed certificate
  --help                    show this help

Prints the connection string, then serves until SIGINT or SIGTERM. Messages live in memory only.`;

const NUMERIC_SETTINGS: Record<string, "maxDeliveryCount" | "ttlSeconds" | "lockDurationSeconds"> = {
  maxDelivery: "maxDeliveryCount",
  ttl: "ttlSeconds",
  lock: "lockDurationSeconds",
};

function parseQueue(spec: string): QueueOptions {
  const [name, settings] = spec.split(":", 2);
  const queue: QueueOptions = { name };
  for (const setting of settings ? settings.split(",") : []) {
    const [key, value] = setting.split("=", 2);
    const field = NUMERIC_SETTINGS[key];
    if (key === "deadLetterOnExpiry" && (value === "true" || value === "false")) {
      queue.deadLetterOnExpiry = value === "true";
    } else if (field && Number(value) > 0) {
      queue[field] = Number(value);
    } else {
      throw new Error(`Invalid queue setting '${setting}' in '${spec}' (see --help)`);
    }
  }
  return queue;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      queue: { type: "string", multiple: true },
      port: { type: "string" },
      "key-name": { type: "string" },
      key: { type: "string" },
      "max-messages": { type: "string" },
      tls: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.queue?.length) throw new Error("At least one --queue is needed (see --help)");
  const broker = await start({
    queues: values.queue.map(parseQueue),
    port: values.port === undefined ? 5672 : Number(values.port),
    keyName: values["key-name"],
    key: values.key,
    maxMessagesPerQueue: values["max-messages"] === undefined ? undefined : Number(values["max-messages"]),
    tls: values.tls,
  });
  console.log(broker.connectionString);
  if (broker.certificatePath)
    console.error(`Self-signed certificate: ${broker.certificatePath} (trust it with NODE_EXTRA_CA_CERTS)`);
  const shutdown = (): void => {
    broker.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
