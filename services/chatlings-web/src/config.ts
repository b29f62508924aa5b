import { z } from "zod";
import { bindingSettings } from "../../shared/bindings.js";
import { setting } from "../../shared/config.js";

/** Exactly the settings of services/chatlings-web/manifest.json, and PORT. */
export const chatlingsSettings = z.object({
  /** App Service tells the app which port to listen on. */
  PORT: setting.positiveInt(8080, 65535),
  AZURE_CLIENT_ID: bindingSettings.AZURE_CLIENT_ID,
  REDIS_URL: bindingSettings.redisUrl(),
  REDIS_USER: bindingSettings.name(),
  // libpq's own names: node-postgres and psql read them as they are.
  PGHOST: bindingSettings.host(),
  PGDATABASE: bindingSettings.name(),
  PGUSER: bindingSettings.name(),
  SIGNALR_ENDPOINT: bindingSettings.endpoint(),
});
export type ChatlingsConfig = z.infer<typeof chatlingsSettings>;
