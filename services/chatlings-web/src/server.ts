// Chatlings' web app (seed 004), reduced to what the estate hosts and what its data tier serves:
// App Service's health probe (Redis and PostgreSQL checked), and chat rooms whose messages live in
// PostgreSQL with a per-author rate limit counted in Redis. Sign-in (Google OAuth sessions in the
// seed), the game itself and real-time delivery are the users' own code.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { HttpResponseInit } from "@azure/functions";
import { z } from "zod";
import { healthResponse } from "../../shared/health.js";
import { json, readJson } from "../../shared/http.js";
import type { Logger } from "../../shared/log.js";
import { ProblemError, problemResponse } from "../../shared/problem.js";
import type { ChatData } from "./chat.js";

/** The same path as infra/core/health.ts' HEALTH_PATH: services never import the infrastructure code. */
export const HEALTH_PATH = "/api/v1/health";
const MESSAGES_PATH = /^\/api\/v1\/rooms\/([^/]+)\/messages$/;

const JSON_LIMITS = { maxBytes: 16 * 1024, maxDepth: 4, maxStringLength: 4_000 };
const roomName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be 1-64 lower-case letters, digits and '-'");
const newMessage = z
  .object({
    author: z.string().trim().min(1, "must not be empty").max(64, "must be at most 64 characters"),
    text: z.string().trim().min(1, "must not be empty").max(2_000, "must be at most 2000 characters"),
  })
  .strict();
const listQuery = z.object({
  limit: z.coerce
    .number()
    .int("must be an integer")
    .min(1, "must be at least 1")
    .max(100, "must be at most 100")
    .default(20),
});

/** A zod failure as the validation problem the other services answer with (JSON pointers). */
function invalid(error: z.ZodError, prefix: string): ProblemError {
  const errors = error.issues.map((issue) => ({
    pointer: `${prefix}${issue.path.map((p) => `/${p}`).join("")}`,
    detail: issue.message,
  }));
  return new ProblemError("validation-failed", errors.map((e) => `${e.pointer || "body"}: ${e.detail}`).join("; "), {
    errors,
  });
}

function parse<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, prefix);
  return result.data;
}

export interface ChatlingsDependencies {
  data: ChatData;
  log: Logger;
}

async function route(request: Request, url: URL, { data }: ChatlingsDependencies): Promise<HttpResponseInit> {
  if (url.pathname === HEALTH_PATH) {
    if (request.method !== "GET") throw new ProblemError("method-not-allowed", "use GET", {}, { Allow: "GET" });
    return healthResponse(data.checks);
  }
  const messages = MESSAGES_PATH.exec(url.pathname);
  if (!messages) throw new ProblemError("not-found", "no such route");
  const room = parse(roomName, decodeURIComponent(messages[1]), "path:room");
  if (request.method === "POST") {
    const body = parse(newMessage, await readJson(request, JSON_LIMITS), "");
    await data.countMessage(body.author);
    const message = await data.post(room, body.author, body.text);
    return json(201, message, { Location: `${url.pathname}/${message.id}` });
  }
  if (request.method === "GET") {
    const { limit } = parse(listQuery, Object.fromEntries(url.searchParams), "query:");
    return json(200, { room, messages: await data.list(room, limit) });
  }
  throw new ProblemError("method-not-allowed", "use GET or POST", {}, { Allow: "GET, POST" });
}

function write(response: ServerResponse, result: HttpResponseInit): void {
  const body = result.jsonBody !== undefined ? JSON.stringify(result.jsonBody) : String(result.body ?? "");
  const type = result.jsonBody !== undefined ? { "Content-Type": "application/json" } : {};
  response.writeHead(result.status ?? 200, { ...type, ...(result.headers as Record<string, string>) }).end(body);
}

export function chatlingsServer(deps: ChatlingsDependencies): Server {
  const { log } = deps;
  return createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? "/", "http://localhost");
    const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
    const headers = Object.entries(incoming.headers).map(([name, value]): [string, string] => [
      name,
      Array.isArray(value) ? value.join(", ") : (value ?? ""),
    ]);
    const request = new Request(url, {
      method: incoming.method,
      headers,
      body: hasBody ? (Readable.toWeb(incoming) as ReadableStream) : undefined,
      duplex: "half",
    } as RequestInit);
    route(request, url, deps).then(
      (result) => write(response, result),
      (error: unknown) => {
        if (error instanceof ProblemError) return write(response, problemResponse(error, url.pathname));
        // Only a bug gets here: the data layer turns every unanswered call into a 503 problem.
        log("error", "unhandled error", {
          method: incoming.method,
          path: url.pathname,
          error: error instanceof Error ? error.stack : String(error),
        });
        write(response, problemResponse(new ProblemError("internal-error", "see the app's log"), url.pathname));
      },
    );
  });
}
