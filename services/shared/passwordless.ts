// Clients for the data services whose wire protocol takes a user and a password: Redis and
// PostgreSQL. In Azure the password is a Microsoft Entra access token of the app's managed identity
// (access keys and passwords are off); on loopback, where the local environment's own servers trust
// the connection, there is no password at all. The same code runs in both places.
import type { TokenCredential } from "@azure/identity";
import { createClient, type RedisClientOptions, type RedisClientType } from "@redis/client";
import pg from "pg";
import { z } from "zod";
import { bindingSettings } from "./bindings.js";

/** https://learn.microsoft.com/azure/azure-cache-for-redis/cache-azure-active-directory-for-authentication */
export const REDIS_TOKEN_SCOPE = "https://redis.azure.com/.default";
/** https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity, https://learn.microsoft.com/azure/service-connector/how-to-integrate-postgres */
export const POSTGRESQL_TOKEN_SCOPE = "https://ossrdbms-aad.database.windows.net/.default";
/** Azure Database for PostgreSQL flexible server's port. */
const POSTGRESQL_PORT = 5432;
/** How long before a token's expiry a Redis connection authenticates again with a new one. */
const REAUTH_MARGIN_MS = 5 * 60_000;
/** A dependency that does not answer within this is down for the request (503), not hung. */
const CONNECT_TIMEOUT_MS = 2_000;

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
export const isLoopback = (host: string) => LOOPBACK_HOSTS.has(host);

/** The app's identity, created only when a connection leaves the machine. */
export type Identity = () => TokenCredential;

/** Setting schemas for the two, beside the bindings' own (shared/bindings.ts). */
export const passwordlessSettings = {
  /** `rediss://<host>:6380` in Azure; `redis://` only to a loopback server (Azure's caches take TLS only). */
  redisUrl: () =>
    bindingSettings
      .redisUrl()
      .refine(
        (url) => url.startsWith("rediss://") || isLoopback(new URL(url).hostname),
        "must use TLS (rediss://) unless the server is on loopback",
      ),
  /** `<host>` (port 5432) or `<host>:<port>`. */
  postgresHost: () =>
    z
      .string({ required_error: "is required" })
      .regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/, "must be a host name, optionally with :port"),
};

export interface RedisConnection {
  url: string;
  /** The Entra principal the cache's access policy assignment names; unused on loopback. */
  user: string;
}

/**
 * A Redis client that fails commands at once while disconnected (the caller answers 503) and
 * reconnects by itself. In Azure it authenticates with a token and, before that token expires,
 * authenticates the open connection again with a new one, as the cache requires.
 */
export function createRedisClient(
  connection: RedisConnection,
  identity: Identity,
  onError: (error: Error) => void,
): RedisClientType {
  const local = isLoopback(new URL(connection.url).hostname);
  const client = createClient({
    url: connection.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000) },
    ...(local ? {} : { credentialsProvider: entraRedisCredentials(connection.user, identity) }),
  });
  client.on("error", onError);
  return client as RedisClientType;
}

type StreamingCredentialsProvider = Extract<
  NonNullable<RedisClientOptions["credentialsProvider"]>,
  { type: "streaming-credentials-provider" }
>;

/** Exported for its test: the provider the Redis client uses off loopback. */
export function entraRedisCredentials(username: string, identity: Identity): StreamingCredentialsProvider {
  const fetchToken = async () => {
    const token = await identity().getToken(REDIS_TOKEN_SCOPE);
    if (!token) throw new Error(`no Microsoft Entra token for ${REDIS_TOKEN_SCOPE}`);
    return token;
  };
  return {
    type: "streaming-credentials-provider",
    subscribe: async (listener) => {
      let timer: NodeJS.Timeout | undefined;
      const schedule = (expiresOn: number) => {
        timer = setTimeout(
          () => {
            fetchToken().then(
              (token) => {
                listener.onNext({ username, password: token.token });
                schedule(token.expiresOnTimestamp);
              },
              (error: Error) => listener.onError(error),
            );
          },
          Math.max(expiresOn - Date.now() - REAUTH_MARGIN_MS, 1_000),
        );
        timer.unref();
      };
      const first = await fetchToken();
      schedule(first.expiresOnTimestamp);
      return [{ username, password: first.token }, { dispose: () => clearTimeout(timer) }];
    },
    onReAuthenticationError: () => {
      // The connection keeps its old authentication until the cache closes it; the client then
      // reconnects with a freshly fetched token.
    },
  };
}

export interface PostgresConnection {
  /** `<host>` or `<host>:<port>`. */
  host: string;
  database: string;
  /** The PostgreSQL role of the app's identity (in Azure, the Entra principal's name). */
  user: string;
}

/**
 * A pool whose connections carry a fresh Entra token as the password in Azure (with TLS, which the
 * flexible server requires), and no password and no TLS on loopback.
 */
export function createPostgresPool(
  connection: PostgresConnection,
  identity: Identity,
  onError: (error: Error) => void,
): pg.Pool {
  const [host, port] = connection.host.split(":");
  const local = isLoopback(host);
  const pool = new pg.Pool({
    host,
    port: port ? Number(port) : POSTGRESQL_PORT,
    database: connection.database,
    user: connection.user,
    ssl: !local,
    // A function: pg calls it for every new connection, so the token is never stale.
    password: local
      ? undefined
      : async () => {
          const token = await identity().getToken(POSTGRESQL_TOKEN_SCOPE);
          if (!token) throw new Error(`no Microsoft Entra token for ${POSTGRESQL_TOKEN_SCOPE}`);
          return token.token;
        },
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection that breaks (the server restarts) must not crash the process.
  pool.on("error", onError);
  return pool;
}
