import { z } from "zod";
import { checkDataSettings, dataSettings } from "../../shared/azure.js";
import { loadConfig, setting } from "../../shared/config.js";
import type { Logger } from "../../shared/log.js";

/** The worker's app settings: exactly the names in services/worker/manifest.json. */
export const workerSettings = {
  ...dataSettings,
  /** The queue's maxDeliveryCount: the attempt that reaches it records the document as failed. */
  DOCUMENTS_MAX_DELIVERY_COUNT: setting.positiveInt(5, 2000),
};

export const workerConfigSchema = z.object(workerSettings);
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export const loadWorkerConfig = (env: Record<string, string | undefined>, log: Logger): WorkerConfig =>
  loadConfig(workerConfigSchema, env, log, checkDataSettings);
