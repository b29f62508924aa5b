import { z } from "zod";
import { authSettings } from "../../shared/auth.js";
import { dataSettings, checkDataSettings } from "../../shared/azure.js";
import { loadConfig, setting } from "../../shared/config.js";
import type { Logger } from "../../shared/log.js";

/** The API's app settings: exactly the names in services/api/manifest.json. */
export const apiSettings = {
  ...dataSettings,
  ...authSettings,
  /** Largest accepted document upload; Functions itself stops at 100 MB. */
  MAX_UPLOAD_BYTES: setting.positiveInt(10 * 1024 * 1024, 100 * 1024 * 1024),
  /** Minimum seconds between JWKS refetches for unknown key ids. */
  AUTH_JWKS_COOLDOWN_SECONDS: setting.positiveInt(30, 3600),
};

export const apiConfigSchema = z.object(apiSettings);
export type ApiConfig = z.infer<typeof apiConfigSchema>;

export const loadApiConfig = (env: Record<string, string | undefined>, log: Logger): ApiConfig =>
  loadConfig(apiConfigSchema, env, log, checkDataSettings);
