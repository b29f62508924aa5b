// The queues of a stack, as the estate declares them in Azure: the local broker serves exactly
// these, so local runs and Azure agree on lock duration, TTL and max delivery count.
import { readStackFile } from "../../cli/plan/stackfile.js";
import { loadConfig } from "../../stacks/config/load.js";
import type { QueueOptions } from "./servicebus/index.js";

export function stackQueues(projectDir: string, stack = "dev"): QueueOptions[] {
  const file = readStackFile(projectDir, stack);
  return loadConfig(file.config, { stack, secretKeys: new Set(file.secretKeys) }).data.serviceBus.queues;
}
