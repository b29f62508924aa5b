// The worker's functions, shared by Azure (index.ts) and the local host.
import { containers, createDataClients, type DataClients } from "../../shared/azure.js";
import type { FunctionSet } from "../../shared/functions.js";
import type { Logger } from "../../shared/log.js";
import type { WorkerConfig } from "./config.js";
import { processDocumentMessage } from "./process.js";

export interface WorkerDependencies {
  config: WorkerConfig;
  data: DataClients;
  log: Logger;
}

export const createWorkerDependencies = (config: WorkerConfig, log: Logger): WorkerDependencies => ({ config, log, data: createDataClients(config) });

export function createWorkerFunctions({ config, data, log }: WorkerDependencies): FunctionSet {
  const deps = { documents: data.database.container(containers.documents), blobs: data.blobs, maxDeliveryCount: config.DOCUMENTS_MAX_DELIVERY_COUNT, log };
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
  };
}
