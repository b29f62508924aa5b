// The local environment of a stack (`npm run dev`, the services' tests): the services on loopback
// with the queues the stack declares, so local runs and Azure agree on lock duration, TTL and max
// delivery count. Here, not in services/local, because reading the stack config is stack knowledge.
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  startLocalEnvironment,
  type LocalEnvironment,
  type LocalEnvironmentOptions,
} from "../services/local/environment.js";
import type { QueueOptions } from "../services/local/servicebus/index.js";
import { loadConfig } from "./config/load.js";
import { readStackFile } from "./config/stackfile.js";

const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The queues of a stack, as the estate declares them in Azure. */
export function stackQueues(projectDir: string, stack: string): QueueOptions[] {
  const file = readStackFile(projectDir, stack);
  return loadConfig(file.config, { stack, secretKeys: new Set(file.secretKeys) }).data.serviceBus.queues;
}

export interface StackEnvironmentOptions extends Omit<LocalEnvironmentOptions, "queues"> {
  /** The stack whose queues the broker serves (default: dev). */
  stack?: string;
}

/** The local environment with the queues of the project's stack (default: dev). */
export function startStackEnvironment(options: StackEnvironmentOptions = {}): Promise<LocalEnvironment> {
  const { stack = "dev", ...rest } = options;
  return startLocalEnvironment({ ...rest, queues: stackQueues(PROJECT_DIR, stack) });
}
