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
  /** Seconds a fetched JWKS is used: a withdrawn signing key stops verifying new tokens within this. */
  AUTH_JWKS_MAX_AGE_SECONDS: setting.positiveInt(60, 600),
  /**
   * HMAC key of the list cursors (at least 32 characters), the same on every instance. Without it
   * each instance signs with a random key of its own, and a cursor only pages on the instance that
   * issued it.
   */
  CURSOR_SIGNING_KEY: z.string().min(32, "must be at least 32 characters").optional(),
};

export const apiConfigSchema = z.object(apiSettings);
export type ApiConfig = z.infer<typeof apiConfigSchema>;

export const loadApiConfig = (env: Record<string, string | undefined>, log: Logger): ApiConfig =>
  loadConfig(apiConfigSchema, env, log, checkDataSettings);
