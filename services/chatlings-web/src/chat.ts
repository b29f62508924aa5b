// Chatlings' chat rooms, the part of seed 004 the estate's data tier serves: messages are rows in
// PostgreSQL, and the per-author rate limit is a counter in Redis shared by every instance (ARR
// affinity is off, so consecutive requests land on different instances).
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { ErrorReply } from "@redis/client";
import pg from "pg";
import type { HealthCheck } from "../../shared/health.js";
import type { Logger } from "../../shared/log.js";
import { createPostgresPool, createRedisClient } from "../../shared/passwordless.js";
import { ProblemError } from "../../shared/problem.js";
import type { ChatlingsConfig } from "./config.js";

export interface Message {
  id: string;
  room: string;
  author: string;
  text: string;
  created_at: string;
}

export interface ChatData {
  /** Counts one more message of `author` in this minute; throws rate-limited past the limit. */
  countMessage(author: string): Promise<void>;
  post(room: string, author: string, text: string): Promise<Message>;
  /** Newest first. */
  list(room: string, limit: number): Promise<Message[]>;
  checks: HealthCheck[];
  close(): Promise<void>;
}

/**
 * The app's tables. Its role may only read and write rows (the postgresql binding's grant), so the
 * database's owner creates them: locally the environment does (services/local/environment.ts).
 */
export const CHATLINGS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room text NOT NULL,
    author text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id DESC);`;

/** Redis key of an author's counter for one minute; it expires with the minute. */
export const rateKey = (author: string, minute: number) => `chatlings:rate:${author}:${minute}`;

/**
 * A server that answered with an error is a bug here (500); one that did not answer, refused the
 * connection or is still being reconnected to is down (503), and the client may retry.
 */
async function dependency<T>(name: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProblemError || error instanceof ErrorReply || error instanceof pg.DatabaseError) throw error;
    throw new ProblemError("dependency-unavailable", `${name} did not answer; retry later`, {}, { "Retry-After": "5" });
  }
}

export function createChatData(config: ChatlingsConfig, log: Logger): ChatData {
  let credential: TokenCredential | undefined;
  const identity = () =>
    (credential ??= new DefaultAzureCredential({ managedIdentityClientId: config.AZURE_CLIENT_ID }));
  const redis = createRedisClient({ url: config.REDIS_URL, user: config.REDIS_USER }, identity, (error) =>
    log("warn", "redis connection error", { error: String(error) }),
  );
  // Not awaited: the client keeps reconnecting, and until it is connected commands fail at once.
  redis.connect().catch((error: unknown) => log("warn", "redis connect failed", { error: String(error) }));
  const pool = createPostgresPool(
    { host: config.PGHOST, database: config.PGDATABASE, user: config.PGUSER },
    identity,
    (error) => log("warn", "postgresql connection error", { error: String(error) }),
  );

  const query = <R extends pg.QueryResultRow>(text: string, values: unknown[]) =>
    dependency("PostgreSQL", () => pool.query<R>(text, values));
  const toMessage = (row: { id: string; room: string; author: string; text: string; created_at: Date }): Message => ({
    ...row,
    id: String(row.id),
    created_at: row.created_at.toISOString(),
  });

  return {
    async countMessage(author) {
      const now = Date.now();
      const minute = Math.floor(now / 60_000);
      const [count] = await dependency("Redis", () =>
        redis.multi().incr(rateKey(author, minute)).expire(rateKey(author, minute), 60).exec(),
      );
      if (Number(count) > config.MESSAGES_PER_MINUTE) {
        const retryAfter = Math.ceil(((minute + 1) * 60_000 - now) / 1000);
        throw new ProblemError(
          "rate-limited",
          `at most ${config.MESSAGES_PER_MINUTE} messages a minute per author`,
          { limit: config.MESSAGES_PER_MINUTE },
          { "Retry-After": String(retryAfter) },
        );
      }
    },
    async post(room, author, text) {
      const { rows } = await query<Parameters<typeof toMessage>[0]>(
        "INSERT INTO messages (room, author, text) VALUES ($1, $2, $3) RETURNING id, room, author, text, created_at",
        [room, author, text],
      );
      return toMessage(rows[0]);
    },
    async list(room, limit) {
      const { rows } = await query<Parameters<typeof toMessage>[0]>(
        "SELECT id, room, author, text, created_at FROM messages WHERE room = $1 ORDER BY id DESC LIMIT $2",
        [room, limit],
      );
      return rows.map(toMessage);
    },
    checks: [
      { name: "redis", required: true, probe: () => redis.ping() },
      { name: "postgresql", required: true, probe: () => pool.query("SELECT 1") },
    ],
    async close() {
      if (redis.isOpen) redis.destroy();
      await pool.end();
    },
  };
}
