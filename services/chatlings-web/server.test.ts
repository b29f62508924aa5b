// chatlings-web end to end in the local environment: real Redis and PostgreSQL servers on loopback,
// bound through its manifest, with what it writes read back from the servers directly.
import { createClient } from "@redis/client";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTH_PATH as PLATFORM_HEALTH_PATH } from "../../infra/core/health.js";
import { type LocalEnvironment } from "../local/environment.js";
import { startStackEnvironment } from "../../stacks/local.js";
import { PROBLEM_CONTENT_TYPE } from "../shared/problem.js";
import { rateKey } from "./src/chat.js";
import { HEALTH_PATH } from "./src/server.js";

const LIMIT = 5;
let env: LocalEnvironment;
let base: string;
let database: pg.Client;
let redis: ReturnType<typeof createClient>;

beforeAll(async () => {
  env = await startStackEnvironment({
    services: ["chatlings-web"],
    proxies: true,
    settings: { MESSAGES_PER_MINUTE: String(LIMIT) },
  });
  base = env.webApps["chatlings-web"].url;
  // Straight to the servers, past the proxies and the app.
  database = new pg.Client({
    host: env.postgresql!.host,
    port: env.postgresql!.port,
    user: env.postgresql!.superuser,
    database: "chatlings",
  });
  await database.connect();
  redis = createClient({ url: env.redis!.url });
  await redis.connect();
}, 120_000);
afterAll(async () => {
  await database?.end();
  redis?.destroy();
  await env?.stop();
});

const post = (room: string, body: unknown, headers: Record<string, string> = { "Content-Type": "application/json" }) =>
  fetch(`${base}/api/v1/rooms/${room}/messages`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function expectProblem(response: Response, status: number, slug: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe(PROBLEM_CONTENT_TYPE);
  const problem = await response.json();
  expect(problem).toMatchObject({ type: `urn:estate:problem:${slug}`, status });
  return problem;
}

const rowsOf = async (author: string) =>
  (await database.query("SELECT room, author, text FROM messages WHERE author = $1 ORDER BY id", [author])).rows;

/** The client reconnects with a backoff of at most 2 s: a bounded wait for the app to see the server again. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the app did not recover within 10 s");
}

describe("chatlings-web on the local environment", () => {
  it("is given the local servers' addresses (through the proxies here) and no password", () => {
    const settings = env.settingsFor("chatlings-web");
    const { redis: redisProxy, postgresql: postgresqlProxy } = env.proxies!;
    expect(settings).toMatchObject({
      REDIS_URL: `redis://127.0.0.1:${redisProxy!.port}`,
      REDIS_USER: "default",
      PGHOST: `127.0.0.1:${postgresqlProxy!.port}`,
      PGDATABASE: "chatlings",
      PGUSER: "chatlings-web",
    });
    // SignalR has no local server: the optional setting stays unset, a required one stops the service.
    expect(settings.SIGNALR_ENDPOINT).toBeUndefined();
    expect(() => env.settingsFor("ninevectors-api")).toThrow(
      /ninevectors-api\/manifest\.json: setting SQL_SERVER: not available locally: sql\.server/,
    );
  });

  it("is healthy on the platform's health path with Redis and PostgreSQL up", async () => {
    expect(HEALTH_PATH).toBe(PLATFORM_HEALTH_PATH);
    const response = await fetch(`${base}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      status: "healthy",
      checks: { redis: { status: "up" }, postgresql: { status: "up" } },
    });
  });

  it("stores messages in PostgreSQL, lists them newest first and counts them in Redis", async () => {
    const first = await post("lobby", { author: "ada", text: "hello" });
    expect(first.status).toBe(201);
    const message = await first.json();
    expect(message).toMatchObject({ room: "lobby", author: "ada", text: "hello" });
    expect(first.headers.get("location")).toBe(`/api/v1/rooms/lobby/messages/${message.id}`);
    expect((await post("lobby", { author: "ada", text: "  second  " })).status).toBe(201);

    expect(await rowsOf("ada")).toEqual([
      { room: "lobby", author: "ada", text: "hello" },
      { room: "lobby", author: "ada", text: "second" },
    ]);
    const minute = Math.floor(Date.now() / 60_000);
    const counted =
      Number(await redis.get(rateKey("ada", minute))) + Number(await redis.get(rateKey("ada", minute - 1)));
    expect(counted).toBe(2);

    const listed = await (await fetch(`${base}/api/v1/rooms/lobby/messages?limit=1`)).json();
    expect(listed).toEqual({ room: "lobby", messages: [expect.objectContaining({ author: "ada", text: "second" })] });
    expect((await (await fetch(`${base}/api/v1/rooms/elsewhere/messages`)).json()).messages).toEqual([]);
  });

  it("refuses bad input with problem+json naming what is wrong, and stores nothing", async () => {
    const room = await expectProblem(await post("Not_A_Room", { author: "bob", text: "x" }), 400, "validation-failed");
    expect(room.errors).toEqual([{ pointer: "path:room", detail: expect.stringContaining("lower-case") }]);
    const body = await expectProblem(
      await post("lobby", { author: "bob", text: "", extra: 1 }),
      400,
      "validation-failed",
    );
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(["", "/text"]);
    await expectProblem(await post("lobby", "{not json"), 400, "malformed-json");
    await expectProblem(
      await post("lobby", "author=bob", { "Content-Type": "application/x-www-form-urlencoded" }),
      415,
      "unsupported-media-type",
    );
    await expectProblem(await post("lobby", { author: "bob", text: "x".repeat(17 * 1024) }), 413, "payload-too-large");
    await expectProblem(await fetch(`${base}/api/v1/rooms/lobby/messages?limit=0`), 400, "validation-failed");
    await expectProblem(
      await fetch(`${base}/api/v1/rooms/lobby/messages`, { method: "DELETE" }),
      405,
      "method-not-allowed",
    );
    await expectProblem(await fetch(`${base}/nope`), 404, "not-found");
    expect(await rowsOf("bob")).toEqual([]);
  });

  it("limits each author's messages a minute across instances with the counter in Redis", async () => {
    // The counter of this minute and the next already at the limit, as other instances left them.
    const minute = Math.floor(Date.now() / 60_000);
    for (const m of [minute, minute + 1]) await redis.set(rateKey("cy", m), String(LIMIT), { EX: 120 });
    const refused = await post("lobby", { author: "cy", text: "one too many" });
    const problem = await expectProblem(refused, 429, "rate-limited");
    expect(problem.limit).toBe(LIMIT);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await rowsOf("cy")).toEqual([]);
  });

  it("reaches PostgreSQL as its own role, which may use rows but not change the schema", async () => {
    const role = new pg.Client({
      host: env.postgresql!.host,
      port: env.postgresql!.port,
      user: "chatlings-web",
      database: "chatlings",
    });
    await role.connect();
    try {
      await expect(role.query("SELECT count(*) FROM messages")).resolves.toBeDefined();
      await expect(role.query("CREATE TABLE intruder (id int)")).rejects.toThrow(/permission denied/);
    } finally {
      await role.end();
    }
  });

  it("answers 503 while Redis or PostgreSQL is down, and recovers when it is back", async () => {
    env.proxies!.redis!.cut();
    try {
      await expectProblem(await post("lobby", { author: "dee", text: "lost?" }), 503, "dependency-unavailable");
      const health = await fetch(`${base}${HEALTH_PATH}`);
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({
        status: "unhealthy",
        checks: { redis: { status: "down" }, postgresql: { status: "up" } },
      });
    } finally {
      env.proxies!.redis!.restore();
    }
    expect(await rowsOf("dee")).toEqual([]);
    await until(async () => (await post("lobby", { author: "dee", text: "back" })).status === 201);

    env.proxies!.postgresql!.cut();
    try {
      await expectProblem(await post("lobby", { author: "dee", text: "lost?" }), 503, "dependency-unavailable");
      await expectProblem(await fetch(`${base}/api/v1/rooms/lobby/messages`), 503, "dependency-unavailable");
    } finally {
      env.proxies!.postgresql!.restore();
    }
    await until(async () => (await fetch(`${base}/api/v1/rooms/lobby/messages`)).status === 200);
    expect(await rowsOf("dee")).toEqual([{ room: "lobby", author: "dee", text: "back" }]);
  });
});
