// The Entra path of the Redis client against a real Redis server: the token is the password of the
// principal the access policy names, and before it expires the open connection authenticates again
// with a new one. Azure's token service is the one part played by a stand-in credential.
import type { AccessToken, TokenCredential } from "@azure/identity";
import { createClient } from "@redis/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../local/servers.js";
import { entraRedisCredentials, isLoopback, passwordlessSettings, REDIS_TOKEN_SCOPE } from "./passwordless.js";

const PRINCIPAL = "0f6c1d2e-3a4b-4c5d-8e9f-a0b1c2d3e4f5";
let server: RedisServer;
let admin: ReturnType<typeof createClient>;

beforeAll(async () => {
  server = await startRedisServer();
  admin = createClient({ url: server.url });
  await admin.connect();
}, 120_000);
afterAll(async () => {
  admin?.destroy();
  await server?.stop();
});

/** Hands out the given tokens in turn, recording the scopes asked for. */
function tokens(...issued: AccessToken[]): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken: async (scope) => {
      scopes.push(String(scope));
      return issued[Math.min(scopes.length - 1, issued.length - 1)];
    },
  };
}

describe("the Redis client's Entra credentials", () => {
  it("sign in as the principal with the token, and authenticate the open connection again before it expires", async () => {
    await admin.sendCommand(["ACL", "SETUSER", PRINCIPAL, "on", ">first-token", "~*", "&*", "+@all"]);
    await admin.sendCommand(["ACL", "LOG", "RESET"]);
    // Expires in 5 min 1 s: the renewal is due 1 s from now (five minutes ahead of expiry).
    const credential = tokens(
      { token: "first-token", expiresOnTimestamp: Date.now() + 5 * 60_000 + 1_000 },
      { token: "second-token-not-granted", expiresOnTimestamp: Date.now() + 3_600_000 },
    );
    const client = createClient({
      url: server.url,
      credentialsProvider: entraRedisCredentials(PRINCIPAL, () => credential),
    });
    client.on("error", () => {});
    await client.connect();
    try {
      expect(await client.sendCommand(["ACL", "WHOAMI"])).toBe(PRINCIPAL);
      expect(credential.scopes).toEqual([REDIS_TOKEN_SCOPE]);
      // The second token is not a password of the user, so the server logs the re-authentication it refused.
      let log: unknown[] = [];
      for (let attempt = 0; attempt < 40 && log.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        log = (await admin.sendCommand(["ACL", "LOG"])) as unknown[];
      }
      expect(credential.scopes).toEqual([REDIS_TOKEN_SCOPE, REDIS_TOKEN_SCOPE]);
      expect(JSON.stringify(log)).toContain(PRINCIPAL);
      expect(JSON.stringify(log)).toContain("auth");
    } finally {
      client.destroy();
    }
  });

  it("are used only off loopback, and a plain redis:// URL only to loopback", () => {
    expect(["127.0.0.1", "localhost", "::1"].every(isLoopback)).toBe(true);
    expect(isLoopback("redis-chat-prod.redis.cache.windows.net")).toBe(false);
    const url = passwordlessSettings.redisUrl();
    expect(url.safeParse("redis://127.0.0.1:6379").success).toBe(true);
    expect(url.safeParse("rediss://redis-chat-prod.redis.cache.windows.net:6380").success).toBe(true);
    expect(url.safeParse("redis://redis-chat-prod.redis.cache.windows.net:6379").error?.issues[0].message).toBe(
      "must use TLS (rediss://) unless the server is on loopback",
    );
    expect(passwordlessSettings.postgresHost().safeParse("127.0.0.1:54321").success).toBe(true);
    expect(passwordlessSettings.postgresHost().safeParse("psql-chat.postgres.database.azure.com").success).toBe(true);
    expect(passwordlessSettings.postgresHost().safeParse("psql-chat.postgres.database.azure.com/db").success).toBe(
      false,
    );
  });
});
