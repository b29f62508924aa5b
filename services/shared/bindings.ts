// The settings of a manifest's bindings (services/manifest.ts), validated at start-up like the
// others. In Azure the app signs in to each with its service identity: no key or password here.
import { z } from "zod";
import { setting } from "./config.js";

const hostName = () =>
  z.string({ required_error: "is required" }).regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, "must be a host name");

export const bindingSettings = {
  /** The service identity's client id (`identity.clientId`); absent locally, where no managed identity exists. */
  AZURE_CLIENT_ID: z.string().uuid("must be a client id (GUID)").optional(),
  /** `redis.url`: rediss://<host>:6380 in Azure. */
  redisUrl: () =>
    z
      .string({ required_error: "is required" })
      .regex(/^rediss?:\/\/[^\s/]+(:\d+)?\/?$/, "must be a redis:// or rediss:// URL with a host"),
  /** `redis.user`, `postgresql.user`, `mysql.user`, `sql.database`, `*.database`: a name the server knows. */
  name: setting.name,
  /** `sql.server`, `postgresql.host`, `mysql.host`. */
  host: hostName,
  /** `search.endpoint`, `openai.endpoint`, `signalr.endpoint`, `webPubSub.endpoint`, `appConfig.endpoint`. */
  endpoint: () => setting.url().refine((url) => /^https?:\/\//.test(url), "must be an http(s) URL"),
};
