import { z } from "zod";
import { bindingSettings } from "../../shared/bindings.js";
import { loadConfig, setting } from "../../shared/config.js";
import type { Logger } from "../../shared/log.js";
import { passwordlessSettings } from "../../shared/passwordless.js";

/** Exactly the settings of services/chatlings-web/manifest.json, and PORT. */
export const chatlingsSettings = z.object({
  /** App Service tells the app which port to listen on. */
  PORT: setting.positiveInt(8080, 65535),
  AZURE_CLIENT_ID: bindingSettings.AZURE_CLIENT_ID,
  REDIS_URL: passwordlessSettings.redisUrl(),
  /** The Entra principal the cache's access policy names (the service identity); unused on loopback. */
  REDIS_USER: bindingSettings.name(),
  // libpq's names; the host may carry a port (the local environment's server has no fixed one).
  PGHOST: passwordlessSettings.postgresHost(),
  PGDATABASE: bindingSettings.name(),
  /** The PostgreSQL role of the service identity. */
  PGUSER: bindingSettings.name(),
  /** Bound for the real-time part of the game, the users' own code: this app does not call it. */
  SIGNALR_ENDPOINT: bindingSettings.endpoint().optional(),
  /** Messages one author may post a minute, counted in Redis across every instance. */
  MESSAGES_PER_MINUTE: setting.positiveInt(30, 10_000),
});
export type ChatlingsConfig = z.infer<typeof chatlingsSettings>;

export const loadChatlingsConfig = (env: Record<string, string | undefined>, log: Logger): ChatlingsConfig =>
  loadConfig(chatlingsSettings, env, log);
