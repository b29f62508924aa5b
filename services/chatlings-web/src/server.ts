// Chatlings' web app (seed 004), reduced to what the estate hosts and probes: a Node HTTP server
// answering App Service's health check and Front Door's origin probe. The game itself (Express,
// sessions in Redis, real-time through SignalR / Web PubSub) is the users' own code.
import { createServer, type Server } from "node:http";
import { healthResponse } from "../../shared/health.js";
import type { Logger } from "../../shared/log.js";

/** The same path as infra/core/health.ts' HEALTH_PATH: services never import the infrastructure code. */
export const HEALTH_PATH = "/api/v1/health";

export function chatlingsServer(log: Logger): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === HEALTH_PATH) {
      // No dependency checks yet: the app's own dependencies belong to its code.
      healthResponse([]).then(
        (result) => {
          response.writeHead(result.status ?? 200, { "Content-Type": "application/json", ...(result.headers as Record<string, string>) });
          response.end(JSON.stringify(result.jsonBody));
        },
        (error: unknown) => {
          log("error", "health check failed", { error: String(error) });
          response.writeHead(500).end();
        },
      );
      return;
    }
    response.writeHead(404, { "Content-Type": "application/problem+json", "Cache-Control": "no-store" });
    response.end(JSON.stringify({ type: "about:blank", title: "not found", status: 404, instance: url.pathname }));
  });
}
