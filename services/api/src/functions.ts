// The API's functions, built from explicit dependencies so Azure (index.ts) and the local host
// register exactly the same routes and handlers.
import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import { createAuthenticator, type Authenticator, type Caller } from "../../shared/auth.js";
import { containers, createDataClients, type DataClients } from "../../shared/azure.js";
import type { FunctionSet } from "../../shared/functions.js";
import { healthResponse, type HealthCheck } from "../../shared/health.js";
import { withProblems } from "../../shared/http.js";
import type { Logger } from "../../shared/log.js";
import type { ApiConfig } from "./config.js";
import { getDocument, sweepOutbox, uploadDocument } from "./documents.js";
import { ingestEvents, listEvents } from "./events.js";

export interface ApiDependencies {
  config: ApiConfig;
  data: DataClients;
  authenticate: Authenticator;
  log: Logger;
}

export function createApiDependencies(config: ApiConfig, log: Logger): ApiDependencies {
  return {
    config,
    log,
    data: createDataClients(config),
    authenticate: createAuthenticator({
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUri: config.AUTH_JWKS_URI,
      jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_SECONDS * 1000,
      jwksMaxAgeMs: config.AUTH_JWKS_MAX_AGE_SECONDS * 1000,
      callerTokenHeader: config.AUTH_CALLER_HEADER,
    }),
  };
}

export function createApiFunctions({ config, data, authenticate, log }: ApiDependencies): FunctionSet {
  const events = data.database.container(containers.events);
  const idempotency = data.database.container(containers.idempotency);
  const documents = data.database.container(containers.documents);
  const queue = data.serviceBus.createSender(config.DOCUMENTS_QUEUE);
  const cursorKey = config.CURSOR_SIGNING_KEY ? Buffer.from(config.CURSOR_SIGNING_KEY) : randomBytes(32);
  if (!config.CURSOR_SIGNING_KEY && config.APP_ENV === "production")
    log("warn", "CURSOR_SIGNING_KEY is not set: list cursors page only on the instance that issued them");

  const healthChecks: HealthCheck[] = [
    { name: "cosmos", required: true, probe: (abortSignal) => data.database.read({ abortSignal }) },
    { name: "blob", required: true, probe: (abortSignal) => data.blobs.getProperties({ abortSignal }) },
    // Opening a sender link proves the namespace answers and the identity may send.
    { name: "servicebus", required: true, probe: (abortSignal) => queue.createMessageBatch({ abortSignal }) },
  ];

  // Routes that need a caller: the token is checked before the handler sees the request.
  const authenticated = (handler: (caller: Caller, request: HttpRequest) => Promise<HttpResponseInit>) =>
    withProblems(log, async (request) => handler(await authenticate(request.headers), request));
  const documentDeps = {
    documents,
    idempotency,
    blobs: data.blobs,
    queue,
    maxUploadBytes: config.MAX_UPLOAD_BYTES,
    log,
  };

  return {
    http: [
      {
        name: "health",
        methods: ["GET"],
        route: "v1/health",
        handler: withProblems(log, () => healthResponse(healthChecks)),
      },
      {
        name: "events-ingest",
        methods: ["POST"],
        route: "v1/events",
        handler: authenticated((caller, request) => ingestEvents({ events, idempotency }, caller, request)),
      },
      {
        name: "events-list",
        methods: ["GET"],
        route: "v1/events",
        handler: authenticated((caller, request) => listEvents(events, cursorKey, caller, request)),
      },
      {
        name: "documents-upload",
        methods: ["POST"],
        route: "v1/documents",
        handler: authenticated((caller, request) => uploadDocument(documentDeps, caller, request)),
      },
      {
        name: "documents-get",
        methods: ["GET"],
        route: "v1/documents/{id}",
        handler: authenticated((caller, request) => getDocument(documents, caller, request.params.id ?? "")),
      },
    ],
    serviceBusQueues: [],
    timers: [
      { name: "documents-outbox", everySeconds: 60, handler: async () => void (await sweepOutbox(documentDeps)) },
    ],
  };
}
