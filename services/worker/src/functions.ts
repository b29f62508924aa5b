// The worker's functions, shared by Azure (index.ts) and the local host.
import { containers, createDataClients, type DataClients } from "../../shared/azure.js";
import type { FunctionSet } from "../../shared/functions.js";
import type { Logger } from "../../shared/log.js";
import type { WorkerConfig } from "./config.js";
import { processDocumentMessage, reconcileDeadLetters } from "./process.js";

/** Dead-lettered messages looked at per reconciliation run. */
const DEAD_LETTERS_PER_RUN = 100;

export interface WorkerDependencies {
  config: WorkerConfig;
  data: DataClients;
  log: Logger;
}

export const createWorkerDependencies = (config: WorkerConfig, log: Logger): WorkerDependencies => ({
  config,
  log,
  data: createDataClients(config),
});

export function createWorkerFunctions({ config, data, log }: WorkerDependencies): FunctionSet {
  const deps = {
    documents: data.database.container(containers.documents),
    blobs: data.blobs,
    maxDeliveryCount: config.DOCUMENTS_MAX_DELIVERY_COUNT,
    log,
  };
  return {
    http: [],
    serviceBusQueues: [
      {
        name: "process-document",
        queueName: "%DOCUMENTS_QUEUE%",
        connection: "SERVICEBUS",
        handler: (message, context) => processDocumentMessage(deps, message, context),
      },
    ],
    timers: [
      {
        name: "reconcile-dead-letters",
        everySeconds: 60,
        handler: async () => {
          // A new receiver each run: a receiver's peek cursor only moves forward.
          const receiver = data.serviceBus.createReceiver(config.DOCUMENTS_QUEUE, { subQueueType: "deadLetter" });
          try {
            await reconcileDeadLetters(deps, await receiver.peekMessages(DEAD_LETTERS_PER_RUN));
          } finally {
            await receiver.close();
          }
        },
      },
    ],
  };
}
