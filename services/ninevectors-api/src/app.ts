// 9Vectors' web API (App Service, Node): so far only the health route the platform probes.
// The seed's assessment, document and coaching routes are not written yet.
import { createServer, type Server } from "node:http";
import { z } from "zod";
import { bindingSettings } from "../../shared/bindings.js";
import { appEnvironment, setting } from "../../shared/config.js";
import { healthResponse } from "../../shared/health.js";
import type { Logger } from "../../shared/log.js";

/** Exactly the settings of services/ninevectors-api/manifest.json, and PORT. */
export const settingsSchema = z.object({
  /** App Service tells the app which port to listen on. */
  PORT: setting.positiveInt(8080, 65535),
  APPLICATIONINSIGHTS_CONNECTION_STRING: setting.appInsights(),
  APP_ENV: appEnvironment.default("production"),
  AZURE_CLIENT_ID: bindingSettings.AZURE_CLIENT_ID,
  SQL_SERVER: bindingSettings.host(),
  SQL_DATABASE: bindingSettings.name(),
  REDIS_URL: bindingSettings.redisUrl(),
  REDIS_USER: bindingSettings.name(),
  SEARCH_ENDPOINT: bindingSettings.endpoint(),
  AZURE_OPENAI_ENDPOINT: bindingSettings.endpoint(),
  AZURE_OPENAI_CHAT_DEPLOYMENT: bindingSettings.name(),
  AZURE_OPENAI_EMBEDDINGS_DEPLOYMENT: bindingSettings.name(),
});

export function createApp(log: Logger): Server {
  return createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === "/api/v1/health") {
      // No dependency of its own yet, so healthy whenever it answers.
      const result = await healthResponse([]);
      response.writeHead(result.status ?? 200, {
        "Content-Type": "application/json",
        ...(result.headers as Record<string, string>),
      });
      response.end(JSON.stringify(result.jsonBody));
      return;
    }
    log("info", "no route", { method: request.method, path: url.pathname });
    response.writeHead(404, { "Content-Type": "application/problem+json" });
    response.end(JSON.stringify({ type: "about:blank", title: "Not Found", status: 404 }));
  });
}
